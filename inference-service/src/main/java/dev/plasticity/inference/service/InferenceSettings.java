package dev.plasticity.inference.service;

import java.net.URI;
import java.util.Map;

/**
 * How {@link InferenceService#main} runs, read once from the variables {@link InferenceEnvironment}
 * declares.
 *
 * @param model the model served
 * @param kafkaBootstrap Kafka's bootstrap servers
 * @param registryUrl the registry's base URL
 * @param registryToken the registry's bearer token; null when it needs none
 * @param bindHost the address the HTTP service listens on
 * @param port the HTTP port (0: any free one)
 */
record InferenceSettings(String model, String kafkaBootstrap, URI registryUrl, String registryToken, String bindHost,
    int port) {

  InferenceSettings {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("set " + InferenceEnvironment.MODEL.name() + " to the name of the model to serve");
    }
    if (bindHost == null || bindHost.isBlank()) {
      throw new IllegalArgumentException(InferenceEnvironment.BIND_HOST.name()
          + " must name an address, e.g. 127.0.0.1; it was blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(InferenceEnvironment.PORT.name() + " must be 0 (any free port) or 1..65535, got " + port);
    }
  }

  /** @throws IllegalArgumentException naming the variable that is missing or malformed */
  static InferenceSettings fromEnvironment(Map<String, String> env) {
    return new InferenceSettings(InferenceEnvironment.MODEL.in(env).orElse(null),
        InferenceEnvironment.KAFKA_BOOTSTRAP.require(env), InferenceEnvironment.REGISTRY_URL.require(env),
        InferenceEnvironment.REGISTRY_TOKEN.in(env).orElse(null), InferenceEnvironment.BIND_HOST.require(env),
        InferenceEnvironment.PORT.require(env));
  }

  @Override
  public String toString() {
    return "InferenceSettings[model=" + model + ", kafkaBootstrap=" + kafkaBootstrap + ", registryUrl=" + registryUrl
        + ", registryToken=" + (registryToken == null ? "none" : "***") + ", bindHost=" + bindHost + ", port=" + port + "]";
  }
}
