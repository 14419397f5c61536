package dev.plasticity.streamjobs;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Event-time watermarks that follow each Kafka partition on its own, as Flink's per-split
 * watermarks do, after decoding (so that an event the decoder refuses, e.g. one from the far
 * future, never moves event time). Per partition this subtask reads, the highest event time seen;
 * the watermark is the lowest of those, over the partitions that had an event within {@code
 * idleness}, minus {@code bound} and 1 ms (as {@link
 * org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks}). Kafka keeps each
 * partition in the order it was written, so the bound only has to cover disorder within one
 * partition (producers writing with a little clock skew), not the distance between partitions:
 * a small bound suffices, and an event waits in the drift operator no longer than the bound plus
 * one watermark interval. A generator over all partitions at once would have to bound the
 * distance between the fastest and the slowest partition instead (the job used 5 s for that).
 *
 * <p>When every partition has been idle for {@code idleness} (or the subtask has had no event for
 * that long since it started), the output is marked idle, so it does not hold back the other
 * subtasks; the next event makes it active again. A partition idle
 * that long stops holding this subtask's watermark back until it has events again.
 *
 * <p>Idleness is measured on {@code clock} (milliseconds, Flink's input-activity clock in the
 * job) at each periodic emit: an event only marks its partition as seen, so the per-event cost is
 * an array write. Not thread-safe, as Flink calls a generator from one thread.
 */
final class PartitionWatermarks implements WatermarkGenerator<ObservedEvent> {
  private final long boundMillis;
  private final long idlenessMillis;
  private final LongSupplier clock;
  /** Per partition number: the highest event time seen, Long.MIN_VALUE for a partition never seen. */
  private long[] highest = new long[0];
  /** Per partition: whether it had events since the last periodic emit. */
  private boolean[] seen = new boolean[0];
  /** Per partition: the clock's time at the last periodic emit after which it had events. */
  private long[] lastActive = new long[0];
  private long emitted = Long.MIN_VALUE;
  private boolean idle;
  /** The clock's time at the first periodic emit: a subtask that never sees an event turns idle this long after it. */
  private long startedAt = Long.MIN_VALUE;

  /**
   * @param bound how far behind the highest event time of a partition its events may arrive
   * @param idleness a partition without events this long stops holding the watermark back
   * @param clock milliseconds of a monotonic clock
   */
  PartitionWatermarks(Duration bound, Duration idleness, LongSupplier clock) {
    if (bound == null || bound.isNegative()) {
      throw new IllegalArgumentException("bound must be >= 0, got " + bound);
    }
    if (idleness == null || idleness.isZero() || idleness.isNegative()) {
      throw new IllegalArgumentException("idleness must be a positive duration, got " + idleness);
    }
    this.boundMillis = bound.toMillis();
    this.idlenessMillis = idleness.toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void onEvent(ObservedEvent event, long eventTimestamp, WatermarkOutput output) {
    int partition = event.partition();
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
    }
    if (partition >= highest.length) {
      grow(partition + 1);
    }
    if (event.eventTime() > highest[partition]) {
      highest[partition] = event.eventTime();
    }
    seen[partition] = true;
  }

  private void grow(int size) {
    int old = highest.length;
    highest = Arrays.copyOf(highest, size);
    seen = Arrays.copyOf(seen, size);
    lastActive = Arrays.copyOf(lastActive, size);
    Arrays.fill(highest, old, size, Long.MIN_VALUE);
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = clock.getAsLong();
    if (startedAt == Long.MIN_VALUE) {
      startedAt = now;
    }
    long lowest = Long.MAX_VALUE;
    boolean active = false;
    for (int p = 0; p < highest.length; p++) {
      if (seen[p]) {
        seen[p] = false;
        lastActive[p] = now;
      } else if (highest[p] == Long.MIN_VALUE || now - lastActive[p] >= idlenessMillis) {
        continue;
      }
      active = true;
      lowest = Math.min(lowest, highest[p]);
    }
    if (!active) {
      if (!idle && (highest.length > 0 || now - startedAt >= idlenessMillis)) {
        idle = true;
        output.markIdle();
      }
      return;
    }
    if (idle) {
      idle = false;
      output.markActive();
    }
    long watermark = lowest < Long.MIN_VALUE + boundMillis + 1 ? Long.MIN_VALUE : lowest - boundMillis - 1;
    if (watermark > emitted) {
      emitted = watermark;
      output.emitWatermark(new Watermark(watermark));
    }
  }
}
