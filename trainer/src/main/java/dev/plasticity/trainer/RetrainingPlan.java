package dev.plasticity.trainer;

import java.util.Objects;
import java.util.Optional;

/**
 * What one run will do: a strategy name of {@link RetrainingPolicy#STRATEGIES}, its budget, and
 * why it was chosen, in words (kept in the version's lineage and shown in progress events).
 *
 * @param budget wall time and trainings bound a search; epochs bound every training (a search's longest)
 */
record RetrainingPlan(String strategy, SearchBudget budget, String reason) {
  private static final String SEARCH = "search:";
  private static final String FINE_TUNE = "fine-tune:";

  RetrainingPlan {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(reason, "reason");
  }

  /** Whether this plan searches architectures. */
  boolean searches() {
    return strategy.startsWith(SEARCH);
  }

  /** The search strategy ({@code random}, {@code evolution} or {@code hyperband}) when this plan searches. */
  String searchStrategy() {
    if (!searches()) {
      throw new IllegalStateException(strategy + " is not a search");
    }
    return strategy.substring(SEARCH.length());
  }

  /** The layers a fine-tune may change, when this plan fine-tunes the serving version. */
  Optional<FineTuneScope> fineTuneScope() {
    return strategy.startsWith(FINE_TUNE)
        ? Optional.of(FineTuneScope.named(strategy.substring(FINE_TUNE.length()))) : Optional.empty();
  }

  /** This plan, its reason followed by {@code more}: e.g. why the run starts from another version than asked. */
  RetrainingPlan alsoBecause(String more) {
    return new RetrainingPlan(strategy, budget, reason + "; " + more);
  }

  /** The strategy and its budget, in words: what a search may spend, or a training's epochs. */
  String describe() {
    return strategy + (searches() ? ", " + budget : ", " + budget.maxEpochs() + " epochs");
  }
}
