package dev.plasticity.trainer.search;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.SearchBudget;
import dev.plasticity.trainer.network.ConstraintCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * The bookkeeping every search strategy shares: draws candidates (the seed architecture first,
 * then samples of the space), refuses to train any that breaks a constraint, trains the rest
 * through the {@link CandidateTrainer}, keeps every trial, and tracks the budget. A strategy
 * decides only which candidate to train next and for how many epochs. Not thread-safe: one run
 * per search.
 */
final class SearchRun {
  /** Draws that may fail their constraint check in a row before the search gives up. */
  static final int MAX_DRAWS_PER_CANDIDATE = 200;

  private final SearchSpace space;
  private final Architecture inputs;
  private Architecture seed;
  private final ConstraintCheck check;
  private final CandidateTrainer trainer;
  private final SearchBudget budget;
  private final Random random;
  private final LongSupplier nanoTime;
  private final SearchListener listener;
  private final Optional<SearchData> data;
  private final long started;
  private final List<SearchTrial> trials = new ArrayList<>();
  private final List<ConstraintCheck.Result> rejected = new ArrayList<>();
  private SearchTrial best;
  private String stoppedBecause;

  /**
   * @param inputs the input features, their scaling and the classes every candidate shares
   * @param seed the architecture to try first (the serving champion's), or null
   * @param nanoTime the clock the wall-time budget is measured with
   */
  SearchRun(SearchSpace space, Architecture inputs, Architecture seed, ConstraintCheck check, CandidateTrainer trainer,
      SearchBudget budget, Random random, LongSupplier nanoTime, SearchListener listener) {
    this(space, inputs, seed, check, trainer, budget, random, nanoTime, listener, Optional.empty());
  }

  /**
   * A run whose strategies may also learn from the candidates' events directly ({@link GradientSearch}
   * trains a supernet on them).
   */
  SearchRun(SearchSpace space, Architecture inputs, Architecture seed, ConstraintCheck check, CandidateTrainer trainer,
      SearchBudget budget, Random random, LongSupplier nanoTime, SearchListener listener, Optional<SearchData> data) {
    this.data = Objects.requireNonNull(data, "data");
    this.space = Objects.requireNonNull(space, "space");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.seed = seed;
    this.check = Objects.requireNonNull(check, "check");
    this.trainer = Objects.requireNonNull(trainer, "trainer");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.random = Objects.requireNonNull(random, "random");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.started = nanoTime.getAsLong();
  }

  SearchSpace space() {
    return space;
  }

  SearchBudget budget() {
    return budget;
  }

  Random random() {
    return random;
  }

  /** The input features, their scaling and the classes every candidate shares. */
  Architecture inputs() {
    return inputs;
  }

  ConstraintCheck check() {
    return check;
  }

  /** The events candidates learn from and are validated on, when the run has them. */
  Optional<SearchData> data() {
    return data;
  }

  /** Seconds since the run started. */
  double elapsedSeconds() {
    return elapsedNanos() / 1e9;
  }

  /** Ends the search for {@code reason} (kept for the result) unless it has already ended. */
  void stop(String reason) {
    if (stoppedBecause == null) {
      stoppedBecause = Objects.requireNonNull(reason, "reason");
    }
  }

  /** Whether the budget allows no further training (and why, for the result). */
  boolean exhausted() {
    if (stoppedBecause != null) {
      return true;
    }
    if (trials.size() >= budget.maxCandidates()) {
      stoppedBecause = "trained " + trials.size() + " candidates, the most the budget allows";
    } else if (elapsedNanos() >= budget.wallTime().toNanos()) {
      stoppedBecause = "used the wall-time budget of " + budget.wallTime();
    }
    return stoppedBecause != null;
  }

  /**
   * The next candidate within every constraint: the seed architecture the first time (when it
   * is within them), then samples of the space. Empty, and the search stops, when the budget is
   * spent or {@value #MAX_DRAWS_PER_CANDIDATE} draws in a row broke a constraint.
   */
  Optional<ConstraintCheck.Result> draw() {
    Optional<ConstraintCheck.Result> first = seed();
    if (first.isPresent()) {
      return first;
    }
    for (int attempt = 0; attempt < MAX_DRAWS_PER_CANDIDATE && !exhausted(); attempt++) {
      Optional<ConstraintCheck.Result> checked = feasible(space.sample(random, inputs));
      if (checked.isPresent()) {
        return checked;
      }
    }
    stopAfterRefusals();
    return Optional.empty();
  }

  /**
   * The seed architecture checked against the constraints, the first time only: empty when there
   * is none, it breaks a constraint, or it was asked for before. For strategies that sample
   * candidates their own way; {@link #draw} calls it first.
   */
  Optional<ConstraintCheck.Result> seed() {
    if (seed == null) {
      return Optional.empty();
    }
    Architecture first = seed;
    seed = null;
    return feasible(first);
  }

  /**
   * Ends the search because {@value #MAX_DRAWS_PER_CANDIDATE} candidates in a row broke a
   * constraint; for strategies that sample candidates their own way.
   */
  void stopAfterRefusals() {
    stop(MAX_DRAWS_PER_CANDIDATE + " candidates in a row broke a constraint; the space and the constraints barely"
        + " overlap");
  }

  /**
   * {@code candidate} checked against the constraints; empty (and recorded) when it breaks one,
   * and empty too when the check itself used up the budget (measuring latency takes time), so
   * that a strategy never holds a candidate it may not train.
   */
  Optional<ConstraintCheck.Result> feasible(Architecture candidate) {
    ConstraintCheck.Result result = check.check(candidate);
    if (!result.passed()) {
      rejected.add(result);
      listener.onRejected(result);
      return Optional.empty();
    }
    return exhausted() ? Optional.empty() : Optional.of(result);
  }

  /** Trains a candidate that passed its check for {@code epochs} (at most the budget's) and keeps the trial. */
  SearchTrial train(ConstraintCheck.Result candidate, int epochs) {
    if (!candidate.passed()) {
      throw new IllegalArgumentException("a candidate that breaks a constraint is never trained: " + candidate.summary());
    }
    if (exhausted()) {
      throw new IllegalStateException("the search budget is spent (" + stoppedBecause + "); check exhausted() first");
    }
    int granted = Math.max(1, Math.min(epochs, budget.maxEpochs()));
    long before = nanoTime.getAsLong();
    double score = trainer.trainAndScore(candidate, granted);
    SearchTrial trial = new SearchTrial(trials.size(), candidate, granted, score, (nanoTime.getAsLong() - before) / 1e9);
    trials.add(trial);
    if (best == null || SearchResult.BETTER_FIRST.compare(trial, best) < 0) {
      best = trial;
    }
    listener.onTrial(trial, best, budgetUsed());
    return trial;
  }

  /** The larger of the shares of candidates and of wall time spent, at most 1. */
  double budgetUsed() {
    double candidates = trials.size() / (double) budget.maxCandidates();
    double time = elapsedNanos() / (double) budget.wallTime().toNanos();
    return Math.min(1.0, Math.max(candidates, time));
  }

  SearchResult result(String strategy) {
    String reason = stoppedBecause != null ? stoppedBecause : "the strategy finished its schedule";
    return new SearchResult(strategy, trials, rejected, elapsedNanos() / 1e9, reason);
  }

  private long elapsedNanos() {
    return nanoTime.getAsLong() - started;
  }
}
