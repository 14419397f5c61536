package dev.plasticity.trainer;

import java.net.URI;
import java.util.Objects;

/**
 * Where the trainer service finds Kafka and the registry: only the service and its Kafka and
 * registry I/O read these; no training algorithm does. Immutable; {@link #toString()} masks the
 * token.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl base URL of the model registry
 * @param registryToken the bearer token sent with every registry request; null when the registry needs none
 * @param groupId consumer group of all trainer replicas (each trigger is trained once)
 */
public record Endpoints(String bootstrapServers, URI registryUrl, String registryToken, String groupId) {
  /** The consumer group trainer replicas share unless told otherwise. */
  public static final String DEFAULT_GROUP = "plasticity-trainer";

  public Endpoints {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(registryUrl, "registryUrl");
    Objects.requireNonNull(groupId, "groupId");
    registryToken = registryToken == null || registryToken.isBlank() ? null : registryToken;
  }

  @Override
  public String toString() {
    return "Endpoints[bootstrapServers=" + bootstrapServers + ", registryUrl=" + registryUrl + ", registryToken="
        + (registryToken == null ? "none" : "***") + ", groupId=" + groupId + "]";
  }
}
