package dev.plasticity.streamjobs.drift;

/**
 * The change detectors by name, for choosing one from configuration, e.g.
 * {@code ChangeDetectorKind.ADWIN.create(seed)}. Each creates a detector with its default
 * parameters (those of MOA, or of River for KSWIN). A constant's {@link #name()} is its name in a model's {@code DriftConfig} and in a
 * trigger's evidence; {@link #named(String)} is the one place text becomes a kind, reached from
 * outside through {@link DriftSettings#conceptDetectorNamed(String)}.
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
   * The kind of that name.
   *
   * @throws IllegalArgumentException naming the known kinds when there is none
   */
  static ChangeDetectorKind named(String name) {
    for (ChangeDetectorKind kind : values()) {
      if (kind.name().equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown concept detector '" + name + "'; known: "
        + java.util.Arrays.toString(values()));
  }

  /**
   * A new detector of this kind with default parameters.
   *
   * @param seed seeds the random sampling of detectors that sample (KSWIN); ignored by the
   *     others, which are deterministic
   */
  public ChangeDetector create(long seed) {
    return switch (this) {
      case ADWIN -> new Adwin();
      case PAGE_HINKLEY -> new PageHinkley();
      case DDM -> new Ddm();
      case EDDM -> new Eddm();
      case HDDM_A -> new HddmA();
      case KSWIN -> new Kswin(seed);
    };
  }
}
