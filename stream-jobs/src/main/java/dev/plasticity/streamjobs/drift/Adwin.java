package dev.plasticity.streamjobs.drift;

import java.util.Arrays;

/**
 * ADWIN, adaptive windowing: keeps the longest window of recent values whose mean is consistent
 * with "no change", and drops the older part of the window when two sub-windows' means differ by
 * more than a Hoeffding/Bernstein-style bound (Bifet &amp; Gavaldà 2007, "Learning from
 * time-changing data with adaptive windowing", SIAM SDM, the ADWIN2 variant).
 *
 * <p>The window is stored as an exponential histogram: rows of at most {@code maxBucketsPerRow}
 * buckets, row i holding buckets that summarise 2<sup>i</sup> values by their total and variance,
 * so a window of W values takes O(log W) memory and an update costs amortised O(1), plus an
 * O(log W) scan for a cut every {@code clock} updates.
 *
 * <p>Conventions follow MOA's {@code ADWINChangeDetector}, so that both report the same
 * detections on the same stream: cuts are searched every 32 updates, only in windows of more
 * than 10 values, between sub-windows of more than {@code minSubWindowLength + 1} = 6 values,
 * with ε = √(2·m·σ²·δ') + ⅔·δ'·m where δ' = ln(2·ln(W)/δ), m = 1/(n₀ − 5 + 1) + 1/(n₁ − 5 + 1)
 * and σ² the variance of the whole window; and by default only a cut that <em>raises</em> the
 * window's mean counts as a drift ({@code increasesOnly}), which is what matters on a stream of
 * errors or losses. After a drift the detector keeps the recent part of its window: it is not
 * reset.
 *
 * <p>Deliberate difference from MOA: MOA multiplies bucket sizes by window lengths in
 * {@code int}, which overflows when a cut drops an old bucket from a window of more than about
 * 130 000 values (and when buckets merge into ones of 2<sup>17</sup> values), corrupting its
 * running variance. This class computes those products in {@code double}. Detections are
 * identical to MOA's as long as no window grows that long; after longer stationary stretches
 * they can differ slightly (measured: by 1 or 2 of about 20 detections after stationary stretches
 * of 150 000 to 800 000 values, with the same first detection).
 *
 * <p>Example, a Gaussian stream whose mean rises by 1 at index 1000:
 *
 * <pre>{@code
 * Random random = new Random(42);
 * Adwin adwin = new Adwin();
 * List<Integer> drifts = new ArrayList<>();
 * for (int i = 0; i < 2000; i++) {
 *   adwin.update(random.nextGaussian() + (i < 1000 ? 0 : 1));
 *   if (adwin.driftDetected()) {
 *     drifts.add(i);
 *   }
 * }
 * // drifts: [1055, 1087]
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class Adwin implements ChangeDetector {
  private static final long serialVersionUID = 1L;

  /** Default confidence parameter δ: the bound is exceeded by chance with probability ≲ δ. */
  public static final double DEFAULT_DELTA = 0.002;
  /** Default number of updates between two searches for a cut. */
  public static final int DEFAULT_CLOCK = 32;
  /** Default window length the window must exceed before a cut is searched for. */
  public static final int DEFAULT_MIN_WINDOW_LENGTH = 10;
  /** Default sub-window parameter: each sub-window must hold more than this + 1 values. */
  public static final int DEFAULT_MIN_SUB_WINDOW_LENGTH = 5;
  /** Default number of buckets per row of the exponential histogram. */
  public static final int DEFAULT_MAX_BUCKETS_PER_ROW = 5;

  private static final int INITIAL_ROWS = 8;

  private final double delta;
  private final boolean increasesOnly;
  private final int clock;
  private final int minWindowLength;
  private final int minSubWindowLength;
  /** Slots per row: a row may briefly hold maxBucketsPerRow + 1 buckets before it is merged. */
  private final int slots;

  /** Bucket totals and variances, row-major: row r's bucket k at r * slots + k, oldest first. */
  private double[] bucketTotal;
  private double[] bucketVariance;
  private int[] bucketsInRow;
  private int rows;

  private int width;
  private double total;
  /** Sum of squared deviations from the mean over the window (not divided by the width). */
  private double variance;
  private int sinceCheck;
  private boolean drift;

  /** ADWIN with MOA's defaults: δ = 0.002, increases only, clock 32, 10, 5, 5 buckets a row. */
  public Adwin() {
    this(DEFAULT_DELTA);
  }

  /** ADWIN with confidence {@code delta} and MOA's other defaults. */
  public Adwin(double delta) {
    this(
        delta,
        true,
        DEFAULT_CLOCK,
        DEFAULT_MIN_WINDOW_LENGTH,
        DEFAULT_MIN_SUB_WINDOW_LENGTH,
        DEFAULT_MAX_BUCKETS_PER_ROW);
  }

  /**
   * @param delta confidence parameter in (0, 1); smaller means fewer false alarms and later
   *     detections
   * @param increasesOnly if true, a cut counts as a drift only when it raises the window's mean
   *     (MOA's {@code ADWINChangeDetector}); if false, any cut does (the paper, River, MOA's
   *     {@code ADWIN.setInput})
   * @param clock updates between two searches for a cut (≥ 1)
   * @param minWindowLength a cut is searched for only in windows longer than this (≥ 0)
   * @param minSubWindowLength both sub-windows must hold more than this + 1 values (≥ 1)
   * @param maxBucketsPerRow buckets a histogram row holds before its two oldest merge (≥ 1)
   */
  public Adwin(
      double delta,
      boolean increasesOnly,
      int clock,
      int minWindowLength,
      int minSubWindowLength,
      int maxBucketsPerRow) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("ADWIN delta must be in (0, 1), got " + delta);
    }
    if (clock < 1) {
      throw new IllegalArgumentException("ADWIN clock must be >= 1 update, got " + clock);
    }
    if (minWindowLength < 0) {
      throw new IllegalArgumentException(
          "ADWIN minWindowLength must be >= 0, got " + minWindowLength);
    }
    if (minSubWindowLength < 1) {
      throw new IllegalArgumentException(
          "ADWIN minSubWindowLength must be >= 1, got " + minSubWindowLength);
    }
    if (maxBucketsPerRow < 1) {
      throw new IllegalArgumentException(
          "ADWIN maxBucketsPerRow must be >= 1, got " + maxBucketsPerRow);
    }
    this.delta = delta;
    this.increasesOnly = increasesOnly;
    this.clock = clock;
    this.minWindowLength = minWindowLength;
    this.minSubWindowLength = minSubWindowLength;
    this.slots = maxBucketsPerRow + 1;
    this.bucketTotal = new double[INITIAL_ROWS * slots];
    this.bucketVariance = new double[INITIAL_ROWS * slots];
    this.bucketsInRow = new int[INITIAL_ROWS];
    this.rows = 1;
  }

  @Override
  public void update(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("ADWIN needs finite values, got " + value);
    }
    double meanBefore = total / width; // NaN before the first value: no drift then
    insert(value);
    boolean shrunk = false;
    if (++sinceCheck == clock) {
      sinceCheck = 0;
      if (width > minWindowLength) {
        shrunk = cutWhileMeansDiffer();
      }
    }
    drift = shrunk && (!increasesOnly || total / width > meanBefore);
  }

  @Override
  public boolean driftDetected() {
    return drift;
  }

  /** Number of values the window stands for. */
  public int windowLength() {
    return width;
  }

  /** Mean of the values in the window (NaN before the first update). */
  public double mean() {
    return total / width;
  }

  /** Buckets in the exponential histogram: O(log {@link #windowLength()}). */
  int buckets() {
    int buckets = 0;
    for (int row = 0; row < rows; row++) {
      buckets += bucketsInRow[row];
    }
    return buckets;
  }

  private void insert(double value) {
    width++;
    append(0, value, 0);
    if (width > 1) {
      double d = value - total / (width - 1);
      variance += (width - 1) * d * d / width;
    }
    total += value;
    for (int row = 0; bucketsInRow[row] == slots; row++) {
      mergeOldestTwo(row);
    }
  }

  /** Merges the two oldest buckets of a full row into one bucket of the next row. */
  private void mergeOldestTwo(int row) {
    if (row + 1 == rows) {
      addRow();
    }
    int size = 1 << row;
    int base = row * slots;
    double d = bucketTotal[base] / size - bucketTotal[base + 1] / size;
    double between = (double) size * size * d * d / (size + size);
    append(
        row + 1,
        bucketTotal[base] + bucketTotal[base + 1],
        bucketVariance[base] + bucketVariance[base + 1] + between);
    removeOldest(row, 2);
  }

  private void append(int row, double bucketTotalValue, double bucketVarianceValue) {
    int slot = row * slots + bucketsInRow[row]++;
    bucketTotal[slot] = bucketTotalValue;
    bucketVariance[slot] = bucketVarianceValue;
  }

  private void removeOldest(int row, int count) {
    int base = row * slots;
    int left = bucketsInRow[row] - count;
    System.arraycopy(bucketTotal, base + count, bucketTotal, base, left);
    System.arraycopy(bucketVariance, base + count, bucketVariance, base, left);
    bucketsInRow[row] = left;
  }

  private void addRow() {
    if (rows == bucketsInRow.length) {
      bucketTotal = Arrays.copyOf(bucketTotal, 2 * bucketTotal.length);
      bucketVariance = Arrays.copyOf(bucketVariance, 2 * bucketVariance.length);
      bucketsInRow = Arrays.copyOf(bucketsInRow, 2 * bucketsInRow.length);
    }
    rows++;
  }

  /**
   * Scans the splits of the window from the oldest bucket on and drops the oldest bucket while
   * some split's sub-window means differ by more than ε.
   *
   * @return whether the window shrank
   */
  private boolean cutWhileMeansDiffer() {
    boolean shrunk = false;
    boolean cut;
    do {
      cut = false;
      double logTerm = Math.log(2 * Math.log(width) / delta);
      double windowVariance = variance / width;
      int n0 = 0;
      int n1 = width;
      double total0 = 0;
      double total1 = total;
      scan:
      for (int row = rows - 1; row >= 0; row--) {
        int size = 1 << row;
        int base = row * slots;
        int count = bucketsInRow[row];
        for (int k = 0; k < count; k++) {
          double bucket = bucketTotal[base + k];
          n0 += size;
          n1 -= size;
          total0 += bucket;
          total1 -= bucket;
          if (row == 0 && k == count - 1) {
            break scan; // the newest bucket: no sub-window after it
          }
          if (n1 > minSubWindowLength + 1
              && n0 > minSubWindowLength + 1
              && meansDiffer(n0, n1, total0, total1, windowVariance, logTerm)) {
            dropOldestBucket();
            shrunk = true;
            cut = true;
            break scan;
          }
        }
      }
    } while (cut);
    return shrunk;
  }

  private boolean meansDiffer(
      int n0, int n1, double total0, double total1, double windowVariance, double logTerm) {
    double m = 1.0 / (n0 - minSubWindowLength + 1) + 1.0 / (n1 - minSubWindowLength + 1);
    double epsilon = Math.sqrt(2 * m * windowVariance * logTerm) + 2.0 / 3 * logTerm * m;
    return Math.abs(total0 / n0 - total1 / n1) > epsilon;
  }

  private void dropOldestBucket() {
    int row = rows - 1;
    int size = 1 << row;
    int base = row * slots;
    double dropped = bucketTotal[base];
    double droppedVariance = bucketVariance[base];
    width -= size;
    total -= dropped;
    double d = dropped / size - total / width;
    variance -= droppedVariance + (double) size * width * d * d / (size + width);
    removeOldest(row, 1);
    if (bucketsInRow[row] == 0) {
      rows--;
    }
  }
}
