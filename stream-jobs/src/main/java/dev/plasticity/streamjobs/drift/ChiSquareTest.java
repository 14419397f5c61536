package dev.plasticity.streamjobs.drift;

import java.util.List;

/**
 * Pearson's chi-square goodness-of-fit test of the class counts in a window against the class
 * shares of the training data: X² = Σ (Oᵢ − Eᵢ)² / Eᵢ with Eᵢ = n · shareᵢ, p = P(χ²(k − 1) &gt; X²)
 * for k classes. A class the reference never saw gets share {@code epsilon}, so a new class in
 * the window shows as a large statistic rather than a division by zero.
 *
 * <p>When the reference shares were themselves estimated from {@code m} events, the test is the
 * two-sample (homogeneity) version: the statistic is scaled by {@code m / (n + m)}, because
 * Var(p̂_window − p̂_reference) = p(1 − p)(1/n + 1/m) rather than p(1 − p)/n. Without it, the
 * reference's own sampling error is read as drift and false alarms exceed alpha.
 *
 * <p>Source: Pearson (1900), "On the criterion that a given system of deviations…", Phil. Mag.
 * 50(302); the survival function is the regularized incomplete gamma Q(k/2 − 1/2, X²/2)
 * (Abramowitz &amp; Stegun 26.4.19).
 *
 * <p>Immutable and thread-safe.
 */
final class ChiSquareTest {
  /** Share given to a class the reference never saw. */
  public static final double DEFAULT_EPSILON = 1e-4;

  private final double[] shares;
  private final double alpha;
  private final double epsilon;
  private final long referenceCount;

  /**
   * A goodness-of-fit test against shares known exactly.
   *
   * @param referenceShares share of each class index (≥ 0, summing to ~1)
   * @param alpha significance level in (0, 1)
   */
  public ChiSquareTest(List<Double> referenceShares, double alpha) {
    this(referenceShares, alpha, 0);
  }

  /**
   * A two-sample test against shares estimated from {@code referenceCount} events (0: known exactly).
   *
   * @param referenceShares share of each class index in the training data (≥ 0, summing to ~1)
   * @param alpha significance level in (0, 1)
   * @param referenceCount how many events the shares were measured on, or 0
   */
  public ChiSquareTest(List<Double> referenceShares, double alpha, long referenceCount) {
    if (referenceCount < 0) {
      throw new IllegalArgumentException("referenceCount must be >= 0, got " + referenceCount);
    }
    this.referenceCount = referenceCount;
    if (referenceShares == null || referenceShares.isEmpty()) {
      throw new IllegalArgumentException("the chi-square test needs the reference class shares");
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("chi-square alpha must be in (0, 1), got " + alpha);
    }
    this.shares = ChiSquareTest.validShares(referenceShares);
    this.alpha = alpha;
    this.epsilon = DEFAULT_EPSILON;
  }

  /**
   * Reference class shares as an array, each finite and ≥ 0, together summing to 1 (± 1e-3).
   *
   * @throws IllegalArgumentException naming the share that breaks the rule
   */
  static double[] validShares(java.util.List<Double> referenceShares) {
    double[] s = new double[referenceShares.size()];
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      Double v = referenceShares.get(i);
      if (v == null || !(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("class share " + i + " must be a finite number >= 0, got " + v);
      }
      s[i] = v;
      sum += v;
    }
    if (Math.abs(sum - 1.0) > 1e-3) {
      throw new IllegalArgumentException("class shares must sum to 1, got " + sum);
    }
    return s;
  }

  /**
   * Tests the class counts of a window.
   *
   * @param counts observations per class index; may be longer than the reference (new classes)
   */
  public TestResult test(long[] counts) {
    if (counts == null) {
      throw new IllegalArgumentException("counts must not be null");
    }
    int k = Math.max(counts.length, shares.length);
    long n = 0;
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("class counts must be >= 0");
      }
      n += c;
    }
    if (n == 0) {
      throw new IllegalArgumentException("the chi-square test needs at least one observation");
    }
    double statistic = 0;
    int classes = 0;
    for (int i = 0; i < k; i++) {
      double share = i < shares.length ? shares[i] : 0.0;
      long observed = i < counts.length ? counts[i] : 0;
      if (share == 0 && observed == 0) {
        continue; // a class neither side has carries no information
      }
      double expected = n * Math.max(share, epsilon);
      statistic += (observed - expected) * (observed - expected) / expected;
      classes++;
    }
    if (referenceCount > 0) {
      statistic *= referenceCount / (double) (n + referenceCount);
    }
    if (classes < 2) {
      return new TestResult(TestResult.CHI_SQUARE, 0.0, 1.0, alpha, false, 0.0, n);
    }
    double p = Probability.chiSquareSurvival(statistic, classes - 1);
    boolean drifted = p < alpha;
    return new TestResult(TestResult.CHI_SQUARE, statistic, p, alpha, drifted, TestResult.pValueSeverity(p, alpha), n);
  }
}
