package dev.plasticity.registry.server;

/** A version was uploaded for a model that was never registered. */
final class UnknownModelException extends RuntimeException {
  UnknownModelException(String model) {
    super("model '" + model + "' is not registered; register it first with PUT /api/models/{model}");
  }
}
