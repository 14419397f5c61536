package dev.plasticity.trainer;

import java.util.Locale;

/**
 * Decides which candidates a search trains and for how long; {@link SearchRun} does the rest
 * (constraints, budget, bookkeeping). Strategies are seeded through the run's {@code Random}: the
 * same seed, space and scores give the same search.
 */
sealed interface SearchStrategy permits RandomSearch, RegularizedEvolution, Hyperband {
  /** The name used in configuration, progress events and lineage. */
  String name();

  /** Runs the search until the budget is spent or the strategy's schedule ends. */
  SearchResult search(SearchRun run);

  /**
   * The strategy configured by {@code name}: {@code random}, {@code evolution} or {@code
   * hyperband}, with default settings.
   */
  static SearchStrategy named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "random" -> new RandomSearch();
      case "evolution" -> new RegularizedEvolution(RegularizedEvolution.DEFAULT_POPULATION, RegularizedEvolution.DEFAULT_SAMPLE);
      case "hyperband" -> new Hyperband(Hyperband.DEFAULT_ETA);
      default -> throw new IllegalArgumentException("unknown search strategy '" + name + "'; known: random, evolution, hyperband");
    };
  }
}
