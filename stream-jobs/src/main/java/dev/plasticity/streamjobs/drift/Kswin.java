package dev.plasticity.streamjobs.drift;

import java.util.Arrays;
import java.util.Random;

/**
 * KSWIN, Kolmogorov–Smirnov windowing (Raab, Heusinger &amp; Schleif 2020, "Reactive soft
 * prototype computing for concept drift streams", Neurocomputing 416). It keeps a sliding window
 * of the last {@code windowSize} values; once the window is full, each update compares the last
 * {@code statSize} values R with {@code statSize} values W drawn uniformly without replacement
 * from the older {@code windowSize − statSize}, by a two-sample Kolmogorov–Smirnov test, and
 * detects a drift when the p-value P(D ≥ d) ≤ {@code alpha} and the statistic d &gt; 0.1 (River's
 * rule). The p-value is exact for the equal sample sizes (Gnedenko–Korolyuk), so the test reduces
 * to a precomputed critical distance and an update costs two sorts of {@code statSize} values.
 * It detects any change of distribution, in either direction.
 *
 * <p>After a drift the window keeps only its last {@code statSize} values (the new concept), as
 * in the paper, and tests again once it is full. Defaults are River's: α = 0.005, window 100,
 * statistic window 30. The sampling uses a {@link Random} seeded at construction, so detections
 * are reproducible for a given seed; they will not equal River's, which uses Python's generator.
 *
 * <p>Example, a Gaussian stream whose mean rises by 1 at index 1000:
 *
 * <pre>{@code
 * Random random = new Random(42);
 * Kswin kswin = new Kswin(42);
 * List<Integer> drifts = new ArrayList<>();
 * for (int i = 0; i < 2000; i++) {
 *   kswin.update(random.nextGaussian() + (i < 1000 ? 0 : 1));
 *   if (kswin.driftDetected()) {
 *     drifts.add(i);
 *   }
 * }
 * // drifts: [121, 1027]
 * }</pre>
 *
 * <p>The drift at 121 is a false alarm: KSWIN tests on every update, so with River's default
 * α = 0.005 it alarms every few hundred values on a stationary stream; River advises a smaller
 * α (with α = 0.0001 and seed 7 this stream gives only [1032]).
 *
 * <p>Not thread-safe.
 */
public final class Kswin implements ChangeDetector {
  private static final long serialVersionUID = 1L;

  /** Default significance of the Kolmogorov–Smirnov test. */
  public static final double DEFAULT_ALPHA = 0.005;
  /** Default length of the sliding window. */
  public static final int DEFAULT_WINDOW_SIZE = 100;
  /** Default size of the two samples compared. */
  public static final int DEFAULT_STAT_SIZE = 30;
  /** Seed of the no-argument constructor. */
  public static final long DEFAULT_SEED = 0;
  /** River's minimum statistic: a drift also needs d &gt; 0.1. */
  private static final double MIN_STATISTIC = 0.1;

  private final int windowSize;
  private final int statSize;
  /** Smallest distance max|i − j| (d times statSize) that counts as a drift; statSize + 1 if none. */
  private final int criticalDistance;
  private final Random random;

  /** Circular buffer of the window, oldest value at {@code start}. */
  private final double[] window;
  private int start;
  private int count;
  /** A permutation of the older positions, partially shuffled on each update to sample them. */
  private final int[] olderPositions;
  private final double[] sampled;
  private final double[] recent;
  private boolean drift;

  /** KSWIN with River's defaults and seed {@value #DEFAULT_SEED}. */
  public Kswin() {
    this(DEFAULT_SEED);
  }

  /** KSWIN with River's defaults: α = 0.005, window 100, statistic window 30. */
  public Kswin(long seed) {
    this(DEFAULT_ALPHA, DEFAULT_WINDOW_SIZE, DEFAULT_STAT_SIZE, seed);
  }

  /**
   * @param alpha significance of the test, in (0, 1); River advises below 0.01
   * @param windowSize length of the sliding window, ≥ 2·{@code statSize}
   * @param statSize size of the two samples compared, ≥ 1
   * @param seed seeds the sampling from the older part of the window
   */
  public Kswin(double alpha, int windowSize, int statSize, long seed) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("KSWIN alpha must be in (0, 1), got " + alpha);
    }
    if (statSize < 1) {
      throw new IllegalArgumentException("KSWIN statSize must be >= 1, got " + statSize);
    }
    if (windowSize < 2 * statSize) {
      throw new IllegalArgumentException(
          "KSWIN windowSize must be >= 2 * statSize ("
              + 2 * statSize
              + ") so that statSize older values can be sampled, got "
              + windowSize);
    }
    this.windowSize = windowSize;
    this.statSize = statSize;
    this.criticalDistance = criticalDistance(alpha, statSize);
    this.random = new Random(seed);
    this.window = new double[windowSize];
    this.olderPositions = new int[windowSize - statSize];
    for (int i = 0; i < olderPositions.length; i++) {
      olderPositions[i] = i;
    }
    this.sampled = new double[statSize];
    this.recent = new double[statSize];
  }

  @Override
  public void update(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("KSWIN needs finite values, got " + value);
    }
    if (count < windowSize) {
      window[slot(count)] = value;
      count++;
    } else {
      window[start] = value;
      start = slot(1);
    }
    if (count < windowSize) {
      drift = false;
      return;
    }
    int older = olderPositions.length;
    for (int i = 0; i < statSize; i++) {
      int j = i + random.nextInt(older - i);
      int position = olderPositions[j];
      olderPositions[j] = olderPositions[i];
      olderPositions[i] = position;
      sampled[i] = window[slot(position)];
      recent[i] = window[slot(older + i)];
    }
    Arrays.sort(sampled);
    Arrays.sort(recent);
    drift = distance(sampled, recent) >= criticalDistance;
    if (drift) {
      start = slot(older);
      count = statSize;
    }
  }

  @Override
  public boolean driftDetected() {
    return drift;
  }

  private int slot(int position) {
    int slot = start + position;
    return slot < windowSize ? slot : slot - windowSize;
  }

  /**
   * The two-sample Kolmogorov–Smirnov distance of two sorted samples of equal size n, times n:
   * the largest difference between the numbers of values ≤ x in each, over all x. Ties are
   * handled exactly.
   */
  static int distance(double[] sortedA, double[] sortedB) {
    int n = sortedA.length;
    int i = 0;
    int j = 0;
    int max = 0;
    while (i < n && j < n) {
      double x = Math.min(sortedA[i], sortedB[j]);
      while (i < n && sortedA[i] == x) {
        i++;
      }
      while (j < n && sortedB[j] == x) {
        j++;
      }
      max = Math.max(max, Math.abs(i - j));
    }
    return max;
  }

  /**
   * Exact P(D ≥ h/n) for the two-sample Kolmogorov–Smirnov statistic D of two samples of size n
   * from the same continuous distribution (Gnedenko &amp; Korolyuk 1951):
   * 2 Σ_{k ≥ 1} (−1)^{k−1} C(2n, n − kh) / C(2n, n).
   */
  static double pValue(int h, int n) {
    if (h <= 0) {
      return 1;
    }
    double p = 0;
    for (int k = 1; k * h <= n; k++) {
      int t = k * h;
      double ratio = 1; // C(2n, n - t) / C(2n, n) = prod_{i=1..t} (n - t + i) / (n + i)
      for (int i = 1; i <= t; i++) {
        ratio *= (double) (n - t + i) / (n + i);
      }
      p += (k % 2 == 1 ? 2 : -2) * ratio;
    }
    return Math.min(1, p);
  }

  private static int criticalDistance(double alpha, int n) {
    for (int h = 1; h <= n; h++) {
      if (pValue(h, n) <= alpha && (double) h / n > MIN_STATISTIC) {
        return h;
      }
    }
    return n + 1;
  }
}
