package dev.plasticity.streamjobs.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded streams of errors, losses and numbers for the change-detector tests. */
final class SeededStreams {
  private SeededStreams() {}

  /**
   * Errors (0 or 1) whose rate is {@code before} until {@code changeAt}, then {@code after}: the
   * stream of the Javadoc examples, drawn exactly as they draw it.
   */
  static double[] abruptErrors(long seed, int length, int changeAt, double before, double after) {
    Random random = new Random(seed);
    double[] stream = new double[length];
    for (int i = 0; i < length; i++) {
      stream[i] = random.nextDouble() < (i < changeAt ? before : after) ? 1 : 0;
    }
    return stream;
  }

  /** Standard normal values whose mean rises by {@code shift} at {@code changeAt}. */
  static double[] meanShift(long seed, int length, int changeAt, double shift) {
    Random random = new Random(seed);
    double[] stream = new double[length];
    for (int i = 0; i < length; i++) {
      stream[i] = random.nextGaussian() + (i < changeAt ? 0 : shift);
    }
    return stream;
  }

  /**
   * A level that changes every {@code segment} values to a new random level in [lo, hi), either
   * at once or along a linear ramp over the first {@code ramp} values of the segment.
   */
  static double[] levels(long seed, int length, int segment, int ramp, double lo, double hi) {
    Random random = new Random(seed);
    double[] levels = new double[length];
    double level = lo + (hi - lo) * random.nextDouble();
    double from = level;
    for (int i = 0; i < length; i++) {
      if (i > 0 && i % segment == 0) {
        from = level;
        level = lo + (hi - lo) * random.nextDouble();
      }
      int t = i % segment;
      levels[i] = t < ramp ? from + (level - from) * t / ramp : level;
    }
    return levels;
  }

  /** Errors (0 or 1) drawn with the given rates. */
  static double[] errors(long seed, double[] rates) {
    Random random = new Random(seed);
    double[] stream = new double[rates.length];
    for (int i = 0; i < rates.length; i++) {
      stream[i] = random.nextDouble() < rates[i] ? 1 : 0;
    }
    return stream;
  }

  /** Losses in [0, 1]: uniform on [0, 2·mean], for means in [0, 0.5]. */
  static double[] losses(long seed, double[] means) {
    Random random = new Random(seed);
    double[] stream = new double[means.length];
    for (int i = 0; i < means.length; i++) {
      stream[i] = 2 * means[i] * random.nextDouble();
    }
    return stream;
  }

  /** Normal values with the given means and standard deviation 1. */
  static double[] normals(long seed, double[] means) {
    Random random = new Random(seed);
    double[] stream = new double[means.length];
    for (int i = 0; i < means.length; i++) {
      stream[i] = means[i] + random.nextGaussian();
    }
    return stream;
  }

  /** Indices of the values at which the detector detected a drift. */
  static List<Integer> drifts(ChangeDetector detector, double[] stream) {
    List<Integer> drifts = new ArrayList<>();
    for (int i = 0; i < stream.length; i++) {
      detector.update(stream[i]);
      if (detector.driftDetected()) {
        drifts.add(i);
      }
    }
    return drifts;
  }
}
