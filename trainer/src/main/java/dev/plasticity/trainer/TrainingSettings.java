package dev.plasticity.trainer;

import java.util.List;

/**
 * How one network trains: what every training algorithm (a single training, a search's
 * candidates, the domain adaptations, the importance-weighting domain classifier) takes, and
 * nothing about where data comes from or where versions go. Immutable.
 *
 * @param hiddenUnits hidden layer widths of a network trained from scratch
 * @param epochs training epochs
 * @param batchSize mini-batch size
 * @param learningRate Adam's learning rate
 * @param heldOutFraction the most recent share of the events kept for evaluation
 * @param seed seeds weights and shuffling, so a training can be repeated
 */
public record TrainingSettings(List<Integer> hiddenUnits, int epochs, int batchSize, float learningRate,
    double heldOutFraction, int seed) {
  /** 32×32 hidden units, 20 epochs, batches of 64, learning rate 0.01, newest 20% held out, seed 42. */
  public static final TrainingSettings DEFAULTS = new TrainingSettings(List.of(32, 32), 20, 64, 0.01f, 0.2, 42);

  public TrainingSettings {
    hiddenUnits = List.copyOf(hiddenUnits);
    check(epochs >= 1, "epochs must be at least 1, was " + epochs);
    check(batchSize >= 1, "batchSize must be at least 1, was " + batchSize);
    check(learningRate > 0, "learningRate must be positive, was " + learningRate);
    check(heldOutFraction > 0 && heldOutFraction < 1, "heldOutFraction must be in (0, 1), was " + heldOutFraction);
  }

  /** These settings with {@code epochs} training epochs (a search's or a plan's budget per training). */
  public TrainingSettings withEpochs(int epochs) {
    return new TrainingSettings(hiddenUnits, epochs, batchSize, learningRate, heldOutFraction, seed);
  }

  /** These settings with {@code hiddenUnits} for a network trained from scratch. */
  public TrainingSettings withHiddenUnits(List<Integer> hiddenUnits) {
    return new TrainingSettings(hiddenUnits, epochs, batchSize, learningRate, heldOutFraction, seed);
  }

  /** These settings seeded with {@code seed}. */
  public TrainingSettings withSeed(int seed) {
    return new TrainingSettings(hiddenUnits, epochs, batchSize, learningRate, heldOutFraction, seed);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
