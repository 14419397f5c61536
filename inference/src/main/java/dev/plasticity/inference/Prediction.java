package dev.plasticity.inference;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One prediction: the most probable class, every class's probability, and the model version that
 * made it (STYLE 4: every prediction is stamped with its version).
 *
 * <p>A value: two predictions are equal when label, version and probabilities are. The predictions
 * of one batch share the batch's probabilities, which nothing writes after the batch is answered;
 * {@link #probabilities()} hands out a copy of this prediction's part. That is why this is a class
 * with the accessors of a record ({@code label()}, {@code probabilities()}, {@code modelVersion()})
 * rather than a record, whose array component would be a copy per row. As JSON it is {@code
 * {"label": 1, "probabilities": [...], "modelVersion": 2}}.
 *
 * <p>Immutable and thread-safe.
 */
@JsonPropertyOrder({"label", "probabilities", "modelVersion"})
public final class Prediction {
  private final int label;
  private final float[] shared;
  private final int from;
  private final int classes;
  private final int modelVersion;

  /**
   * @param label index of the most probable class
   * @param probabilities class probabilities, one per class (copied; the prediction stays immutable)
   * @param modelVersion the registry version of the model that answered
   */
  public Prediction(int label, float[] probabilities, int modelVersion) {
    this(label, probabilities.clone(), 0, probabilities.length, modelVersion);
  }

  private Prediction(int label, float[] shared, int from, int classes, int modelVersion) {
    this.label = label;
    this.shared = shared;
    this.from = from;
    this.classes = classes;
    this.modelVersion = modelVersion;
  }

  /**
   * Row {@code row} of a batch's probabilities, {@code classes} per row in one row-major array that
   * the caller hands over and never writes again; the label is the most probable class (the first
   * on ties).
   */
  static Prediction ofBatchRow(float[] probabilities, int row, int classes, int modelVersion) {
    Objects.checkFromIndexSize(row * classes, classes, probabilities.length);
    int from = row * classes;
    int best = 0;
    for (int i = 1; i < classes; i++) {
      if (probabilities[from + i] > probabilities[from + best]) {
        best = i;
      }
    }
    return new Prediction(best, probabilities, from, classes, modelVersion);
  }

  /** Index of the most probable class. */
  @JsonProperty("label")
  public int label() {
    return label;
  }

  /** Class probabilities, one per class: a fresh copy on every call. */
  @JsonProperty("probabilities")
  public float[] probabilities() {
    return Arrays.copyOfRange(shared, from, from + classes);
  }

  /** The registry version of the model that answered. */
  @JsonProperty("modelVersion")
  public int modelVersion() {
    return modelVersion;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p && label == p.label && modelVersion == p.modelVersion
        && Arrays.equals(shared, from, from + classes, p.shared, p.from, p.from + p.classes);
  }

  /** As a record holding {@code probabilities()} would hash: {@code Arrays.hashCode} of the probabilities. */
  @Override
  public int hashCode() {
    int probabilities = 1;
    for (int i = from; i < from + classes; i++) {
      probabilities = 31 * probabilities + Float.hashCode(shared[i]);
    }
    return 31 * (31 * label + modelVersion) + probabilities;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Prediction[label=").append(label).append(", probabilities=[");
    for (int i = from; i < from + classes; i++) {
      text.append(i == from ? "" : ", ").append(shared[i]);
    }
    return text.append("], modelVersion=").append(modelVersion).append(']').toString();
  }
}
