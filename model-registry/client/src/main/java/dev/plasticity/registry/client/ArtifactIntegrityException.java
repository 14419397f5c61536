package dev.plasticity.registry.client;

/** An artifact whose bytes do not hash to the SHA-256 its version announced: never load it. */
public final class ArtifactIntegrityException extends RuntimeException {
  ArtifactIntegrityException(String message) {
    super(message);
  }
}
