package dev.plasticity.inference.scoring;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link ScoringApp} runs: where Kafka and the registry are, which models it serves, its
 * Kafka Streams application id (instances sharing it split the partitions between them) and its
 * state directory. Immutable; validated once when made.
 *
 * @param bootstrapServers Kafka's bootstrap servers
 * @param registryUrl the registry's base URL
 * @param registryToken the registry's bearer token; null when it needs none
 * @param models the models served (at least one, no repeats)
 * @param applicationId Kafka Streams' {@code application.id}: the consumer group and the prefix of
 *     internal topics
 * @param stateDir Kafka Streams' {@code state.dir}: where the recent-labels store lives
 */
public record ScoringConfig(String bootstrapServers, URI registryUrl, String registryToken, List<String> models,
    String applicationId, Path stateDir) {
  /** The application id unless configured otherwise. */
  public static final String DEFAULT_APPLICATION_ID = "plasticity-scoring";

  public ScoringConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("the scoring app needs Kafka bootstrap servers; they were blank");
    }
    Objects.requireNonNull(registryUrl, "registryUrl");
    if (registryToken != null && registryToken.isBlank()) {
      registryToken = null;
    }
    models = List.copyOf(Objects.requireNonNull(models, "models"));
    if (models.isEmpty()) {
      throw new IllegalArgumentException("the scoring app serves at least one model; none was named");
    }
    if (models.stream().anyMatch(String::isBlank) || new HashSet<>(models).size() != models.size()) {
      throw new IllegalArgumentException("models must be distinct, non-blank names; got " + models);
    }
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("the scoring app needs an application id (default " + DEFAULT_APPLICATION_ID
          + "); it was blank");
    }
    Objects.requireNonNull(stateDir, "stateDir");
  }

  /** A config with the default application id and no registry token. */
  public static ScoringConfig of(String bootstrapServers, URI registryUrl, List<String> models, Path stateDir) {
    return new ScoringConfig(bootstrapServers, registryUrl, null, models, DEFAULT_APPLICATION_ID, stateDir);
  }

  /**
   * The config the variables of {@link ScoringEnvironment} describe.
   *
   * @throws IllegalArgumentException naming the variable that is missing or malformed
   */
  public static ScoringConfig fromEnvironment(Map<String, String> env) {
    return new ScoringConfig(ScoringEnvironment.KAFKA_BOOTSTRAP.require(env), ScoringEnvironment.REGISTRY_URL.require(env),
        ScoringEnvironment.REGISTRY_TOKEN.in(env).orElse(null), ScoringEnvironment.MODELS.require(env),
        ScoringEnvironment.APPLICATION_ID.require(env), ScoringEnvironment.STATE_DIR.require(env));
  }

  /** This config with another application id. */
  public ScoringConfig withApplicationId(String id) {
    return new ScoringConfig(bootstrapServers, registryUrl, registryToken, models, id, stateDir);
  }

  /** This config with a registry bearer token (null or blank: none). */
  public ScoringConfig withRegistryToken(String token) {
    return new ScoringConfig(bootstrapServers, registryUrl, token, models, applicationId, stateDir);
  }

  @Override
  public String toString() {
    return "ScoringConfig[bootstrapServers=" + bootstrapServers + ", registryUrl=" + registryUrl + ", registryToken="
        + (registryToken == null ? "none" : "***") + ", models=" + models + ", applicationId=" + applicationId
        + ", stateDir=" + stateDir + "]";
  }
}
