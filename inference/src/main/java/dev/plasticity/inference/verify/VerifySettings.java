package dev.plasticity.inference.verify;

/**
 * The error rates and bounds of live verification's sequential test ({@link DiscordantPairSprt}).
 * Immutable; validated once when made.
 *
 * @param alpha the highest probability of rolling back a new champion that is not worse than the
 *     version before it (a false LOST), in (0, 1)
 * @param beta the highest probability of keeping a new champion that is worse by {@code delta} (a
 *     false WON), in (0, 1), with {@code alpha + beta < 1}
 * @param delta the tolerance: how much more often than even the new champion must be the one wrong
 *     among the events exactly one of the two versions got right to count as worse, in (0, 0.5)
 * @param maxPairedEvents how many events scored by both versions a watch reads at most; past that it
 *     ends without a verdict
 */
public record VerifySettings(double alpha, double beta, double delta, int maxPairedEvents) {
  public static final double DEFAULT_ALPHA = 0.05;
  public static final double DEFAULT_BETA = 0.1;
  public static final double DEFAULT_DELTA = 0.05;
  public static final int DEFAULT_MAX_PAIRED_EVENTS = 20_000;

  /** @throws IllegalArgumentException naming the bound a value breaks */
  public VerifySettings {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha is a probability strictly between 0 and 1; it was " + alpha);
    }
    if (!(beta > 0 && beta < 1)) {
      throw new IllegalArgumentException("beta is a probability strictly between 0 and 1; it was " + beta);
    }
    if (alpha + beta >= 1) {
      throw new IllegalArgumentException("alpha + beta must be below 1 for the test to tell anything; they were "
          + alpha + " and " + beta);
    }
    if (!(delta > 0 && delta < 0.5)) {
      throw new IllegalArgumentException("delta is strictly between 0 and 0.5 (a shift of the share of discordant "
          + "events the new version gets wrong, from one half); it was " + delta);
    }
    if (maxPairedEvents <= 0) {
      throw new IllegalArgumentException("the cap of paired events must be positive; it was " + maxPairedEvents);
    }
  }

  /** The defaults: alpha 0.05, beta 0.1, delta 0.05, at most 20000 paired events. */
  public static VerifySettings defaults() {
    return new VerifySettings(DEFAULT_ALPHA, DEFAULT_BETA, DEFAULT_DELTA, DEFAULT_MAX_PAIRED_EVENTS);
  }
}
