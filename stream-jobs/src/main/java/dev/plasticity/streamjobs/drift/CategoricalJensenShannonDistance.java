package dev.plasticity.streamjobs.drift;

import java.util.List;

/**
 * Jensen–Shannon distance (base 2, in [0, 1]) between the class counts of a window and the class
 * shares of the training data — for a categorical feature or the label, beside {@link ChiSquareTest}.
 * Where chi-square asks "is the difference significant?" and so alarms on tiny shifts in large
 * windows, this measures "how different?" on a fixed scale. A class either side lacks gets share
 * {@code epsilon} before both are renormalised, so a class the reference never saw counts. The
 * test alarms when the distance exceeds the threshold (0.1 by default; see
 * {@link JensenShannonDistance} on how that compares with Evidently's).
 *
 * <p>Example (from {@code scipy.spatial.distance.jensenshannon(p, q, base=2)}, see
 * {@code src/test/resources/reference/scipy_reference_values.py}):
 *
 * <pre>{@code
 * new CategoricalJensenShannonDistance(List.of(0.5, 0.3, 0.2))
 *     .test(new long[] {40, 35, 20, 5});  // statistic 0.17301 (a new class 3): drifted
 * }</pre>
 *
 * <p>Source: Lin (1991), "Divergence measures based on the Shannon entropy", IEEE Trans. Inf.
 * Theory 37(1).
 *
 * <p>Immutable and thread-safe.
 */
final class CategoricalJensenShannonDistance {
  private final double[] shares;
  private final double threshold;
  private final double epsilon;

  /** Alarm above {@value JensenShannonDistance#DEFAULT_THRESHOLD}, epsilon 1e-4. */
  public CategoricalJensenShannonDistance(List<Double> referenceShares) {
    this(referenceShares, JensenShannonDistance.DEFAULT_THRESHOLD, JensenShannonDistance.DEFAULT_EPSILON);
  }

  /**
   * @param referenceShares share of each class index in the training data (≥ 0, summing to ~1)
   * @param threshold alarm when the distance exceeds it, in (0, 1)
   * @param epsilon share for a class one side lacks, in [0, 0.01); 0 turns smoothing off
   */
  public CategoricalJensenShannonDistance(List<Double> referenceShares, double threshold, double epsilon) {
    if (referenceShares == null || referenceShares.isEmpty()) {
      throw new IllegalArgumentException("the Jensen-Shannon distance needs the reference class shares");
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("Jensen-Shannon threshold must be in (0, 1) (base-2 distance), got " + threshold);
    }
    if (!(epsilon >= 0 && epsilon < 0.01)) {
      throw new IllegalArgumentException("Jensen-Shannon epsilon must be in [0, 0.01), got " + epsilon);
    }
    this.shares = ChiSquareTest.validShares(referenceShares);
    this.threshold = threshold;
    this.epsilon = epsilon;
  }

  /**
   * Tests the class counts of a window.
   *
   * @param counts observations per class index (≥ 0, at least one in all); may be longer than the
   *     reference (new classes)
   * @return a {@link TestResult#JENSEN_SHANNON} result without p-value
   */
  public TestResult test(long[] counts) {
    if (counts == null) {
      throw new IllegalArgumentException("counts must not be null");
    }
    int k = Math.max(counts.length, shares.length);
    double[] expected = new double[k];
    double[] actual = new double[k];
    long n = 0;
    for (int i = 0; i < k; i++) {
      long c = i < counts.length ? counts[i] : 0;
      if (c < 0) {
        throw new IllegalArgumentException("class counts must be >= 0, got " + c + " for class " + i);
      }
      n += c;
      actual[i] = c;
      expected[i] = i < shares.length ? shares[i] : 0.0;
    }
    if (n == 0) {
      throw new IllegalArgumentException("the Jensen-Shannon distance needs at least one observation");
    }
    for (int i = 0; i < k; i++) {
      actual[i] /= n;
    }
    double js = JensenShannonDistance.between(
        JensenShannonDistance.smoothed(expected, epsilon), JensenShannonDistance.smoothed(actual, epsilon));
    return new TestResult(TestResult.JENSEN_SHANNON, js, null, threshold, js > threshold,
        TestResult.thresholdSeverity(js, threshold), n);
  }
}
