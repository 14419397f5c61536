package dev.plasticity.streamjobs.drift;

import java.util.List;
import java.util.Objects;

/**
 * Dataset-level drift from per-feature tests: the features' p-values are corrected for multiple
 * testing ({@link MultipleTesting}), a feature counts as drifted when its adjusted p-value is ≤
 * alpha, and the dataset has drifted when the share of drifted features reaches the threshold
 * (default 0.5, Evidently's "dataset drift share"; Evidently counts features at p &lt; 0.05 with
 * no correction, this class corrects by Benjamini–Hochberg by default).
 *
 * <p>Example:
 *
 * <pre>{@code
 * double[] p = {0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.001, 0.04};
 * new DriftedFeatureShare().test(p);  // BH at 0.05 flags 3 of 8 features: share 0.375 < 0.5, no alarm
 * new DriftedFeatureShare(MultipleTesting.BENJAMINI_HOCHBERG, 0.06, 0.5).test(p);  // 6 of 8: alarm
 * }</pre>
 *
 * <p>Sources: Benjamini &amp; Hochberg (1995); Holm (1979) (see {@link MultipleTesting}); Rabanser,
 * Günnemann &amp; Lipton (2019), "Failing loudly: an empirical study of methods for detecting dataset
 * shift", NeurIPS (univariate tests with a correction as a multivariate detector).
 *
 * <p>Immutable and thread-safe.
 */
final class DriftedFeatureShare {
  /** Default level for each feature after correction. */
  public static final double DEFAULT_ALPHA = 0.05;
  /** Default share of drifted features for an alarm. */
  public static final double DEFAULT_SHARE = 0.5;

  private final MultipleTesting correction;
  private final double alpha;
  private final double shareThreshold;

  /** Benjamini–Hochberg at 0.05, alarm when half the features drifted. */
  public DriftedFeatureShare() {
    this(MultipleTesting.BENJAMINI_HOCHBERG, DEFAULT_ALPHA, DEFAULT_SHARE);
  }

  /**
   * @param correction how the per-feature p-values are adjusted
   * @param alpha level in (0, 1) an adjusted p-value must not exceed for the feature to count
   * @param shareThreshold alarm when the drifted share is at least this, in (0, 1]
   */
  public DriftedFeatureShare(MultipleTesting correction, double alpha, double shareThreshold) {
    this.correction = Objects.requireNonNull(correction, "correction");
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("drifted-feature alpha must be in (0, 1), got " + alpha);
    }
    if (!(shareThreshold > 0 && shareThreshold <= 1)) {
      throw new IllegalArgumentException("drifted-feature share threshold must be in (0, 1], got " + shareThreshold);
    }
    this.alpha = alpha;
    this.shareThreshold = shareThreshold;
  }

  /** Which features drifted, in the order of {@code pValues}. */
  public boolean[] driftedFeatures(double[] pValues) {
    return correction.rejected(pValues, alpha);
  }

  /**
   * Tests one p-value per feature (each in [0, 1], at least one).
   *
   * @return a {@link TestResult#DRIFTED_FEATURE_SHARE} result: statistic the drifted share, no
   *     p-value, threshold the share threshold, sample size the number of features; severity is
   *     how far the share went from the threshold towards 1
   */
  public TestResult test(double[] pValues) {
    boolean[] drifted = driftedFeatures(pValues);
    int count = 0;
    for (boolean d : drifted) {
      count += d ? 1 : 0;
    }
    double share = (double) count / drifted.length;
    boolean alarm = share >= shareThreshold;
    double severity = !alarm ? 0.0
        : shareThreshold == 1.0 ? 1.0
        : Math.min(1.0, Math.max(Math.ulp(1.0), (share - shareThreshold) / (1.0 - shareThreshold)));
    return new TestResult(TestResult.DRIFTED_FEATURE_SHARE, share, null, shareThreshold, alarm, severity, drifted.length);
  }

  /** Tests the per-feature results of one window; each must carry a p-value (KS, chi-square, MMD). */
  public TestResult test(List<TestResult> featureResults) {
    if (featureResults == null || featureResults.isEmpty()) {
      throw new IllegalArgumentException("the drifted-feature share needs at least one feature result");
    }
    double[] p = new double[featureResults.size()];
    for (int i = 0; i < p.length; i++) {
      Double value = featureResults.get(i).pValue();
      if (value == null) {
        throw new IllegalArgumentException("feature result " + i + " (" + featureResults.get(i).test()
            + ") has no p-value; distance tests (PSI, Wasserstein, Jensen-Shannon) cannot be corrected");
      }
      p[i] = value;
    }
    return test(p);
  }
}
