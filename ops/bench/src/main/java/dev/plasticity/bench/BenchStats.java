package dev.plasticity.bench;

import java.util.Arrays;

/** The summary statistics the benchmarks report over seeds. */
final class BenchStats {
  private BenchStats() {}

  /** The mean of {@code v}; NaN when it is empty. */
  static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  /** The sample standard deviation of {@code v}; 0 for fewer than two values. */
  static double standardDeviation(double[] v) {
    return standardError(v) * Math.sqrt(v.length);
  }

  /** The standard error of the mean of {@code v} (sample standard deviation over √n); 0 for fewer than two values. */
  static double standardError(double[] v) {
    double m = mean(v);
    double ss = 0;
    for (double x : v) {
      ss += (x - m) * (x - m);
    }
    return v.length > 1 ? Math.sqrt(ss / (v.length - 1) / v.length) : 0;
  }
}
