package dev.plasticity.schemas;

import java.net.URI;

/**
 * The environment variables that more than one service reads, declared once with the default most
 * services give them; a service that gives one another default or meaning declares it with {@link
 * Setting#withDefault}. Each service's own variables are declared beside the code that reads them.
 */
public final class SharedSettings {
  /** Kafka's bootstrap servers, {@code host:port[,host:port]}. */
  public static final Setting<String> KAFKA_BOOTSTRAP =
      Setting.text("PLASTICITY_KAFKA_BOOTSTRAP", "localhost:9092", "Kafka's bootstrap servers");
  /** Where the model registry answers. */
  public static final Setting<URI> REGISTRY_URL =
      Setting.uri("PLASTICITY_REGISTRY_URL", "http://localhost:8081", "the registry's base URL");
  /** The bearer token registry writes carry; the registry client sends it with every request. */
  public static final Setting<String> REGISTRY_TOKEN =
      Setting.text("PLASTICITY_REGISTRY_TOKEN", "", "the registry's bearer token, sent with every request; never logged");

  private SharedSettings() {}
}
