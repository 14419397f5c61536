package dev.plasticity.registry.server;

/** A lifecycle change the registry's rules forbid in the model's current state (answered 409), e.g. archiving the champion. */
final class LifecycleConflictException extends RuntimeException {
  LifecycleConflictException(String message) {
    super(message);
  }
}
