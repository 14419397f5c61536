package dev.plasticity.inference;

/**
 * The newest labels of one model's stream, in the order they were recorded: what a version whose
 * network takes label lags reads as its extra inputs. Keeps the newest {@code capacity} labels and
 * forgets older ones.
 *
 * <p>Thread-safe: recording and reading are serialised on this object.
 */
final class LabelHistory {
  /** The most labels a history keeps by default: the most lags the registry accepts. */
  static final int DEFAULT_CAPACITY = 64;
  private static final int[] NONE = new int[0];

  private final int[] ring;
  private long recorded;

  LabelHistory() {
    this(DEFAULT_CAPACITY);
  }

  LabelHistory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a label history keeps at least 1 label, was " + capacity);
    }
    this.ring = new int[capacity];
  }

  /**
   * Records the newest label.
   *
   * @throws IllegalArgumentException when {@code label} is negative (labels are class indices)
   */
  synchronized void record(int label) {
    if (label < 0) {
      throw new IllegalArgumentException("a label is a class index, at least 0; was " + label);
    }
    ring[(int) (recorded % ring.length)] = label;
    recorded++;
  }

  /**
   * Up to {@code k} of the newest labels, newest first; fewer when fewer were recorded (or kept),
   * none for {@code k = 0}.
   *
   * @throws IllegalArgumentException when {@code k} is negative
   */
  synchronized int[] recent(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("cannot read a negative number of labels, was " + k);
    }
    int n = (int) Math.min(Math.min(k, ring.length), recorded);
    if (n == 0) {
      return NONE;
    }
    int[] out = new int[n];
    for (int j = 0; j < n; j++) {
      out[j] = ring[(int) ((recorded - 1 - j) % ring.length)];
    }
    return out;
  }

  /** Labels recorded so far, forgotten ones included. */
  synchronized long recorded() {
    return recorded;
  }
}
