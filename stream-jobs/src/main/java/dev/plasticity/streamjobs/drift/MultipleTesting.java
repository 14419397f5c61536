package dev.plasticity.streamjobs.drift;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Corrections for testing many features at once: each turns m raw p-values into adjusted ones,
 * and a feature counts as drifted when its adjusted p-value is ≤ alpha.
 *
 * <ul>
 *   <li>{@link #HOLM}: controls the family-wise error rate (the chance of any false alarm) at
 *       alpha, uniformly more powerful than Bonferroni. Holm (1979), "A simple sequentially
 *       rejective multiple test procedure", Scand. J. Statist. 6(2).
 *   <li>{@link #BENJAMINI_HOCHBERG}: controls the false discovery rate (the expected share of
 *       false alarms among the features flagged) at alpha, for independent or positively
 *       dependent tests; the natural choice when counting how many features drifted.
 *       Benjamini &amp; Hochberg (1995), "Controlling the false discovery rate", J. R. Statist.
 *       Soc. B 57(1). Same as {@code scipy.stats.false_discovery_control(p, method="bh")}.
 * </ul>
 *
 * <p>Example (see {@code src/test/resources/reference/scipy_reference_values.py}):
 *
 * <pre>{@code
 * double[] p = {0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.001, 0.04};
 * MultipleTesting.HOLM.adjust(p);                // {0.06, 0.16, 0.15, 0.035, 0.4, 0.5, 0.008, 0.16}
 * MultipleTesting.BENJAMINI_HOCHBERG.adjust(p);  // {0.0267, 0.0533, 0.0533, 0.02, 0.229, 0.5, 0.008, 0.0533}
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
enum MultipleTesting {
  /** Holm's step-down: adjusted p₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1) p₍ⱼ₎). */
  HOLM {
    @Override
    double[] adjustSorted(double[] sorted) {
      int m = sorted.length;
      double[] adjusted = new double[m];
      double running = 0;
      for (int i = 0; i < m; i++) {
        running = Math.max(running, Math.min(1.0, (m - i) * sorted[i]));
        adjusted[i] = running;
      }
      return adjusted;
    }
  },
  /** Benjamini–Hochberg step-up: adjusted p₍ᵢ₎ = min over j ≥ i of min(1, m p₍ⱼ₎ / j). */
  BENJAMINI_HOCHBERG {
    @Override
    double[] adjustSorted(double[] sorted) {
      int m = sorted.length;
      double[] adjusted = new double[m];
      double running = 1.0;
      for (int i = m - 1; i >= 0; i--) {
        running = Math.min(running, m * sorted[i] / (i + 1));
        adjusted[i] = running;
      }
      return adjusted;
    }
  };

  /** Adjusted p-values of ascending raw p-values. */
  abstract double[] adjustSorted(double[] sorted);

  /**
   * Adjusted p-values, in the order given.
   *
   * @param pValues one per feature, each in [0, 1], at least one
   */
  public double[] adjust(double[] pValues) {
    if (pValues == null || pValues.length == 0) {
      throw new IllegalArgumentException("multiple testing needs at least one p-value");
    }
    for (int i = 0; i < pValues.length; i++) {
      if (!(pValues[i] >= 0 && pValues[i] <= 1)) {
        throw new IllegalArgumentException("p-value " + i + " must be in [0, 1], got " + pValues[i]);
      }
    }
    Integer[] order = IntStream.range(0, pValues.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
    double[] sorted = new double[pValues.length];
    for (int r = 0; r < order.length; r++) {
      sorted[r] = pValues[order[r]];
    }
    double[] adjustedSorted = adjustSorted(sorted);
    double[] adjusted = new double[pValues.length];
    for (int r = 0; r < order.length; r++) {
      adjusted[order[r]] = adjustedSorted[r];
    }
    return adjusted;
  }

  /**
   * Which hypotheses are rejected (features drifted): adjusted p-value ≤ alpha.
   *
   * @param alpha level in (0, 1): family-wise error rate for Holm, false discovery rate for BH
   */
  public boolean[] rejected(double[] pValues, double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("multiple-testing alpha must be in (0, 1), got " + alpha);
    }
    double[] adjusted = adjust(pValues);
    boolean[] rejected = new boolean[adjusted.length];
    for (int i = 0; i < adjusted.length; i++) {
      rejected[i] = adjusted[i] <= alpha;
    }
    return rejected;
  }
}
