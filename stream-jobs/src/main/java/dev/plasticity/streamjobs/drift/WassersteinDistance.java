package dev.plasticity.streamjobs.drift;

import java.util.Objects;

/**
 * The 1-D Wasserstein (earth mover's) distance between a window of values and a reference
 * distribution, W₁ = ∫ |F_window(x) − F_ref(x)| dx: how far, in the feature's own units, the
 * window's mass has to move to become the reference. To be comparable across features it is
 * divided by a scale of the reference — its standard deviation (the default) or its interquartile
 * range — and the test alarms when that normalised distance exceeds the threshold (0.1 by
 * default, as Evidently's "wasserstein distance (normed)", which divides by {@code np.std} of the
 * reference with a floor of 0.001; this class uses the same floor).
 *
 * <p>Against a {@link ReferenceDistribution} of quantiles the distance is exact for the
 * interpolated reference; between two samples ({@link #between}) it is
 * {@code scipy.stats.wasserstein_distance}. Example (values from scipy, see
 * {@code src/test/resources/reference/scipy_reference_values.py}):
 *
 * <pre>{@code
 * WassersteinDistance.between(
 *     new double[] {0.3, 1.2, -0.7, 2.5, 0.9, 1.1, -1.4, 0.0, 3.1, 0.6},
 *     new double[] {1.8, 0.4, 2.9, 1.5, 3.6, 2.2, 0.9, 4.1, 1.1, 2.6, 3.0, 1.9});  // 1.40667
 * TestResult r = new WassersteinDistance(reference).test(window);
 * r.statistic();  // W₁ / std(reference); r.drifted() when it exceeds 0.1
 * }</pre>
 *
 * <p>Sources: Vaserstein (1969), "Markov processes over denumerable products of spaces describing
 * large systems of automata", Probl. Inf. Transm. 5(3); Vallender (1974), "Calculation of the
 * Wasserstein distance between probability distributions on the line", Theory Probab. Appl. 18(4)
 * (W₁ = ∫ |F − G| dx); Ramdas, García Trillos &amp; Cuturi (2017), "On Wasserstein two-sample
 * testing and related families of nonparametric tests", Entropy 19(2).
 *
 * <p>Immutable and thread-safe.
 */
final class WassersteinDistance {
  /** Default alarm threshold on the normalised distance. */
  public static final double DEFAULT_THRESHOLD = 0.1;
  /** The smallest scale divided by, so a constant reference feature does not divide by zero. */
  public static final double MINIMUM_SCALE = 1e-3;

  /** What the raw distance is divided by. */
  public enum Scale {
    /** The reference's standard deviation (as Evidently). */
    STANDARD_DEVIATION,
    /** The reference's interquartile range, robust to a heavy tail in the training data. */
    INTERQUARTILE_RANGE
  }

  private final ReferenceDistribution reference;
  private final double threshold;
  private final double scale;

  /** Normalised by the reference's standard deviation, alarm above 0.1. */
  public WassersteinDistance(ReferenceDistribution reference) {
    this(reference, DEFAULT_THRESHOLD, Scale.STANDARD_DEVIATION);
  }

  /**
   * @param reference the training distribution of the feature
   * @param threshold alarm when the normalised distance exceeds it (&gt; 0)
   * @param scale what to divide the raw distance by (floored at {@value #MINIMUM_SCALE})
   */
  public WassersteinDistance(ReferenceDistribution reference, double threshold, Scale scale) {
    this.reference = Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(scale, "scale");
    if (!(threshold > 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException("Wasserstein threshold must be a finite number > 0, got " + threshold);
    }
    this.threshold = threshold;
    double s = scale == Scale.STANDARD_DEVIATION ? reference.standardDeviation() : reference.interquartileRange();
    this.scale = Math.max(s, MINIMUM_SCALE);
  }

  /** The W₁ distance between two samples (each finite, at least one value), in their units. */
  public static double between(double[] a, double[] b) {
    return QuantileFunction.wasserstein(QuantileFunction.ofSample(a), QuantileFunction.ofSample(b));
  }

  /** What raw distances are divided by: the reference's standard deviation or IQR (≥ 0.001). */
  public double scale() {
    return scale;
  }

  /** The raw W₁ distance of {@code values} (finite, at least one) to the reference, in the feature's units. */
  public double distance(double[] values) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("the Wasserstein distance needs at least one value");
    }
    return QuantileFunction.wasserstein(QuantileFunction.ofSample(values), reference.distribution());
  }

  /**
   * The raw W₁ distance of the window a sketch summarises; within {@link FeatureSketch#rankError()}
   * × (range of the window and reference) of the exact one, as |F̂ − F| ≤ ε everywhere.
   */
  public double distance(FeatureSketch window) {
    if (window == null || window.isEmpty()) {
      throw new IllegalArgumentException("the Wasserstein distance needs a non-empty window sketch");
    }
    return QuantileFunction.wasserstein(window.quantileFunction(), reference.distribution());
  }

  /**
   * Tests {@code values}: the statistic is the normalised distance {@code distance(values) / scale()}.
   *
   * @return a {@link TestResult#WASSERSTEIN} result without p-value; severity (W − threshold) /
   *     threshold capped at 1
   */
  public TestResult test(double[] values) {
    return result(distance(values), values.length);
  }

  /** Tests the window a sketch summarises, as {@link #test(double[])}. */
  public TestResult test(FeatureSketch window) {
    return result(distance(window), window.count());
  }

  private TestResult result(double raw, long n) {
    double normalised = raw / scale;
    boolean drifted = normalised > threshold;
    return new TestResult(TestResult.WASSERSTEIN, normalised, null, threshold, drifted,
        TestResult.thresholdSeverity(normalised, threshold), n);
  }
}
