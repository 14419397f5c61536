package dev.plasticity.inference;

/** Why a prediction failed, as {@link HotSwapPredictor} counts it. */
public enum PredictionFailure {
  /** No version is served yet, or the predictor is closed. */
  NO_VERSION_SERVED("no-version-served"),
  /** The event lacks a feature the served version needs, or holds one it cannot read. */
  INVALID_INPUT("invalid-input"),
  /** Anything else: the engine failed. */
  ERROR("error");

  private final String id;

  PredictionFailure(String id) {
    this.id = id;
  }

  /** The reason's name in metrics, e.g. {@code no-version-served}. */
  public String id() {
    return id;
  }
}
