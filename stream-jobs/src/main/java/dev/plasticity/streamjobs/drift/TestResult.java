package dev.plasticity.streamjobs.drift;

import java.util.Objects;

/**
 * The outcome of one statistical test on one window.
 *
 * @param test the test's name: one of the constants below
 * @param statistic the test statistic
 * @param pValue the p-value, or {@code null} for a test without one (PSI)
 * @param threshold the alarm threshold: on the p-value when there is one, else on the statistic
 * @param drifted whether the test raised an alarm
 * @param severity 0 when not drifted, else in (0, 1]: how far past its threshold the test went
 * @param sampleSize how many observations the test looked at
 */
public record TestResult(
    String test, double statistic, Double pValue, double threshold, boolean drifted, double severity, long sampleSize) {

  static final String PSI = "PSI";
  static final String KS = "KS";
  static final String CHI_SQUARE = "CHI_SQUARE";
  public static final String ERROR_RATE = "ERROR_RATE";
  static final String WASSERSTEIN = "WASSERSTEIN";
  static final String JENSEN_SHANNON = "JENSEN_SHANNON";
  static final String DRIFTED_FEATURE_SHARE = "DRIFTED_FEATURE_SHARE";
  static final String MMD = "MMD";
  /** Evidence, never an alarm: the share of a window's events whose categorical value the reference never saw. */
  static final String NEW_CATEGORIES = "NEW_CATEGORIES";

  public TestResult {
    Objects.requireNonNull(test, "test");
    if (!(severity >= 0 && severity <= 1)) {
      throw new IllegalArgumentException("severity must be in [0, 1], got " + severity);
    }
  }

  /**
   * Severity of a p-value test: 0 when p ≥ alpha, else log10(alpha / p) / 10 capped at 1, so ten
   * orders of magnitude below the significance level is full severity.
   */
  static double pValueSeverity(double pValue, double alpha) {
    if (pValue >= alpha) {
      return 0.0;
    }
    if (pValue <= 0) {
      return 1.0;
    }
    return Math.min(1.0, Math.max(Math.ulp(1.0), Math.log10(alpha / pValue) / 10.0));
  }

  /**
   * Severity of a test that alarms when its statistic exceeds a threshold: 0 when it does not,
   * else (statistic − threshold) / threshold capped at 1, so twice the threshold is full severity.
   */
  static double thresholdSeverity(double statistic, double threshold) {
    if (!(statistic > threshold)) {
      return 0.0;
    }
    return Math.min(1.0, Math.max(Math.ulp(1.0), (statistic - threshold) / threshold));
  }
}
