package dev.plasticity.streamjobs.drift;

import java.io.Serializable;

/**
 * Tuning of the drift monitor; every value is validated here. {@link #defaults()} gives the values
 * the drift job runs with unless told otherwise.
 *
 * @param windowSize events per tumbling window, one assessment per full window (default 500)
 * @param minSamples fewest events a test needs to run; the error test counts only events
 *     predicted by the monitored version (default 100, at most windowSize)
 * @param psiThreshold PSI above which a feature has drifted (default 0.2)
 * @param ksAlpha family-wise KS significance level, split across features (Bonferroni) (default 1e-4)
 * @param labelAlpha chi-square significance level for the label shares (default 1e-4)
 * @param errorAlpha significance level of the error-rate test (default 1e-4)
 * @param errorMinEffect minimum rise of the error rate for an alarm (default 0.05)
 * @param cooldownEvents after a trigger for a version, events to see before another trigger for
 *     the same version may fire; 0 (the default) means never again until a newer champion
 */
public record DriftSettings(
    int windowSize,
    int minSamples,
    double psiThreshold,
    double ksAlpha,
    double labelAlpha,
    double errorAlpha,
    double errorMinEffect,
    long cooldownEvents)
    implements Serializable {

  public DriftSettings {
    if (windowSize < 2) {
      throw new IllegalArgumentException("windowSize must be >= 2, got " + windowSize);
    }
    if (minSamples < 1 || minSamples > windowSize) {
      throw new IllegalArgumentException("minSamples must be in [1, windowSize=" + windowSize + "], got " + minSamples);
    }
    if (!(psiThreshold > 0)) {
      throw new IllegalArgumentException("psiThreshold must be > 0, got " + psiThreshold);
    }
    requireProbability("ksAlpha", ksAlpha);
    requireProbability("labelAlpha", labelAlpha);
    requireProbability("errorAlpha", errorAlpha);
    if (!(errorMinEffect >= 0 && errorMinEffect < 1)) {
      throw new IllegalArgumentException("errorMinEffect must be in [0, 1), got " + errorMinEffect);
    }
    if (cooldownEvents < 0) {
      throw new IllegalArgumentException("cooldownEvents must be >= 0 (0 = until a new version), got " + cooldownEvents);
    }
  }

  private static void requireProbability(String name, double value) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in (0, 1), got " + value);
    }
  }

  /**
   * windowSize 500, minSamples 100, PSI 0.2, KS 1e-4, label 1e-4, error 1e-4 with +0.05, cooldown
   * until a new version. The levels are per window: the monitor tests every window with three
   * test families, so at 1e-3 a drift-free stream of 100 windows raised a false alarm in about
   * one run in four (seen in the demo); at 1e-4 about one in forty. A real drift's p-values are
   * far smaller (1e-13 in the demo).
   */
  public static DriftSettings defaults() {
    return new DriftSettings(500, 100, 0.2, 1e-4, 1e-4, 1e-4, ErrorRateTest.DEFAULT_MIN_EFFECT, 0);
  }

  /** These settings with another window size (minSamples shrinks with it if needed). */
  public DriftSettings withWindowSize(int size) {
    return new DriftSettings(size, Math.min(minSamples, size), psiThreshold, ksAlpha, labelAlpha, errorAlpha, errorMinEffect, cooldownEvents);
  }

  /** These settings with another cooldown in events (0 = until a new version). */
  public DriftSettings withCooldownEvents(long events) {
    return new DriftSettings(windowSize, minSamples, psiThreshold, ksAlpha, labelAlpha, errorAlpha, errorMinEffect, events);
  }
}
