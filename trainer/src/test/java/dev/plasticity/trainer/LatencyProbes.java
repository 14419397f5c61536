package dev.plasticity.trainer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Latency probes whose clock ticks by a fixed step per reading, so measured latencies are exact. */
final class LatencyProbes {
  private LatencyProbes() {}

  /** Every timed call measures exactly {@code perCall}; 2 warm-up and 20 timed calls. */
  static LatencyProbe ticking(Duration perCall) {
    AtomicLong now = new AtomicLong();
    return new LatencyProbe(2, 20, () -> now.addAndGet(perCall.toNanos()));
  }
}
