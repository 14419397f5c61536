package dev.plasticity.trainer;

/**
 * How the gate judges a challenger against the serving version on the same held-out events: the
 * significance level of its paired test and the fewest events it decides on. Immutable.
 *
 * @param significance the chance the gate accepts of promoting a challenger that is not better
 *     (one-sided, on the events where the two disagree); in (0, 0.5)
 * @param minEvents the fewest held-out events a promotion needs when a version serves: below it a
 *     challenger is registered but not served
 */
public record GateSettings(double significance, int minEvents) {
  /** Significance 0.05, at least 200 events. */
  public static final GateSettings DEFAULTS = new GateSettings(0.05, 200);

  public GateSettings {
    if (!(significance > 0 && significance < 0.5)) {
      throw new IllegalArgumentException("the gate's significance must be in (0, 0.5), was " + significance);
    }
    if (minEvents < 1) {
      throw new IllegalArgumentException("the gate's minEvents must be at least 1, was " + minEvents);
    }
  }
}
