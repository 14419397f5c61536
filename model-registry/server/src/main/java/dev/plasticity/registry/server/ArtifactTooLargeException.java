package dev.plasticity.registry.server;

/** An upload is larger than the registry accepts (answered 413). */
final class ArtifactTooLargeException extends RuntimeException {
  ArtifactTooLargeException(String message) {
    super(message);
  }
}
