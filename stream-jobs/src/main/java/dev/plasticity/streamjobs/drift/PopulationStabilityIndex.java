package dev.plasticity.streamjobs.drift;

import java.util.Arrays;
import java.util.Objects;

/**
 * Population Stability Index of a window of values against a reference distribution:
 * PSI = Σ (actualᵢ − expectedᵢ) · ln(actualᵢ / expectedᵢ) over bins cut at the reference's
 * quantiles (deciles by default, so each bin expects a tenth of the data). Bins a window leaves
 * empty count with share {@code epsilon} so the logarithm stays finite; where the reference has a
 * point mass, cuts that coincide are merged and the expected shares come from the reference CDF.
 *
 * <p>Source: Siddiqi, <i>Credit Risk Scorecards</i> (Wiley, 2006), ch. 8; the usual reading is
 * PSI &lt; 0.1 stable, 0.1–0.25 some shift, &gt; 0.25 major shift. See also Yurdakul, "Statistical
 * properties of the population stability index", Western Michigan University (2018).
 *
 * <p>Immutable and thread-safe.
 */
final class PopulationStabilityIndex {
  /** Share given to a bin the window leaves empty. */
  public static final double DEFAULT_EPSILON = 1e-4;

  private final double threshold;
  private final double epsilon;
  private final double[] cuts;
  private final double[] expected;

  /** Deciles of {@code reference}, alarm when PSI &gt; {@code threshold}, epsilon 1e-4. */
  public PopulationStabilityIndex(ReferenceDistribution reference, double threshold) {
    this(reference, threshold, 10, DEFAULT_EPSILON);
  }

  /**
   * @param reference the training distribution of the feature
   * @param threshold alarm when PSI exceeds it (&gt; 0; 0.2 is common)
   * @param bins how many equal-probability reference bins (≥ 2)
   * @param epsilon share used for empty bins, in (0, 1/bins)
   */
  public PopulationStabilityIndex(ReferenceDistribution reference, double threshold, int bins, double epsilon) {
    Objects.requireNonNull(reference, "reference");
    if (!(threshold > 0)) {
      throw new IllegalArgumentException("PSI threshold must be > 0, got " + threshold);
    }
    if (bins < 2) {
      throw new IllegalArgumentException("PSI needs at least 2 bins, got " + bins);
    }
    if (!(epsilon > 0 && epsilon < 1.0 / bins)) {
      throw new IllegalArgumentException("PSI epsilon must be in (0, 1/bins), got " + epsilon);
    }
    this.threshold = threshold;
    this.epsilon = epsilon;
    double[] distinct = new double[bins - 1];
    int n = 0;
    for (int i = 1; i < bins; i++) {
      double cut = reference.quantile((double) i / bins);
      if (n == 0 || cut > distinct[n - 1]) {
        distinct[n++] = cut;
      }
    }
    this.cuts = Arrays.copyOf(distinct, n);
    this.expected = new double[n + 1];
    double previous = 0;
    for (int i = 0; i < n; i++) {
      double cumulative = reference.cdf(cuts[i]);
      expected[i] = cumulative - previous;
      previous = cumulative;
    }
    expected[n] = 1.0 - previous;
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Math.max(expected[i], epsilon);
    }
  }

  /** Expected share per bin (a copy). */
  double[] expectedShares() {
    return expected.clone();
  }

  /**
   * PSI of {@code values} (finite numbers, at least one).
   *
   * @return a {@link TestResult#PSI} result without p-value; severity is (PSI − threshold) /
   *     threshold capped at 1 (twice the threshold is full severity)
   */
  public TestResult test(double[] values) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("PSI needs at least one value");
    }
    return result(QuantileFunction.sampleBinShares(values, cuts), values.length);
  }

  /**
   * PSI of the window a sketch summarises; each bin's share is within the sketch's
   * {@link FeatureSketch#binShareError()} of the exact one.
   */
  public TestResult test(FeatureSketch window) {
    if (window == null || window.isEmpty()) {
      throw new IllegalArgumentException("PSI needs a non-empty window sketch");
    }
    return result(window.quantileFunction().binShares(cuts), window.count());
  }

  private TestResult result(double[] actualShares, long n) {
    double psi = 0;
    for (int i = 0; i < actualShares.length; i++) {
      double actual = Math.max(actualShares[i], epsilon);
      psi += (actual - expected[i]) * Math.log(actual / expected[i]);
    }
    boolean drifted = psi > threshold;
    return new TestResult(TestResult.PSI, psi, null, threshold, drifted, TestResult.thresholdSeverity(psi, threshold), n);
  }
}
