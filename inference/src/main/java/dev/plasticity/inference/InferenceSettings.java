package dev.plasticity.inference;

import java.net.URI;
import java.util.Map;

/**
 * How {@link InferenceService#main} runs, read once from the variables {@link InferenceEnvironment}
 * declares.
 *
 * @param model the model served
 * @param kafkaBootstrap Kafka's bootstrap servers
 * @param registryUrl the registry's base URL
 * @param bindHost the address the HTTP service listens on
 * @param port the HTTP port (0: any free one)
 */
record InferenceSettings(String model, String kafkaBootstrap, URI registryUrl, String bindHost, int port) {
  static final String MODEL_ENV = InferenceEnvironment.MODEL.variable();
  static final String REGISTRY_ENV = InferenceEnvironment.REGISTRY_URL.variable();
  static final String PORT_ENV = InferenceEnvironment.PORT.variable();

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
    String port = InferenceEnvironment.PORT.in(env).trim();
    if (!port.matches("\\d{1,5}")) {
      throw new IllegalArgumentException(PORT_ENV + " must be a port number, got '" + port + "'");
    }
    URI registry;
    try {
      registry = URI.create(InferenceEnvironment.REGISTRY_URL.in(env));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(REGISTRY_ENV + " is not a URL: " + e.getMessage(), e);
    }
    return new InferenceSettings(InferenceEnvironment.MODEL.in(env), InferenceEnvironment.KAFKA_BOOTSTRAP.in(env), registry,
        InferenceEnvironment.BIND_HOST.in(env), Integer.parseInt(port));
  }
}
