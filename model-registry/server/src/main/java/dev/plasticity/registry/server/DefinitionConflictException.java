package dev.plasticity.registry.server;

/** A model that has versions was sent a definition other than its own (409). */
final class DefinitionConflictException extends RuntimeException {
  DefinitionConflictException(String message) {
    super(message);
  }
}
