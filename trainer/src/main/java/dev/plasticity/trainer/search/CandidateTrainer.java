package dev.plasticity.trainer.search;

import dev.plasticity.trainer.network.ConstraintCheck;

/**
 * Trains one candidate that passed its constraint check for a number of epochs and scores it on
 * held-out events. The search strategies call it; the real one trains on DJL, tests pass their
 * own.
 */
@FunctionalInterface
interface CandidateTrainer {
  /**
   * @param candidate a candidate within every constraint
   * @param epochs the epoch budget for this evaluation
   * @return the held-out score, higher is better (accuracy for classifiers)
   */
  double trainAndScore(ConstraintCheck.Result candidate, int epochs);
}
