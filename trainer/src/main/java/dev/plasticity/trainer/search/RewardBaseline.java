package dev.plasticity.trainer.search;

/**
 * The moving-average baseline of REINFORCE (Williams 1992; Zoph and Le 2017, "Neural Architecture
 * Search with Reinforcement Learning", ICLR, use an exponential moving average of past rewards):
 * {@link #observe} turns a reward into an advantage, how much better than the rewards so far it
 * is, then folds it into the average. The advantage is divided by the moving root-mean-square
 * deviation of rewards from the baseline (at least {@link #MIN_SCALE}) and clipped to ±{@link
 * #MAX_ADVANTAGE}, so that one learning rate suits accuracies that differ by a point and refusals
 * that score nothing. Not thread-safe.
 */
final class RewardBaseline {
  /** Differences of rewards below this (one point of accuracy) are not magnified as if they were large. */
  static final double MIN_SCALE = 0.01;
  /** The largest advantage, in scales, one reward may carry. */
  static final double MAX_ADVANTAGE = 3.0;

  private final double decay;
  private double mean;
  private double meanSquareDeviation;
  private int observed;

  /** @param decay the weight of the past in each update, in [0, 1) */
  RewardBaseline(double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("the baseline's decay must be in [0, 1), was " + decay);
    }
    this.decay = decay;
  }

  /** The baseline: the moving average of the rewards observed, 0 before the first. */
  double value() {
    return mean;
  }

  /** Rewards observed so far. */
  int observed() {
    return observed;
  }

  /**
   * The advantage of {@code reward} over the baseline, scaled and clipped (0 for the first reward:
   * there is nothing to compare it with); then the baseline moves towards {@code reward}.
   */
  double observe(double reward) {
    if (!Double.isFinite(reward)) {
      throw new IllegalArgumentException("a reward must be finite, was " + reward);
    }
    if (observed++ == 0) {
      mean = reward;
      return 0;
    }
    double deviation = reward - mean;
    double scale = Math.max(MIN_SCALE, Math.sqrt(meanSquareDeviation));
    double advantage = Math.max(-MAX_ADVANTAGE, Math.min(MAX_ADVANTAGE, deviation / scale));
    meanSquareDeviation = decay * meanSquareDeviation + (1 - decay) * deviation * deviation;
    mean = decay * mean + (1 - decay) * reward;
    return advantage;
  }
}
