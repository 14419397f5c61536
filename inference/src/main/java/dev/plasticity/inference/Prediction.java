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
 * of one batch share the batch's class scores, which nothing writes after the batch is answered;
 * {@link #probabilities()} computes this prediction's probabilities from its row of scores when it
 * is called (see {@code ClassScores}), so a caller that reads only labels pays for no softmax. That
 * is why this is a class with the accessors of a record ({@code label()}, {@code probabilities()},
 * {@code modelVersion()}) rather than a record, whose array component would be computed and copied
 * per row. As JSON it is {@code {"label": 1, "probabilities": [...], "modelVersion": 2}}.
 *
 * <p>Immutable and thread-safe.
 */
@JsonPropertyOrder({"label", "probabilities", "modelVersion"})
public final class Prediction {
  private final int label;
  private final float[] shared;
  private final int from;
  private final int classes;
  private final boolean scores;
  private final int modelVersion;
  private final float activeParameters;

  /**
   * @param label index of the most probable class
   * @param probabilities class probabilities, one per class (copied; the prediction stays immutable)
   * @param modelVersion the registry version of the model that answered
   */
  public Prediction(int label, float[] probabilities, int modelVersion) {
    this(label, probabilities.clone(), 0, probabilities.length, false, modelVersion, Float.NaN);
  }

  /** @param scores whether {@code shared} holds class scores (else probabilities) */
  private Prediction(int label, float[] shared, int from, int classes, boolean scores, int modelVersion,
      float activeParameters) {
    this.label = label;
    this.shared = shared;
    this.from = from;
    this.classes = classes;
    this.scores = scores;
    this.modelVersion = modelVersion;
    this.activeParameters = activeParameters;
  }

  /**
   * Row {@code row} of a batch's class scores, {@code classes} per row in one row-major array that the
   * caller hands over and never writes again; the probabilities are the row's softmax and the label
   * the most probable class (the first on ties).
   */
  static Prediction ofBatchScores(float[] scores, int row, int classes, int modelVersion) {
    return ofBatchScores(scores, row, classes, modelVersion, Float.NaN);
  }

  /**
   * {@link #ofBatchScores(float[], int, int, int)} for a network that reports the parameters each
   * row used: {@code activeParameters} for this row (NaN when not reported).
   */
  static Prediction ofBatchScores(float[] scores, int row, int classes, int modelVersion, float activeParameters) {
    int from = Math.multiplyExact(row, classes);
    Objects.checkFromIndexSize(from, classes, scores.length);
    return new Prediction(ClassScores.label(scores, from, classes), scores, from, classes, true, modelVersion,
        activeParameters);
  }

  /**
   * The parameters this row used, for a network that computes only part of itself per row (an
   * experts network: its gate plus the experts the row was routed to); empty for one that uses all
   * of its parameters for every row. Not part of the JSON form nor of equality: it describes the
   * cost of the answer, not the answer.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public java.util.OptionalDouble activeParameters() {
    return Float.isNaN(activeParameters) ? java.util.OptionalDouble.empty()
        : java.util.OptionalDouble.of(activeParameters);
  }

  /** Index of the most probable class. */
  @JsonProperty("label")
  public int label() {
    return label;
  }

  /** Class probabilities, one per class: a fresh array on every call. */
  @JsonProperty("probabilities")
  public float[] probabilities() {
    return scores ? ClassScores.probabilities(shared, from, classes) : Arrays.copyOfRange(shared, from, from + classes);
  }

  /** The registry version of the model that answered. */
  @JsonProperty("modelVersion")
  public int modelVersion() {
    return modelVersion;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p && label == p.label && modelVersion == p.modelVersion
        && Arrays.equals(probabilities(), p.probabilities());
  }

  /** As a record holding {@code probabilities()} would hash: {@code Arrays.hashCode} of the probabilities. */
  @Override
  public int hashCode() {
    return 31 * (31 * label + modelVersion) + Arrays.hashCode(probabilities());
  }

  @Override
  public String toString() {
    return "Prediction[label=" + label + ", probabilities=" + Arrays.toString(probabilities()) + ", modelVersion="
        + modelVersion + "]";
  }
}
