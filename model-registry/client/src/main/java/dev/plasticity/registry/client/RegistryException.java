package dev.plasticity.registry.client;

/** The registry answered with an error status, or could not be reached. */
public final class RegistryException extends RuntimeException {
  private final int status;

  RegistryException(String message, int status) {
    super(message);
    this.status = status;
  }

  RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
  }

  /** HTTP status, or -1 when the registry could not be reached. */
  public int status() {
    return status;
  }
}
