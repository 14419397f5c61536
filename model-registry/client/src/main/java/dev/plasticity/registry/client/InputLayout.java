package dev.plasticity.registry.client;

import dev.plasticity.schemas.Architecture;

/**
 * The columns of a network's input row: the architecture's numeric features, standardised, then
 * the one-hot columns of its categorical features ({@link CategoricalInputs}), then {@code labelLags} blocks of {@code numClasses} columns, one per previous label of the model's
 * stream (newest first), each one-hot; a label that is not known yet is a block of zeros. This is
 * the temporally augmented input of MOA's {@code TemporallyAugmentedClassifier} (Bifet et al.,
 * "Pitfalls in benchmarking data stream classification and how to avoid them", ECML PKDD 2013).
 * Without categorical features and lags the row is exactly the numeric features, as before either existed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param numericInputs the numeric features, at the start of the row
 * @param labelLags the previous labels after them; 0 for none
 * @param numClasses the width of each label's one-hot block
 * @param categoricalColumns the one-hot columns of the categorical features, after the numeric inputs; 0 for none
 */
public record InputLayout(int numericInputs, int labelLags, int numClasses, int categoricalColumns) {
  /** A layout without categorical features. */
  public InputLayout(int numericInputs, int labelLags, int numClasses) {
    this(numericInputs, labelLags, numClasses, 0);
  }

  public InputLayout {
    if (numericInputs < 1) {
      throw new IllegalArgumentException("an input layout needs at least one numeric input, was " + numericInputs);
    }
    if (labelLags < 0) {
      throw new IllegalArgumentException("labelLags must not be negative (0 for none), was " + labelLags);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("numClasses must be at least 2, was " + numClasses);
    }
    if (categoricalColumns < 0) {
      throw new IllegalArgumentException("categoricalColumns must not be negative (0 for none), was "
          + categoricalColumns);
    }
  }

  /** The layout of {@code architecture}'s input. */
  public static InputLayout of(Architecture architecture) {
    return new InputLayout(architecture.getInputFeatures().size(), architecture.getLabelLags(),
        architecture.getNumClasses(), CategoricalInputs.columns(architecture));
  }

  /** Columns in a row: {@code numericInputs + categoricalColumns + labelLags * numClasses}. */
  public int width() {
    return Math.addExact(lagsStart(), Math.multiplyExact(labelLags, numClasses));
  }

  /** The first label-lag column: after the numeric and categorical inputs. */
  public int lagsStart() {
    return Math.addExact(numericInputs, categoricalColumns);
  }

  /** Whether the row carries previous labels. */
  public boolean hasLags() {
    return labelLags > 0;
  }

  /**
   * Writes the lag blocks into {@code row} (from {@link #lagsStart()}): block {@code j} is the
   * one-hot of {@code recentLabels[j]}; a block with no label there, or a label outside {@code [0,
   * numClasses)}, stays zeros. Labels beyond the first {@code labelLags} are ignored.
   *
   * @param recentLabels known previous labels, newest first
   * @throws IllegalArgumentException when {@code row} is not {@link #width()} wide
   */
  public void writeLags(float[] row, int[] recentLabels) {
    if (row.length != width()) {
      throw new IllegalArgumentException("an input row of this layout has " + width() + " columns, was " + row.length);
    }
    int known = Math.min(labelLags, recentLabels.length);
    for (int j = 0; j < known; j++) {
      int label = recentLabels[j];
      if (label >= 0 && label < numClasses) {
        row[lagsStart() + j * numClasses + label] = 1f;
      }
    }
  }
}
