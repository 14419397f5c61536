package dev.plasticity.trainer;

import java.time.Duration;
import java.util.List;

/** The constraints tests that train state outright instead of inheriting {@link Constraint#defaults()}. */
public final class TestConstraints {
  private TestConstraints() {}

  /**
   * The default parameter and multiply-add limits, and a latency limit (50 ms median, 500 ms p99
   * per row) that a network of a few thousand parameters meets even on a busy two-core test
   * machine, where the default 5 ms / 50 ms might not be: latency is measured for real, and a test
   * about something else must not fail on it.
   */
  public static final List<Constraint> BUSY_MACHINE = List.of(new Constraint.MaxParameters(1_000_000),
      new Constraint.MaxMultiplyAdds(1_000_000), new Constraint.MaxLatency(Duration.ofMillis(50),
          Duration.ofMillis(500)));
}
