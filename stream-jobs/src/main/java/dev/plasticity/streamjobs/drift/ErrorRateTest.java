package dev.plasticity.streamjobs.drift;

/**
 * One-sided two-proportion z-test: has the served model's error rate in a window risen above the
 * error rate measured on its held-out data? With window errors x out of n, reference rate p₀ on m
 * events and pooled rate p̂ = (x + p₀·m) / (n + m):
 * z = (x/n − p₀) / √(p̂(1 − p̂)(1/n + 1/m)), p = P(Z &gt; z). The test alarms only when p &lt; alpha
 * <em>and</em> the rate rose by at least {@code minEffect}, so a huge window cannot alarm on a
 * negligible increase. The result's statistic is the window's error rate x/n (what a reader compares
 * with the reference rate), its p-value that of z ({@link #statistic}), its threshold alpha.
 *
 * <p>Sources: Fleiss, Levin &amp; Paik, <i>Statistical Methods for Rates and Proportions</i>, 3rd
 * ed. (2003), §2.5; the error-rate-as-drift-signal idea is Gama et al. (2004), "Learning with
 * Drift Detection" (DDM), SBIA 2004, LNCS 3171.
 *
 * <p>Immutable and thread-safe.
 */
final class ErrorRateTest {
  /** Default minimum rise of the error rate for an alarm. */
  public static final double DEFAULT_MIN_EFFECT = 0.05;

  private final double referenceRate;
  private final long referenceCount;
  private final double alpha;
  private final double minEffect;

  /**
   * @param referenceRate error rate on held-out data, in [0, 1]
   * @param referenceCount held-out events it was measured on (≥ 1)
   * @param alpha significance level in (0, 1)
   * @param minEffect minimum rise of the error rate for an alarm, in [0, 1)
   */
  public ErrorRateTest(double referenceRate, long referenceCount, double alpha, double minEffect) {
    if (!(referenceRate >= 0 && referenceRate <= 1)) {
      throw new IllegalArgumentException("reference error rate must be in [0, 1], got " + referenceRate);
    }
    if (referenceCount < 1) {
      throw new IllegalArgumentException("reference error rate must come from >= 1 events, got " + referenceCount);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("error-rate alpha must be in (0, 1), got " + alpha);
    }
    if (!(minEffect >= 0 && minEffect < 1)) {
      throw new IllegalArgumentException("error-rate minimum effect must be in [0, 1), got " + minEffect);
    }
    this.referenceRate = referenceRate;
    this.referenceCount = referenceCount;
    this.alpha = alpha;
    this.minEffect = minEffect;
  }

  /** The z statistic for {@code errors} out of {@code n}; ±∞ when the pooled rate is 0 or 1. */
  public double statistic(long errors, long n) {
    if (n < 1 || errors < 0 || errors > n) {
      throw new IllegalArgumentException("need 0 <= errors <= n and n >= 1, got errors=" + errors + " n=" + n);
    }
    double rate = (double) errors / n;
    double pooled = (errors + referenceRate * referenceCount) / (n + referenceCount);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n + 1.0 / referenceCount));
    double diff = rate - referenceRate;
    if (se == 0) {
      return diff > 0 ? Double.POSITIVE_INFINITY : diff < 0 ? Double.NEGATIVE_INFINITY : 0.0;
    }
    return diff / se;
  }

  /**
   * Tests a window in which the model erred on {@code errors} of {@code n} events: statistic the
   * error rate {@code errors / n}, p-value of the z statistic.
   */
  public TestResult test(long errors, long n) {
    double z = statistic(errors, n);
    double p = z == Double.POSITIVE_INFINITY ? 0.0 : z == Double.NEGATIVE_INFINITY ? 1.0 : Probability.normalSurvival(z);
    double increase = (double) errors / n - referenceRate;
    boolean drifted = p < alpha && increase >= minEffect;
    double severity = drifted ? TestResult.pValueSeverity(p, alpha) : 0.0;
    return new TestResult(TestResult.ERROR_RATE, (double) errors / n, p, alpha, drifted, severity, n);
  }
}
