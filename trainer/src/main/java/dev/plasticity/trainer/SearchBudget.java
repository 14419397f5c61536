package dev.plasticity.trainer;

import java.time.Duration;
import java.util.Objects;

/**
 * How much a search may spend: wall time, candidates trained and epochs per candidate. A search
 * stops at whichever limit it reaches first and never starts a training it has no candidate left
 * for; a training that started finishes (the wall-time limit is checked between trainings).
 *
 * @param wallTime the longest a search may run
 * @param maxCandidates the most trainings (a candidate trained at two budgets counts twice)
 * @param maxEpochs the most epochs one training may take (Hyperband's largest rung)
 */
public record SearchBudget(Duration wallTime, int maxCandidates, int maxEpochs) {
  public SearchBudget {
    Objects.requireNonNull(wallTime, "wallTime");
    if (wallTime.isNegative() || wallTime.isZero()) {
      throw new IllegalArgumentException("wallTime must be positive, was " + wallTime);
    }
    if (maxCandidates < 1) {
      throw new IllegalArgumentException("maxCandidates must be at least 1, was " + maxCandidates);
    }
    if (maxEpochs < 1) {
      throw new IllegalArgumentException("maxEpochs must be at least 1, was " + maxEpochs);
    }
  }

  @Override
  public String toString() {
    return "at most " + maxCandidates + " trainings of up to " + maxEpochs + " epochs in " + wallTime.toSeconds() + " s";
  }
}
