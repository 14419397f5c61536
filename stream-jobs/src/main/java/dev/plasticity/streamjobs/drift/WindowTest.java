package dev.plasticity.streamjobs.drift;

import java.util.Arrays;

/**
 * The tests {@link DriftMonitor} can run on a full window, as {@link DriftSettings#tests()} names
 * them. Each constant's {@link #name()} is its name in a model's {@code DriftConfig} and in a
 * trigger's evidence ({@link TestResult#test()}); {@link #named(String)} is the one place text
 * becomes a test.
 */
public enum WindowTest {
  /** {@link PopulationStabilityIndex}, per feature. */
  PSI,
  /** {@link KolmogorovSmirnovTest}, per feature, Bonferroni across features. */
  KS,
  /** {@link WassersteinDistance}, per feature. */
  WASSERSTEIN,
  /** {@link JensenShannonDistance}, per feature. */
  JENSEN_SHANNON,
  /** {@link ChiSquareTest} on the label shares. */
  CHI_SQUARE,
  /** {@link ErrorRateTest} on the served version's errors. */
  ERROR_RATE,
  /** {@link DriftedFeatureShare}: the share of features whose KS test rejects after Benjamini–Hochberg. */
  DRIFTED_FEATURE_SHARE,
  /** {@link MaximumMeanDiscrepancy} on whole rows. */
  MMD;

  /**
   * The test of that name.
   *
   * @throws IllegalArgumentException naming the known tests when there is none
   */
  static WindowTest named(String name) {
    for (WindowTest test : values()) {
      if (test.name().equals(name)) {
        return test;
      }
    }
    throw new IllegalArgumentException("unknown drift test '" + name + "'; known: " + Arrays.toString(values()));
  }
}
