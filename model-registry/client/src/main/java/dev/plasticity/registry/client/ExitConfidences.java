package dev.plasticity.registry.client;

import java.util.Arrays;

/**
 * Every exit's confidence (largest softmax probability) and predicted class for a set of rows, from
 * one full-depth pass of an {@link EarlyExitBlock}: from it, where each row leaves and what it
 * predicts follow for any threshold, without running the network again. What calibration picks a
 * threshold with, and what a version's exit statistics are computed from.
 *
 * <p>A row leaves at the first exit whose confidence is at least the threshold, or at the last exit
 * (the output layer) when none is. Immutable: the arrays are copied in and never handed out.
 */
public final class ExitConfidences {
  private final float[][] confidence;
  private final int[][] predicted;
  private final long[] parametersByExit;

  /**
   * @param confidence {@code [rows][exits]} largest softmax probability at each exit
   * @param predicted {@code [rows][exits]} the class with that probability
   * @param parametersByExit the parameters a row leaving at each exit used ({@link
   *     EarlyExitBlock#parametersByExit})
   */
  public ExitConfidences(float[][] confidence, int[][] predicted, long[] parametersByExit) {
    if (confidence.length != predicted.length) {
      throw new IllegalArgumentException("confidences and predictions need the same rows, had " + confidence.length
          + " and " + predicted.length);
    }
    for (int r = 0; r < confidence.length; r++) {
      if (confidence[r].length != parametersByExit.length || predicted[r].length != parametersByExit.length) {
        throw new IllegalArgumentException("every row needs one confidence and prediction per exit ("
            + parametersByExit.length + "); row " + r + " had " + confidence[r].length + " and " + predicted[r].length);
      }
    }
    this.confidence = Arrays.stream(confidence).map(float[]::clone).toArray(float[][]::new);
    this.predicted = Arrays.stream(predicted).map(int[]::clone).toArray(int[][]::new);
    this.parametersByExit = parametersByExit.clone();
  }

  public int rows() {
    return confidence.length;
  }

  /** Exits, the output layer included: one per hidden layer. */
  public int exits() {
    return parametersByExit.length;
  }

  public float confidence(int row, int exit) {
    return confidence[row][exit];
  }

  public int predicted(int row, int exit) {
    return predicted[row][exit];
  }

  /** The exit each row leaves at under {@code threshold}: 0 for the first, {@code exits() − 1} at full depth. */
  public int[] exitAt(double threshold) {
    int[] out = new int[rows()];
    int last = exits() - 1;
    for (int r = 0; r < out.length; r++) {
      int k = 0;
      while (k < last && confidence[r][k] < (float) threshold) {
        k++;
      }
      out[r] = k;
    }
    return out;
  }

  /** The class each row is given under {@code threshold}: the prediction of the exit it leaves at. */
  public int[] predictions(double threshold) {
    int[] exit = exitAt(threshold);
    int[] out = new int[exit.length];
    for (int r = 0; r < out.length; r++) {
      out[r] = predicted[r][exit[r]];
    }
    return out;
  }

  /** The share of the rows that leave at each exit under {@code threshold}; sums to 1 (with rows). */
  public double[] exitShares(double threshold) {
    long[] counts = new long[exits()];
    for (int k : exitAt(threshold)) {
      counts[k]++;
    }
    double[] shares = new double[exits()];
    for (int k = 0; k < shares.length; k++) {
      shares[k] = rows() == 0 ? 0 : counts[k] / (double) rows();
    }
    return shares;
  }

  /** Mean hidden layers a row runs through under {@code threshold}: 1 + its exit. */
  public double meanLayers(double threshold) {
    return Arrays.stream(exitAt(threshold)).average().orElse(exits() - 1) + 1;
  }

  /** Mean parameters a row uses under {@code threshold}. */
  public double meanActiveParameters(double threshold) {
    return Arrays.stream(exitAt(threshold)).mapToLong(k -> parametersByExit[k]).average()
        .orElse(parametersByExit[exits() - 1]);
  }
}
