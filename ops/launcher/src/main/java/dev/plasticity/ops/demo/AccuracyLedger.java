package dev.plasticity.ops.demo;

/**
 * Counts, per phase of the demo, how many served predictions were right. A phase is decided by
 * the demo: before the drift, after it while the old version still serves, and after the swap.
 * Thread-safe.
 */
final class AccuracyLedger {
  enum Phase { BEFORE_DRIFT, AFTER_DRIFT_BEFORE_SWAP, AFTER_SWAP }

  private final long[] total = new long[Phase.values().length];
  private final long[] correct = new long[Phase.values().length];
  private final int recentSize;
  private final boolean[] recent;
  private int recentNext;
  private int recentCount;
  private int recentCorrect;

  AccuracyLedger(int recentSize) {
    this.recentSize = recentSize;
    this.recent = new boolean[recentSize];
  }

  synchronized void record(Phase phase, boolean right) {
    total[phase.ordinal()]++;
    if (right) {
      correct[phase.ordinal()]++;
    }
    if (recentCount == recentSize) {
      recentCorrect -= recent[recentNext] ? 1 : 0;
    } else {
      recentCount++;
    }
    recent[recentNext] = right;
    recentCorrect += right ? 1 : 0;
    recentNext = (recentNext + 1) % recentSize;
  }

  /** Accuracy within a phase, or NaN when nothing was predicted in it. */
  synchronized double accuracy(Phase phase) {
    long n = total[phase.ordinal()];
    return n == 0 ? Double.NaN : correct[phase.ordinal()] / (double) n;
  }

  synchronized long count(Phase phase) {
    return total[phase.ordinal()];
  }

  /** Accuracy over the most recent predictions, whatever their phase. */
  synchronized double recentAccuracy() {
    return recentCount == 0 ? Double.NaN : recentCorrect / (double) recentCount;
  }
}
