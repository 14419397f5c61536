package dev.plasticity.inference;

import java.net.URI;
import java.util.Map;

/**
 * How {@link InferenceService#main} runs, read once from the environment:
 *
 * <pre>
 * PLASTICITY_MODEL               (required) the model to serve
 * PLASTICITY_KAFKA_BOOTSTRAP     default localhost:9092
 * PLASTICITY_REGISTRY_URL        default http://localhost:8081
 * PLASTICITY_INFERENCE_BIND_HOST default 127.0.0.1 (0.0.0.0 for every interface)
 * PLASTICITY_INFERENCE_PORT      default 8082
 * PLASTICITY_REGISTRY_TOKEN      the registry's bearer token (read by the registry client)
 * </pre>
 *
 * @param model the model served
 * @param kafkaBootstrap Kafka's bootstrap servers
 * @param registryUrl the registry's base URL
 * @param bindHost the address the HTTP service listens on
 * @param port the HTTP port (0: any free one)
 */
record InferenceSettings(String model, String kafkaBootstrap, URI registryUrl, String bindHost, int port) {
  static final String MODEL_ENV = "PLASTICITY_MODEL";
  static final String KAFKA_ENV = "PLASTICITY_KAFKA_BOOTSTRAP";
  static final String REGISTRY_ENV = "PLASTICITY_REGISTRY_URL";
  static final String PORT_ENV = "PLASTICITY_INFERENCE_PORT";

  InferenceSettings {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("set " + MODEL_ENV + " to the name of the model to serve");
    }
    if (bindHost == null || bindHost.isBlank()) {
      throw new IllegalArgumentException(InferenceService.BIND_HOST_ENV + " must name an address, e.g. 127.0.0.1; it was blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(PORT_ENV + " must be 0 (any free port) or 1..65535, got " + port);
    }
  }

  /** @throws IllegalArgumentException naming the variable that is missing or malformed */
  static InferenceSettings fromEnvironment(Map<String, String> env) {
    String port = env.getOrDefault(PORT_ENV, String.valueOf(InferenceService.DEFAULT_PORT)).trim();
    if (!port.matches("\\d{1,5}")) {
      throw new IllegalArgumentException(PORT_ENV + " must be a port number, got '" + port + "'");
    }
    URI registry;
    try {
      registry = URI.create(env.getOrDefault(REGISTRY_ENV, "http://localhost:8081"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(REGISTRY_ENV + " is not a URL: " + e.getMessage(), e);
    }
    return new InferenceSettings(env.get(MODEL_ENV), env.getOrDefault(KAFKA_ENV, "localhost:9092"), registry,
        env.getOrDefault(InferenceService.BIND_HOST_ENV, InferenceService.DEFAULT_BIND_HOST), Integer.parseInt(port));
  }
}
