package dev.plasticity.registry.client;

import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The recent level of each numeric feature of a model's stream, for a network that reads its
 * features relative to it (an architecture with {@code levelSpan > 0}): each feature's exponential
 * moving mean, {@code level += (x - level) / span} after each event. {@link #next} gives the level
 * an event is read against, the one before the event itself is added, then adds it: the trainer
 * walks its window with one and a service walks the events it predicts with another, so both read
 * an event the same way. Expressing inputs relative to a wandering level keeps a network in the
 * range it learned while the levels drift (the label of the electricity stream of Harries, 1999, is
 * itself whether the price is above its recent mean).
 *
 * <p>Thread-safe: {@link #next} is atomic.
 */
public final class FeatureLevels {
  /** The longest span an architecture may ask for. */
  public static final int MAX_SPAN = 1_000_000;

  private final List<String> features;
  private final int span;
  private final double[] level;

  private FeatureLevels(List<String> features, int span, double[] level) {
    if (span < 1 || span > MAX_SPAN) {
      throw new IllegalArgumentException("a level span must be 1 to " + MAX_SPAN + " events, was " + span);
    }
    if (level.length != features.size()) {
      throw new IllegalArgumentException("one level per feature (" + features.size() + "), got " + level.length);
    }
    this.features = List.copyOf(features);
    this.span = span;
    this.level = level.clone();
  }

  /**
   * Levels where {@code architecture}'s version left them: its {@code featureLevels}, after its last
   * training event. What a service with no history of the stream starts from.
   *
   * @throws IllegalArgumentException when the architecture reads no levels or lacks one per feature
   */
  public static FeatureLevels of(Architecture architecture) {
    if (architecture.getLevelSpan() < 1) {
      throw new IllegalArgumentException("this architecture reads its features as they are (levelSpan "
          + architecture.getLevelSpan() + "), not relative to levels");
    }
    List<Double> start = architecture.getFeatureLevels();
    double[] level = new double[start.size()];
    for (int i = 0; i < level.length; i++) {
      level[i] = start.get(i);
    }
    return new FeatureLevels(architecture.getInputFeatures(), architecture.getLevelSpan(), level);
  }

  /**
   * Levels to walk {@code events} with, oldest first: each feature starts at its mean over the first
   * {@code span} events (all of them when fewer), so the first events are not read against a level
   * of one event.
   *
   * @throws IllegalArgumentException when there are no events or one lacks a feature
   */
  public static FeatureLevels startingOn(List<String> features, int span, List<Map<String, Double>> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("levels start on at least one event");
    }
    int n = Math.min(Math.max(1, span), events.size());
    double[] level = new double[features.size()];
    for (int e = 0; e < n; e++) {
      double[] x = values(features, events.get(e));
      for (int i = 0; i < level.length; i++) {
        level[i] += x[i] / n;
      }
    }
    return new FeatureLevels(features, span, level);
  }

  /** Events over which a level forgets: the smoothing is {@code 1 / span}. */
  public int span() {
    return span;
  }

  /** The features, in input order. */
  public List<String> features() {
    return features;
  }

  /** Whether these levels follow the inputs of {@code architecture}: the same features and span. */
  public boolean fits(Architecture architecture) {
    return architecture.getLevelSpan() == span && architecture.getInputFeatures().equals(features);
  }

  /**
   * The level {@code event} is read against, one per feature in input order; then the event is added
   * to the levels.
   *
   * @throws IllegalArgumentException when the event lacks a feature (the levels are left as they were)
   */
  public double[] next(Map<String, Double> event) {
    return nextOf(values(features, event));
  }

  /**
   * {@link #next(Map)} for an event given as its features' values in input order (the array is read,
   * not kept).
   *
   * @throws IllegalArgumentException when a value is not finite (the levels are left as they were)
   */
  synchronized double[] nextOf(double[] x) {
    for (int i = 0; i < x.length; i++) {
      checkFinite(features.get(i), x[i]);
    }
    double[] before = level.clone();
    for (int i = 0; i < level.length; i++) {
      level[i] += (x[i] - level[i]) / span;
    }
    return before;
  }

  /** The levels now, as an architecture's {@code featureLevels}. */
  public synchronized List<Double> current() {
    List<Double> out = new ArrayList<>(level.length);
    for (double l : level) {
      out.add(l);
    }
    return out;
  }

  private static double[] values(List<String> features, Map<String, Double> event) {
    double[] x = new double[features.size()];
    for (int i = 0; i < x.length; i++) {
      Double value = event.get(features.get(i));
      if (value == null) {
        throw new IllegalArgumentException("feature '" + features.get(i) + "' is missing; the levels follow "
            + features);
      }
      checkFinite(features.get(i), value);
      x[i] = value;
    }
    return x;
  }

  private static void checkFinite(String feature, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("feature '" + feature + "' is " + value + "; a level follows finite values only");
    }
  }
}
