package dev.plasticity.ops.prequential;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores one learner prequentially (each row is predicted before its label is learned) as the rows come: accuracy over
 * the whole stream and per block of rows, Cohen's kappa, and temporal kappa.
 *
 * <p>Cohen's kappa is {@code (p - p_chance) / (1 - p_chance)}, {@code p_chance} the agreement expected from the
 * learner's and the stream's class shares alone. Temporal kappa is {@code (p - p_nochange) / (1 - p_nochange)},
 * {@code p_nochange} the accuracy of predicting the previous label on the same rows: Bifet, Read, Žliobaitė,
 * Pfahringer and Holmes, "Pitfalls in benchmarking data stream classification and how to avoid them", ECML PKDD 2013,
 * and Žliobaitė, Bifet, Read, Pfahringer and Holmes, "Evaluation methods and decision theory for classification of
 * streaming data with temporal dependence", Machine Learning 98, 2015. On a stream whose labels persist, accuracy
 * alone flatters any model; a temporal kappa at or below 0 says the model does no better than repeating the last
 * label.
 *
 * <p>Not thread-safe.
 */
public final class PrequentialScore {
  private final int numClasses;
  private final int blockSize;
  private final long[] predicted;
  private final long[] actual;
  private final List<Double> blocks = new ArrayList<>();
  private int previousLabel;
  private long rows;
  private long correct;
  private long noChangeCorrect;
  private long blockRows;
  private long blockCorrect;

  /**
   * @param numClasses the classes, labels {@code 0 .. numClasses - 1}
   * @param blockSize rows per block of {@link Score#blockAccuracy()}
   * @param labelBefore the label of the row before the first scored one (the last one learned before scoring starts),
   *     which the no-change classifier predicts for the first row
   */
  public PrequentialScore(int numClasses, int blockSize, int labelBefore) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("a score needs at least one class, was " + numClasses);
    }
    if (blockSize < 1) {
      throw new IllegalArgumentException("a block holds at least one row, was " + blockSize);
    }
    checkClass("labelBefore", labelBefore, numClasses);
    this.numClasses = numClasses;
    this.blockSize = blockSize;
    this.predicted = new long[numClasses];
    this.actual = new long[numClasses];
    this.previousLabel = labelBefore;
  }

  /** Records the prediction made for the next row and that row's label. */
  public void record(int prediction, int label) {
    checkClass("prediction", prediction, numClasses);
    checkClass("label", label, numClasses);
    rows++;
    predicted[prediction]++;
    actual[label]++;
    if (prediction == label) {
      correct++;
      blockCorrect++;
    }
    if (previousLabel == label) {
      noChangeCorrect++;
    }
    previousLabel = label;
    if (++blockRows == blockSize) {
      closeBlock();
    }
  }

  /** Records a row for which the learner made no prediction (it failed): scored as wrong. */
  public void recordFailure(int label) {
    checkClass("label", label, numClasses);
    rows++;
    actual[label]++;
    if (previousLabel == label) {
      noChangeCorrect++;
    }
    previousLabel = label;
    if (++blockRows == blockSize) {
      closeBlock();
    }
  }

  private void closeBlock() {
    blocks.add(blockCorrect / (double) blockRows);
    blockRows = 0;
    blockCorrect = 0;
  }

  /** The scores so far; a last block shorter than the block size counts as a block. */
  public Score score() {
    List<Double> blockAccuracy = new ArrayList<>(blocks);
    if (blockRows > 0) {
      blockAccuracy.add(blockCorrect / (double) blockRows);
    }
    if (rows == 0) {
      return new Score(0, null, null, null, null, blockSize, List.of());
    }
    double p = correct / (double) rows;
    double chance = 0;
    for (int k = 0; k < numClasses; k++) {
      chance += (predicted[k] / (double) rows) * (actual[k] / (double) rows);
    }
    double noChange = noChangeCorrect / (double) rows;
    return new Score(rows, p, kappa(p, chance), kappa(p, noChange), noChange, blockSize, List.copyOf(blockAccuracy));
  }

  /** {@code (p - reference) / (1 - reference)}, or null where the reference is always right. */
  private static Double kappa(double p, double reference) {
    return reference >= 1 ? null : (p - reference) / (1 - reference);
  }

  private static void checkClass(String what, int value, int numClasses) {
    if (value < 0 || value >= numClasses) {
      throw new IllegalArgumentException(what + " " + value + " is outside the classes [0, " + numClasses + ")");
    }
  }

  /**
   * One learner's prequential scores.
   *
   * @param rows rows scored
   * @param accuracy share predicted right; null when no row was scored
   * @param kappa Cohen's kappa; null when chance agreement is 1 (one class only)
   * @param temporalKappa kappa against the no-change classifier; null when the label never changes
   * @param noChangeAccuracy the no-change classifier's accuracy on the same rows
   * @param blockSize rows per block
   * @param blockAccuracy accuracy per block of {@code blockSize} rows, in order; the last block may be shorter
   */
  public record Score(long rows, Double accuracy, Double kappa, Double temporalKappa, Double noChangeAccuracy,
      int blockSize, List<Double> blockAccuracy) {}
}
