package dev.plasticity.streamjobs.drift;

/**
 * The change detectors by name, for choosing one from configuration, e.g.
 * {@code ChangeDetectorKind.valueOf("ADWIN").create(seed)}. Each creates a detector with its
 * default parameters (those of MOA, or of River for KSWIN).
 */
public enum ChangeDetectorKind {
  /** {@link Adwin}: adaptive windowing; any numeric stream. */
  ADWIN,
  /** {@link PageHinkley}: cumulative test for a rise in the mean; any numeric stream. */
  PAGE_HINKLEY,
  /** {@link Ddm}: drift detection method; binary error stream. */
  DDM,
  /** {@link Eddm}: early drift detection method; binary error stream. */
  EDDM,
  /** {@link HddmA}: Hoeffding's bound on averages; values in [0, 1]. */
  HDDM_A,
  /** {@link Kswin}: Kolmogorov–Smirnov windowing; any numeric stream. */
  KSWIN;

  /**
   * A new detector of this kind with default parameters.
   *
   * @param seed seeds the random sampling of detectors that sample (KSWIN); ignored by the
   *     others, which are deterministic
   */
  public ChangeDetector create(long seed) {
    switch (this) {
      case ADWIN:
        return new Adwin();
      case PAGE_HINKLEY:
        return new PageHinkley();
      case DDM:
        return new Ddm();
      case EDDM:
        return new Eddm();
      case HDDM_A:
        return new HddmA();
      case KSWIN:
        return new Kswin(seed);
      default:
        throw new AssertionError("unhandled kind " + this);
    }
  }
}
