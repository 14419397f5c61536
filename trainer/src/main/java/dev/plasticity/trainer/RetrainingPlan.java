package dev.plasticity.trainer;

import java.util.Objects;

/**
 * What one run will do: a {@link Strategy}, its budget, and why it was chosen, in words (kept in
 * the version's lineage and shown in progress events). Immutable.
 *
 * @param budget wall time and trainings bound a search; epochs bound every training (a search's longest)
 */
public record RetrainingPlan(Strategy strategy, SearchBudget budget, String reason) {
  public RetrainingPlan {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(reason, "reason");
  }

  /** This plan, its reason followed by {@code more}: e.g. why the run starts from another version than asked. */
  public RetrainingPlan alsoBecause(String more) {
    return new RetrainingPlan(strategy, budget, reason + "; " + more);
  }

  /** The strategy and its budget, in words: what a search may spend, or a training's epochs. */
  public String describe() {
    return strategy.wireName() + (strategy instanceof Strategy.Search ? ", " + budget
        : ", " + budget.maxEpochs() + " epochs");
  }
}
