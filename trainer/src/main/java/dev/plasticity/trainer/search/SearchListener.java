package dev.plasticity.trainer.search;

import dev.plasticity.trainer.network.ConstraintCheck;

/** Hears a search as it goes, for progress events and progress bars. */
public interface SearchListener {
  SearchListener NONE = new SearchListener() {};

  /**
   * A training finished.
   *
   * @param trial the training
   * @param best the best trial so far (possibly {@code trial})
   * @param budgetUsed share of the budget spent, 0 to 1: the larger of candidates and wall time
   */
  default void onTrial(SearchTrial trial, SearchTrial best, double budgetUsed) {}

  /** A candidate broke a constraint and was not trained. */
  default void onRejected(ConstraintCheck.Result rejected) {}
}
