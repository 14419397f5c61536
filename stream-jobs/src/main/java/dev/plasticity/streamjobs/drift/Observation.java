package dev.plasticity.streamjobs.drift;

import java.util.Map;
import java.util.Objects;

/**
 * One labelled event as the drift monitor sees it.
 *
 * @param features numeric features by name
 * @param label the true class index
 * @param prediction the class a served model predicted, or null
 * @param predictionVersion the version of the model that predicted it, or null
 */
public record Observation(Map<String, Double> features, int label, Integer prediction, Integer predictionVersion) {
  public Observation {
    features = Map.copyOf(Objects.requireNonNull(features, "features"));
    if (label < 0) {
      throw new IllegalArgumentException("label must be a class index >= 0, got " + label);
    }
  }

  /** Whether {@code version} predicted this event. */
  public boolean predictedBy(int version) {
    return prediction != null && predictionVersion != null && predictionVersion == version;
  }

  /** Whether the prediction was wrong; only meaningful when a prediction exists. */
  public boolean misclassified() {
    return prediction != null && prediction != label;
  }
}
