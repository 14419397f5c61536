package dev.plasticity.trainer.search;

import dev.plasticity.trainer.SearchAlgorithm;


/**
 * Decides which candidates a search trains and for how long; {@link SearchRun} does the rest
 * (constraints, budget, bookkeeping). Strategies are seeded through the run's {@code Random}: the
 * same seed, space and scores give the same search.
 */
sealed interface SearchStrategy permits RandomSearch, RegularizedEvolution, Hyperband, GradientSearch,
    ControllerSearch {
  /** The name used in configuration, progress events and lineage. */
  String name();

  /** Runs the search until the budget is spent or the strategy's schedule ends. */
  SearchResult search(SearchRun run);

  /** A fresh instance of {@code algorithm} with its default settings. */
  static SearchStrategy of(SearchAlgorithm algorithm) {
    return switch (algorithm) {
      case RANDOM -> new RandomSearch();
      case EVOLUTION -> new RegularizedEvolution(RegularizedEvolution.DEFAULT_POPULATION,
          RegularizedEvolution.DEFAULT_SAMPLE);
      case HYPERBAND -> new Hyperband(Hyperband.DEFAULT_ETA);
      case GRADIENT -> GradientSearch.DEFAULTS;
      case CONTROLLER -> ControllerSearch.defaults();
    };
  }
}
