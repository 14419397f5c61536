package dev.plasticity.inference;

import dev.plasticity.registry.client.RegistryClient;
import java.util.Map;

/**
 * Every environment variable {@link InferenceService#main} reads, declared once with its default
 * and what it is for; {@link InferenceSettings#fromEnvironment} reads them through this table and
 * the launcher's {@code plasticity inference --help} prints it. Immutable and thread-safe.
 */
public enum InferenceEnvironment {
  MODEL("PLASTICITY_MODEL", "", "the model to serve (required)"),
  KAFKA_BOOTSTRAP("PLASTICITY_KAFKA_BOOTSTRAP", "localhost:9092", "Kafka's bootstrap servers"),
  REGISTRY_URL("PLASTICITY_REGISTRY_URL", "http://localhost:8081", "the registry's base URL"),
  REGISTRY_TOKEN(RegistryClient.TOKEN_ENV, "", "the registry's bearer token (read by the registry client)"),
  BIND_HOST(InferenceService.BIND_HOST_ENV, InferenceService.DEFAULT_BIND_HOST,
      "the interface to listen on (0.0.0.0 for every interface)"),
  PORT("PLASTICITY_INFERENCE_PORT", String.valueOf(InferenceService.DEFAULT_PORT), "the HTTP port (0: any free one)");

  private final String variable;
  private final String defaultValue;
  private final String description;

  InferenceEnvironment(String variable, String defaultValue, String description) {
    this.variable = variable;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The variable's name, e.g. {@code PLASTICITY_MODEL}. */
  public String variable() {
    return variable;
  }

  /** What applies when the variable is unset; empty when nothing does. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The variable's value in {@code env}, or the default when it is unset; null when neither. */
  String in(Map<String, String> env) {
    String value = env.get(variable);
    if (value == null) {
      return defaultValue.isEmpty() ? null : defaultValue;
    }
    return value;
  }
}
