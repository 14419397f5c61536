package dev.plasticity.streamjobs.drift;

import java.util.Objects;

/**
 * Two-sample Kolmogorov–Smirnov test of a window of raw values against a reference sample known
 * only through its quantiles: D = sup |F_window(x) − F_ref(x)|, with F_ref the linearly interpolated
 * quantile CDF ({@link ReferenceDistribution}). The p-value is the asymptotic one, P(K &gt; √nₑ · D)
 * with the limiting Kolmogorov distribution K and effective size nₑ = n·m / (n + m), n the window
 * size and m the reference sample count — what {@code scipy.stats.ks_2samp(..., method="asymp")}
 * did before SciPy 1.5 ({@code kstwobign.sf(sqrt(en) * d)}).
 *
 * <p>D is exact for the interpolated reference: both CDFs are compared at every window value and
 * every reference quantile, from both sides, so reference quantiles that repeat (a point mass) are
 * handled. With a reference taken from a sketch ({@link ReferenceDistribution#fromSketch}) and a
 * sketched window, D is the two-sample statistic of {@code scipy.stats.ks_2samp} up to the
 * sketches' rank errors.
 *
 * <p>Sources: Kolmogorov (1933), "Sulla determinazione empirica di una legge di distribuzione";
 * Smirnov (1948), "Table for estimating the goodness of fit of empirical distributions", Ann. Math.
 * Statist. 19(2); Press et al., <i>Numerical Recipes</i>, 3rd ed., §14.3.3.
 *
 * <p>Immutable and thread-safe.
 */
final class KolmogorovSmirnovTest {
  private final ReferenceDistribution reference;
  private final double alpha;

  /**
   * @param reference the training distribution of the feature
   * @param alpha significance level in (0, 1): alarm when p &lt; alpha (already corrected for
   *     multiple testing if the caller tests several features)
   */
  public KolmogorovSmirnovTest(ReferenceDistribution reference, double alpha) {
    this.reference = Objects.requireNonNull(reference, "reference");
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("KS alpha must be in (0, 1), got " + alpha);
    }
    this.alpha = alpha;
  }

  /** The KS statistic D of {@code values} against the reference CDF. */
  public double statistic(double[] values) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("KS needs at least one value");
    }
    return QuantileFunction.kolmogorovSmirnov(QuantileFunction.ofSample(values), reference.distribution());
  }

  /** Asymptotic p-value of statistic {@code d} for a window of {@code n} values. */
  public double pValue(double d, long n) {
    double m = reference.count();
    double effective = n * m / (n + m);
    return Probability.kolmogorovSurvival(Math.sqrt(effective) * d);
  }

  /** Tests {@code values} (finite, at least one) against the reference. */
  public TestResult test(double[] values) {
    return result(statistic(values), values.length);
  }

  /**
   * Tests the window a sketch summarises; D is within the sketch's {@link FeatureSketch#rankError()}
   * of the exact one (plus the reference sketch's, when the reference is one too).
   */
  public TestResult test(FeatureSketch window) {
    if (window == null || window.isEmpty()) {
      throw new IllegalArgumentException("KS needs a non-empty window sketch");
    }
    double d = QuantileFunction.kolmogorovSmirnov(window.quantileFunction(), reference.distribution());
    return result(d, window.count());
  }

  private TestResult result(double d, long n) {
    double p = pValue(d, n);
    boolean drifted = p < alpha;
    return new TestResult(TestResult.KS, d, p, alpha, drifted, TestResult.pValueSeverity(p, alpha), n);
  }
}
