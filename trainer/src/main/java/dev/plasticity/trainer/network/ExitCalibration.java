package dev.plasticity.trainer.network;

import ai.djl.Model;
import dev.plasticity.registry.client.EarlyExitBlock;
import dev.plasticity.registry.client.ExitConfidences;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Picks the confidence threshold of a network with early exits on held-out events: the lowest
 * threshold (the most rows leaving early, so the most computation saved) whose held-out accuracy is
 * at most {@code maxAccuracyLoss} below the accuracy of the same network at full depth. Every
 * threshold is tried from one full-depth pass ({@link ExitConfidences}): at most {@value
 * #MAX_CANDIDATES} thresholds, the distinct confidences the early exits reach on the held-out rows
 * (evenly spaced among them when there are more), plus 0 and full depth. Stateless.
 */
public final class ExitCalibration {
  /** The metric of a calibrated version: parameters a held-out row used on average, up to the exit it left at. */
  public static final String ACTIVE_PARAMETERS = "exit_mean_active_parameters";
  /** A threshold above 1: no row leaves early, every row runs to full depth. */
  public static final double FULL_DEPTH = 2.0;

  static final int MAX_CANDIDATES = 1000;

  private ExitCalibration() {}

  /**
   * What calibration chose and what it measured on the held-out rows at that threshold.
   *
   * @param confidence the threshold to store as the architecture's {@code exitConfidence}
   * @param fullDepthAccuracy held-out accuracy with every row at full depth
   * @param accuracy held-out accuracy at {@code confidence}
   * @param maxAccuracyLoss the loss against full depth that was allowed
   * @param exitShares share of the held-out rows leaving at each exit, exit 0 first
   * @param meanLayers mean hidden layers a held-out row ran through
   * @param meanActiveParameters mean parameters a held-out row used
   * @param rows held-out rows
   */
  public record Result(double confidence, double fullDepthAccuracy, double accuracy, double maxAccuracyLoss,
      double[] exitShares, double meanLayers, double meanActiveParameters, int rows) {
    public Result {
      exitShares = exitShares.clone();
    }

    @Override
    public double[] exitShares() {
      return exitShares.clone();
    }

    /** The shares as a constraint check weighs costs with. */
    public ExitShares shares() {
      return ExitShares.calibrated(confidence, exitShares, rows);
    }

    /**
     * The figures a version records: {@code exit_confidence}, {@code exit_full_depth_accuracy},
     * {@code exit_accuracy}, {@code exit_max_accuracy_loss}, {@code exit_mean_layers}, {@code
     * exit_mean_active_parameters}, {@code exit_held_out_rows}, and {@code exit_share_layers_N}: the
     * share of held-out rows that used N hidden layers, N from 1 to full depth.
     */
    public Map<String, Double> metrics() {
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("exit_confidence", confidence);
      metrics.put("exit_full_depth_accuracy", fullDepthAccuracy);
      metrics.put("exit_accuracy", accuracy);
      metrics.put("exit_max_accuracy_loss", maxAccuracyLoss);
      metrics.put("exit_mean_layers", meanLayers);
      metrics.put(ACTIVE_PARAMETERS, meanActiveParameters);
      metrics.put("exit_held_out_rows", (double) rows);
      for (int k = 0; k < exitShares.length; k++) {
        metrics.put("exit_share_layers_" + (k + 1), exitShares[k]);
      }
      return metrics;
    }
  }

  /**
   * Calibrates {@code model} (a network with early exits, built from {@code architecture}) on the
   * events from index {@code from} on; the events before supply label lags, as {@link
   * NetworkTraining#accuracy(Model, Architecture, List, int)} reads them.
   *
   * @throws IllegalArgumentException when the model has no early exits, there is no held-out event,
   *     or {@code maxAccuracyLoss} is not in [0, 1]
   */
  public static Result calibrate(Model model, Architecture architecture, List<LabelledEvent> events, int from,
      double maxAccuracyLoss) {
    if (!(model.getBlock() instanceof EarlyExitBlock block)) {
      throw new IllegalArgumentException("calibration needs a network with early exits; "
          + dev.plasticity.registry.client.ModelFormat.describe(architecture) + " has none");
    }
    if (from < 0 || from >= events.size()) {
      throw new IllegalArgumentException("calibration needs at least one held-out event from index " + from + " of "
          + events.size());
    }
    float[][] all = NetworkTraining.encode(architecture, events);
    float[][] rows = Arrays.copyOfRange(all, from, all.length);
    int[] labels = events.subList(from, events.size()).stream().mapToInt(LabelledEvent::getLabel).toArray();
    return calibrate(block.confidences(model.getNDManager(), rows), labels, maxAccuracyLoss);
  }

  /**
   * Calibrates on rows whose exit confidences and labels are given.
   *
   * @throws IllegalArgumentException when there are no rows, labels are not one per row, or {@code
   *     maxAccuracyLoss} is not in [0, 1]
   */
  public static Result calibrate(ExitConfidences confidences, int[] labels, double maxAccuracyLoss) {
    if (!(maxAccuracyLoss >= 0 && maxAccuracyLoss <= 1)) {
      throw new IllegalArgumentException("maxAccuracyLoss must be in [0, 1], was " + maxAccuracyLoss);
    }
    if (confidences.rows() == 0 || labels.length != confidences.rows()) {
      throw new IllegalArgumentException("calibration needs one label per row and at least one row, had "
          + labels.length + " labels for " + confidences.rows() + " rows");
    }
    double fullDepth = accuracy(confidences.predictions(FULL_DEPTH), labels);
    double chosen = FULL_DEPTH;
    double chosenAccuracy = fullDepth;
    for (double threshold : candidates(confidences)) {
      double accuracy = accuracy(confidences.predictions(threshold), labels);
      if (accuracy >= fullDepth - maxAccuracyLoss - 1e-12) {
        chosen = threshold;
        chosenAccuracy = accuracy;
        break;
      }
    }
    return new Result(chosen, fullDepth, chosenAccuracy, maxAccuracyLoss, confidences.exitShares(chosen),
        confidences.meanLayers(chosen), confidences.meanActiveParameters(chosen), confidences.rows());
  }

  /** 0, then the distinct confidences of the early exits ascending (at most {@link #MAX_CANDIDATES}). */
  private static double[] candidates(ExitConfidences confidences) {
    TreeSet<Float> distinct = new TreeSet<>();
    for (int r = 0; r < confidences.rows(); r++) {
      for (int k = 0; k < confidences.exits() - 1; k++) {
        distinct.add(confidences.confidence(r, k));
      }
    }
    Float[] sorted = distinct.toArray(new Float[0]);
    int n = Math.min(sorted.length, MAX_CANDIDATES);
    double[] out = new double[n + 1];
    out[0] = 0.0;
    for (int i = 0; i < n; i++) {
      out[i + 1] = sorted[(int) ((long) i * sorted.length / n)];
    }
    return out;
  }

  private static double accuracy(int[] predicted, int[] labels) {
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        right++;
      }
    }
    return right / (double) labels.length;
  }
}
