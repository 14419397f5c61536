package dev.plasticity.streamjobs.drift;

import java.util.Arrays;
import java.util.Objects;

/**
 * Jensen–Shannon distance between the binned distribution of a window of numeric values and the
 * reference's shares of the same bins: with M = (P + Q) / 2,
 * JS = √(½ KL(P‖M) + ½ KL(Q‖M)) in base 2, so it lies in [0, 1] (0: same shares, 1: disjoint). It
 * is symmetric, bounded and a metric, and unlike PSI stays finite when a bin is empty; still, a
 * bin either side leaves empty gets share {@code epsilon} (then the shares are renormalised) so
 * that one stray bin does not dominate. The test alarms when JS exceeds the threshold (0.1 by
 * default, Evidently's default for its Jensen–Shannon test; Evidently uses the natural logarithm,
 * which gives √ln 2 ≈ 0.83 times this value, so 0.1 here is a little stricter).
 *
 * <p>Bins are either cut at the reference's quantiles (equal expected mass, the default: 10 bins,
 * like PSI) or of equal width over the reference's range; the outermost bins are open, so values
 * outside the reference's range count in them.
 *
 * <p>Example (value from {@code scipy.spatial.distance.jensenshannon(p, q, base=2)}, see
 * {@code src/test/resources/reference/scipy_reference_values.py}): the reference has quantiles
 * q(k/100) = 4 (k/100)², the window 200 values of 4.4 · frac(0.618… j)²:
 *
 * <pre>{@code
 * new JensenShannonDistance(reference).test(window).statistic();  // 0.06082: no alarm at 0.1
 * }</pre>
 *
 * <p>Sources: Lin (1991), "Divergence measures based on the Shannon entropy", IEEE Trans. Inf.
 * Theory 37(1); Endres &amp; Schindelin (2003), "A new metric for probability distributions", IEEE
 * Trans. Inf. Theory 49(7) (√JSD is a metric).
 *
 * <p>Immutable and thread-safe.
 */
final class JensenShannonDistance {
  /** Default alarm threshold. */
  public static final double DEFAULT_THRESHOLD = 0.1;
  /** Default number of bins. */
  public static final int DEFAULT_BINS = 10;
  /** Default share given to an empty bin before renormalising. */
  public static final double DEFAULT_EPSILON = 1e-4;

  /** How the numeric axis is cut into bins. */
  public enum Binning {
    /** At the reference's quantiles i / bins: every bin expects the same share. */
    REFERENCE_QUANTILES,
    /** Equal width between the reference's minimum and maximum. */
    EQUAL_WIDTH
  }

  private final double threshold;
  private final double epsilon;
  private final double[] cuts;
  private final double[] expected;

  /** 10 bins at the reference's deciles, epsilon 1e-4, alarm above 0.1. */
  public JensenShannonDistance(ReferenceDistribution reference) {
    this(reference, DEFAULT_THRESHOLD, Binning.REFERENCE_QUANTILES, DEFAULT_BINS, DEFAULT_EPSILON);
  }

  /**
   * @param reference the training distribution of the feature
   * @param threshold alarm when the distance exceeds it, in (0, 1)
   * @param binning where the bins are cut
   * @param bins how many bins (≥ 2); cuts that coincide (a point mass) are merged
   * @param epsilon share for an empty bin, in [0, 1/bins); 0 turns smoothing off
   */
  public JensenShannonDistance(ReferenceDistribution reference, double threshold, Binning binning, int bins, double epsilon) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(binning, "binning");
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("Jensen-Shannon threshold must be in (0, 1) (base-2 distance), got " + threshold);
    }
    if (bins < 2) {
      throw new IllegalArgumentException("Jensen-Shannon needs at least 2 bins, got " + bins);
    }
    if (!(epsilon >= 0 && epsilon < 1.0 / bins)) {
      throw new IllegalArgumentException("Jensen-Shannon epsilon must be in [0, 1/bins), got " + epsilon);
    }
    this.threshold = threshold;
    this.epsilon = epsilon;
    double min = reference.quantile(0);
    double max = reference.quantile(1);
    double[] distinct = new double[bins - 1];
    int n = 0;
    for (int i = 1; i < bins; i++) {
      double cut = binning == Binning.REFERENCE_QUANTILES ? reference.quantile((double) i / bins) : min + i * (max - min) / bins;
      if (n == 0 || cut > distinct[n - 1]) {
        distinct[n++] = cut;
      }
    }
    this.cuts = Arrays.copyOf(distinct, n);
    this.expected = smoothed(reference.distribution().binShares(cuts), epsilon);
  }

  /**
   * The base-2 Jensen–Shannon distance of two share vectors of equal length (each ≥ 0, not all 0;
   * each is normalised to sum 1), as {@code scipy.spatial.distance.jensenshannon(p, q, base=2)}.
   */
  public static double between(double[] p, double[] q) {
    if (p == null || q == null || p.length != q.length || p.length == 0) {
      throw new IllegalArgumentException("Jensen-Shannon needs two share vectors of the same, non-zero length");
    }
    double sp = sum(p, "p");
    double sq = sum(q, "q");
    double divergence = 0;
    for (int i = 0; i < p.length; i++) {
      double a = p[i] / sp;
      double b = q[i] / sq;
      double m = (a + b) / 2;
      if (a > 0) {
        divergence += a * Math.log(a / m);
      }
      if (b > 0) {
        divergence += b * Math.log(b / m);
      }
    }
    double bits = divergence / (2 * Math.log(2));
    return Math.sqrt(Math.min(1.0, Math.max(0.0, bits)));
  }

  private static double sum(double[] shares, String name) {
    double total = 0;
    for (double s : shares) {
      if (!(s >= 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("shares in " + name + " must be finite numbers >= 0, got " + s);
      }
      total += s;
    }
    if (!(total > 0)) {
      throw new IllegalArgumentException("shares in " + name + " must not all be 0");
    }
    return total;
  }

  /** Shares floored at epsilon, then renormalised to sum 1. */
  static double[] smoothed(double[] shares, double epsilon) {
    double[] s = new double[shares.length];
    double total = 0;
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.max(shares[i], epsilon);
      total += s[i];
    }
    for (int i = 0; i < s.length; i++) {
      s[i] /= total;
    }
    return s;
  }

  /**
   * Tests {@code values} (finite, at least one).
   *
   * @return a {@link TestResult#JENSEN_SHANNON} result without p-value; severity (JS − threshold) /
   *     threshold capped at 1
   */
  public TestResult test(double[] values) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("Jensen-Shannon needs at least one value");
    }
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("Jensen-Shannon takes finite values only, got " + v);
      }
    }
    return result(QuantileFunction.sampleBinShares(values, cuts), values.length);
  }

  /** Tests the window a sketch summarises; each bin share is within {@link FeatureSketch#binShareError()}. */
  public TestResult test(FeatureSketch window) {
    if (window == null || window.isEmpty()) {
      throw new IllegalArgumentException("Jensen-Shannon needs a non-empty window sketch");
    }
    return result(window.quantileFunction().binShares(cuts), window.count());
  }

  private TestResult result(double[] actual, long n) {
    double js = between(expected, smoothed(actual, epsilon));
    return new TestResult(TestResult.JENSEN_SHANNON, js, null, threshold, js > threshold,
        TestResult.thresholdSeverity(js, threshold), n);
  }
}
