package dev.plasticity.ops.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test-then-train accounting of a replay's live rows: each prediction is scored against the row's
 * label before the label is sent, per block of {@code blockSize} rows (in the order the rows were
 * sent), with the version that made it. A row is placed by its index among the replayed rows
 * ({@code row}, bootstrap rows first), so blocks, triggers and swaps share one axis. Thread-safe.
 */
final class ReplayLedger {
  private final int blockSize;
  private final long firstLiveRow;
  private final long[] eventTimes;
  private final long[] total;
  private final long[] correct;
  private final int[] version;
  private final TreeMap<Integer, Long> firstRowByVersion = new TreeMap<>();
  private final TreeMap<String, Long> failures = new TreeMap<>();
  private long predicted;
  private long right;
  private long failed;

  /**
   * @param firstLiveRow the row index of the first live row (the bootstrap rows come before it)
   * @param rows how many rows the replay sends in all, bootstrap included
   */
  ReplayLedger(int blockSize, long firstLiveRow, long rows) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("--block must be at least 1, was " + blockSize);
    }
    this.blockSize = blockSize;
    this.firstLiveRow = firstLiveRow;
    this.eventTimes = new long[(int) rows];
    int blocks = (int) Math.max(0, (rows - firstLiveRow + blockSize - 1) / blockSize);
    this.total = new long[blocks];
    this.correct = new long[blocks];
    this.version = new int[blocks];
  }

  synchronized void sent(long row, long eventTime) {
    eventTimes[(int) row] = eventTime;
  }

  synchronized void predicted(long row, int label, int predictedClass, int byVersion) {
    int b = block(row);
    total[b]++;
    predicted++;
    if (label == predictedClass) {
      correct[b]++;
      right++;
    }
    version[b] = Math.max(version[b], byVersion);
    firstRowByVersion.merge(byVersion, row, Math::min);
  }

  synchronized void failed(String reason) {
    failed++;
    String rule = reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason;
    failures.merge(rule, 1L, Long::sum);
  }

  private int block(long row) {
    return (int) ((row - firstLiveRow) / blockSize);
  }

  synchronized long predicted() {
    return predicted;
  }

  synchronized long failed() {
    return failed;
  }

  /** Failed predictions per dead-letter rule. */
  synchronized Map<String, Long> failures() {
    return Map.copyOf(failures);
  }

  /** Right predictions over all predictions; null before the first. */
  synchronized Double accuracy() {
    return predicted == 0 ? null : right / (double) predicted;
  }

  /** The accuracy of the newest block with predictions, for the progress line; null before any. */
  synchronized Double recentAccuracy() {
    for (int b = total.length - 1; b >= 0; b--) {
      if (total[b] > 0) {
        return correct[b] / (double) total[b];
      }
    }
    return null;
  }

  /** The first replayed row whose event time is at or after {@code time}; -1 when none is. */
  synchronized long rowAt(long time) {
    for (int r = 0; r < eventTimes.length; r++) {
      if (eventTimes[r] >= time && (r < firstLiveRow || eventTimes[r] != 0)) {
        return r;
      }
    }
    return -1;
  }

  synchronized List<ReplayReport.Block> blocks() {
    List<ReplayReport.Block> blocks = new ArrayList<>();
    long rows = eventTimes.length;
    for (int b = 0; b < total.length; b++) {
      long first = firstLiveRow + (long) b * blockSize;
      long last = Math.min(rows, first + blockSize) - 1;
      blocks.add(new ReplayReport.Block(first, last, total[b], total[b] == 0 ? null : correct[b] / (double) total[b],
          total[b] == 0 ? null : version[b]));
    }
    return blocks;
  }

  /** The versions that answered, each with the first row it answered. */
  synchronized Map<Integer, Long> firstRowByVersion() {
    return new TreeMap<>(firstRowByVersion);
  }

  int blockSize() {
    return blockSize;
  }
}
