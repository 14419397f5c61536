package dev.plasticity.trainer;

import java.util.Objects;

/**
 * What one run will do: train with a {@link Strategy} within its budget on up to {@code events}
 * events, or only record the trigger ({@link Course#RECORD}); and why, in words (kept in the
 * version's lineage and shown in progress events). Immutable.
 *
 * @param budget wall time and trainings bound a search; epochs bound every training (a search's longest)
 * @param course whether the run trains, or records the trigger and trains nothing
 * @param events the most events the run reads from the trigger's window onwards to train and
 *     judge on; 0 for as many as the run is asked for
 * @param soonest once this many have arrived, the run waits for no more and trains on those that
 *     have (up to the most it reads); 0 waits for them all
 */
public record RetrainingPlan(Strategy strategy, SearchBudget budget, String reason, Course course, int events,
    int soonest) {
  public RetrainingPlan {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(course, "course");
    if (events < 0 || soonest < 0) {
      throw new IllegalArgumentException("a plan's events must not be negative, were " + events + " and " + soonest);
    }
  }

  /** A plan that waits for all the events it reads. */
  public RetrainingPlan(Strategy strategy, SearchBudget budget, String reason, Course course, int events) {
    this(strategy, budget, reason, course, events, 0);
  }

  /** A plan that trains with {@code strategy} on as many events as the run is asked for. */
  public RetrainingPlan(Strategy strategy, SearchBudget budget, String reason) {
    this(strategy, budget, reason, Course.TRAIN, 0);
  }

  /** Whether a run trains. */
  public enum Course {
    /** Train a challenger and gate it. */
    TRAIN,
    /** Record the trigger and why; train and register nothing (the drift did not hurt the served version). */
    RECORD
  }

  /** This plan, its reason followed by {@code more}: e.g. why the run starts from another version than asked. */
  public RetrainingPlan alsoBecause(String more) {
    return new RetrainingPlan(strategy, budget, reason + "; " + more, course, events, soonest);
  }

  /** This plan with {@code strategy} in place of its own: a fallback after its strategy failed, say. */
  public RetrainingPlan with(Strategy strategy, String because) {
    return new RetrainingPlan(strategy, budget, reason + "; " + because, course, events, soonest);
  }

  /** The events a run asked for {@code wanted} reads under this plan. */
  public int eventsFor(int wanted) {
    return events == 0 ? wanted : Math.min(wanted, events);
  }

  /** How many of the {@link #eventsFor} a run asked for {@code wanted} reads it waits for. */
  public int waitsFor(int wanted) {
    int most = eventsFor(wanted);
    return soonest == 0 ? most : Math.min(most, soonest);
  }

  /**
   * The strategy and its budget, in words: what a search may spend, or a training's epochs; on how
   * many events, and whether it starts from the serving version's weights.
   */
  public String describe() {
    if (course == Course.RECORD) {
      return "record only, no training";
    }
    return strategy.wireName() + (strategy instanceof Strategy.Search ? ", " + budget
        : ", " + budget.maxEpochs() + " epochs") + (events > 0 ? ", on up to " + events + " events" : "")
        + (soonest > 0 ? ", as soon as " + soonest + " have arrived" : "")
        + (strategy.warmStarts() ? ", warm-started from the champion" : ", from fresh weights");
  }
}
