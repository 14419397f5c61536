package dev.plasticity.ops.demo;

import dev.plasticity.generators.Instance;
import dev.plasticity.generators.SeaGenerator;
import java.util.Map;
import java.util.Random;

/**
 * The demo's stream: the SEA concepts as MOA generates them ({@link SeaGenerator} from {@code
 * ops/generators}, equal instance for instance to MOA's), one concept before {@code driftAt} and
 * another from it on. The drift is abrupt and only the labelling function changes, not the
 * features: a pure concept drift. Events are numbered from 0 and their features named {@code x1},
 * {@code x2}, {@code x3}.
 *
 * <p>Seeded; not thread-safe.
 */
final class SeaStream {
  /** One generated event: its index, its features, its (possibly noisy) label, and whether the new concept labelled it. */
  record Example(long index, Map<String, Double> features, int label, boolean afterDrift) {}

  private final SeaGenerator before;
  private final SeaGenerator after;
  private final long driftAt;
  private long index;

  /**
   * @param seed the seed of the stream
   * @param conceptBefore SEA concept (1..4) before the drift
   * @param conceptAfter SEA concept (1..4) from the drift on
   * @param driftAt index of the first event of the new concept; {@code Long.MAX_VALUE} for none
   * @param noise share of labels flipped, a whole percentage (MOA's SEA takes one) in [0, 0.5)
   * @throws IllegalArgumentException naming the setting out of range
   */
  SeaStream(long seed, int conceptBefore, int conceptAfter, long driftAt, double noise) {
    if (!(noise >= 0 && noise < 0.5) || Math.abs(noise * 100 - Math.rint(noise * 100)) > 1e-9) {
      throw new IllegalArgumentException("noise must be a whole percentage in [0, 0.5), e.g. 0.1, was " + noise);
    }
    if (driftAt < 0) {
      throw new IllegalArgumentException("driftAt must not be negative, was " + driftAt);
    }
    int noisePercentage = (int) Math.rint(noise * 100);
    this.before = new SeaGenerator(conceptBefore, false, noisePercentage, seed);
    // a seed of its own, so the new concept's events are not the old ones again
    this.after = new SeaGenerator(conceptAfter, false, noisePercentage, new Random(seed).nextLong());
    this.driftAt = driftAt;
  }

  Example next() {
    boolean drifted = index >= driftAt;
    Instance instance = (drifted ? after : before).next();
    return new Example(index++, Map.of("x1", instance.feature(0), "x2", instance.feature(1), "x3", instance.feature(2)),
        instance.label(), drifted);
  }
}
