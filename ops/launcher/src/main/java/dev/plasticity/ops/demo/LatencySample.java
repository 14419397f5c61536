package dev.plasticity.ops.demo;

import java.util.Arrays;

/**
 * Latencies measured during a run, and their percentiles by the nearest-rank method: the
 * {@code q}-th percentile is the smallest sample that at least {@code q}% of the samples do not
 * exceed. Keeps every sample (a demo run has at most a few hundred thousand).
 *
 * <p>Thread-safe: one thread may record while another reads.
 */
final class LatencySample {
  private long[] nanos = new long[1024];
  private int size;

  /** Adds one latency, in nanoseconds; negative values are a caller's clock error. */
  synchronized void record(long latencyNanos) {
    if (latencyNanos < 0) {
      throw new IllegalArgumentException("a latency cannot be negative, got " + latencyNanos + " ns");
    }
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = latencyNanos;
  }

  synchronized int size() {
    return size;
  }

  /**
   * The {@code percentile}-th percentile in milliseconds, or NaN without samples.
   *
   * @param percentile in (0, 100]
   */
  synchronized double percentileMillis(double percentile) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("a percentile lies in (0, 100], got " + percentile);
    }
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percentile / 100 * size);
    return sorted[Math.max(rank, 1) - 1] / 1e6;
  }
}
