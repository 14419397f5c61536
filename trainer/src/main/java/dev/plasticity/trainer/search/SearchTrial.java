package dev.plasticity.trainer.search;

import dev.plasticity.trainer.network.ConstraintCheck;

/**
 * One training a search ran: the candidate with its serving figures, the epochs it got, its
 * held-out score and how long it took.
 *
 * @param index 0 for the first training of the search
 * @param candidate the constraint check it passed, with its figures
 * @param epochs epochs trained
 * @param score held-out score, higher is better
 * @param seconds wall time of the training
 */
public record SearchTrial(int index, ConstraintCheck.Result candidate, int epochs, double score, double seconds) {
  /** Serving cost for the Pareto front: measured median latency in ns when known, else multiply-adds. */
  double cost() {
    return candidate.figures().latency()
        .map(l -> (double) l.median().toNanos())
        .orElse((double) candidate.figures().multiplyAdds());
  }
}
