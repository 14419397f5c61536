package dev.plasticity.trainer.network;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Latency probes whose clock ticks by a fixed step per reading, so measured latencies are exact. */
public final class LatencyProbes {
  private LatencyProbes() {}

  /** Every timed call measures exactly {@code perCall}; 2 warm-up and 20 timed calls. */
  public static LatencyProbe ticking(Duration perCall) {
    AtomicLong now = new AtomicLong();
    return new LatencyProbe(2, 20, () -> now.addAndGet(perCall.toNanos()));
  }

  /** 2 warm-up and 20 timed calls, each reading the time from {@code nanoTime}. */
  public static LatencyProbe reading(LongSupplier nanoTime) {
    return new LatencyProbe(2, 20, nanoTime);
  }
}
