package dev.plasticity.ops.generators;

import java.util.Map;
import java.util.Random;

/**
 * The SEA concepts stream (Street and Kim, "A streaming ensemble algorithm (SEA) for large-scale
 * classification", KDD 2001), as MOA's {@code SEAGenerator} defines it: three attributes uniform
 * on [0, 10], class 1 when {@code x1 + x2 <= threshold} (x3 is irrelevant), thresholds 8, 9, 7
 * and 9.5 for concepts 1 to 4, and a share of labels flipped as noise.
 *
 * <p>An abrupt drift switches the concept at a chosen event index. Only the labelling function
 * changes, not the features: a pure concept drift. Seeded; not thread-safe.
 *
 * <pre>{@code
 * var sea = new SeaGenerator(42, 3, 4, 20_000, 0.1);   // concept 3 (x1+x2 <= 7) then 4 (<= 9.5)
 * SeaGenerator.Example e = sea.next();                 // e.index() == 0
 * }</pre>
 */
public final class SeaGenerator {
  private static final double[] THRESHOLDS = {8.0, 9.0, 7.0, 9.5};

  /** One generated event: its index, its features, and its (possibly noisy) label. */
  public record Example(long index, Map<String, Double> features, int label, boolean afterDrift) {}

  private final Random random;
  private final double before;
  private final double after;
  private final long driftAt;
  private final double noise;
  private long index;

  /**
   * @param seed random seed
   * @param conceptBefore SEA concept (1..4) before the drift
   * @param conceptAfter SEA concept (1..4) from the drift on
   * @param driftAt index of the first event of the new concept; {@code Long.MAX_VALUE} for none
   * @param noise share of labels flipped, in [0, 0.5)
   */
  public SeaGenerator(long seed, int conceptBefore, int conceptAfter, long driftAt, double noise) {
    if (conceptBefore < 1 || conceptBefore > 4 || conceptAfter < 1 || conceptAfter > 4) {
      throw new IllegalArgumentException("SEA concepts are 1..4, were " + conceptBefore + " and " + conceptAfter);
    }
    if (noise < 0 || noise >= 0.5) {
      throw new IllegalArgumentException("noise must be in [0, 0.5), was " + noise);
    }
    if (driftAt < 0) {
      throw new IllegalArgumentException("driftAt must not be negative, was " + driftAt);
    }
    this.random = new Random(seed);
    this.before = THRESHOLDS[conceptBefore - 1];
    this.after = THRESHOLDS[conceptAfter - 1];
    this.driftAt = driftAt;
    this.noise = noise;
  }

  public Example next() {
    double x1 = random.nextDouble() * 10;
    double x2 = random.nextDouble() * 10;
    double x3 = random.nextDouble() * 10;
    boolean drifted = index >= driftAt;
    int label = x1 + x2 <= (drifted ? after : before) ? 1 : 0;
    if (random.nextDouble() < noise) {
      label = 1 - label;
    }
    return new Example(index++, Map.of("x1", x1, "x2", x2, "x3", x3), label, drifted);
  }

  /** Index of the first event of the new concept. */
  public long driftAt() {
    return driftAt;
  }
}
