package dev.plasticity.inference;

import java.util.Arrays;

/**
 * One prediction: the most probable class, every class's probability, and the model version that
 * made it (STYLE 4: every prediction is stamped with its version).
 *
 * @param label index of the most probable class
 * @param probabilities class probabilities, one per class (a copy; the record stays immutable)
 * @param modelVersion the registry version of the model that answered
 */
public record Prediction(int label, float[] probabilities, int modelVersion) {
  public Prediction {
    probabilities = probabilities.clone();
  }

  @Override
  public float[] probabilities() {
    return probabilities.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p && label == p.label && modelVersion == p.modelVersion
        && Arrays.equals(probabilities, p.probabilities);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * label + modelVersion) + Arrays.hashCode(probabilities);
  }

  @Override
  public String toString() {
    return "Prediction[label=" + label + ", probabilities=" + Arrays.toString(probabilities)
        + ", modelVersion=" + modelVersion + "]";
  }
}
