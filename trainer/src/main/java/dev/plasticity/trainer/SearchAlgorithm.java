package dev.plasticity.trainer;

import java.util.Locale;

/** The architecture search algorithms a {@link Strategy.Search} can run, each with default settings. */
public enum SearchAlgorithm {
  /** Candidates drawn uniformly from the space ({@link RandomSearch}). */
  RANDOM,
  /** Regularized evolution, Real et al. 2019 ({@link RegularizedEvolution}). */
  EVOLUTION,
  /** Hyperband, Li et al. 2018 ({@link Hyperband}). */
  HYPERBAND;

  /** The name after {@code search:} in a strategy name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A fresh instance of the algorithm with its default settings. */
  SearchStrategy create() {
    return switch (this) {
      case RANDOM -> new RandomSearch();
      case EVOLUTION -> new RegularizedEvolution(RegularizedEvolution.DEFAULT_POPULATION,
          RegularizedEvolution.DEFAULT_SAMPLE);
      case HYPERBAND -> new Hyperband(Hyperband.DEFAULT_ETA);
    };
  }
}
