package dev.plasticity.trainer.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.CandidateFigures;
import dev.plasticity.trainer.Constraint;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConstraintCheckTest {
  private static final Architecture TODAY = Architecture.newBuilder()
      .setInputFeatures(List.of("x1", "x2", "x3"))
      .setFeatureMeans(List.of(5.0, 5.0, 5.0))
      .setFeatureStds(List.of(2.9, 2.9, 2.9))
      .setHiddenUnits(List.of(32, 32))
      .setNumClasses(2)
      .build();

  @Test
  void todaysDefaultNetworkSatisfiesTheDefaultConstraints() {
    ConstraintCheck.Result result =
        new ConstraintCheck(Constraint.defaults(), LatencyProbes.ticking(Duration.of(60, ChronoUnit.MICROS))).check(TODAY);

    assertThat(result.passed()).isTrue();
    assertThat(result.figures().parameters()).isEqualTo(1250);
    assertThat(result.figures().multiplyAdds()).isEqualTo(1184);
    CandidateFigures.Latency latency = result.figures().latency().orElseThrow();
    assertThat(latency.median()).isEqualTo(Duration.of(60, ChronoUnit.MICROS));
    assertThat(latency.p99()).isEqualTo(Duration.of(60, ChronoUnit.MICROS));
    assertThat(latency.calls()).isEqualTo(20);
    assertThat(result.summary()).contains("within every constraint");
  }

  @Test
  void namesEveryCountThatIsTooHighAndDoesNotMeasureLatencyThen() {
    ConstraintCheck check = new ConstraintCheck(List.of(new Constraint.MaxParameters(1000),
        new Constraint.MaxMultiplyAdds(1000), new Constraint.MaxLatency(Duration.ofMillis(1), Duration.ofMillis(1))),
        LatencyProbes.ticking(Duration.of(10, ChronoUnit.MICROS)));

    ConstraintCheck.Result result = check.check(TODAY);

    assertThat(result.passed()).isFalse();
    assertThat(result.violations()).extracting(ConstraintCheck.Violation::constraint)
        .containsExactly(new Constraint.MaxParameters(1000), new Constraint.MaxMultiplyAdds(1000));
    assertThat(result.violations()).extracting(ConstraintCheck.Violation::reason).containsExactly(
        "1250 parameters exceed the limit of 1000", "1184 multiply-adds per row exceed the limit of 1000");
    assertThat(result.figures().latency()).isEmpty();
  }

  @Test
  void aLatencyAboveEitherLimitViolates() {
    Constraint limit = new Constraint.MaxLatency(Duration.of(100, ChronoUnit.MICROS), Duration.of(500, ChronoUnit.MICROS));

    ConstraintCheck.Result slow =
        new ConstraintCheck(List.of(limit), LatencyProbes.ticking(Duration.of(200, ChronoUnit.MICROS))).check(TODAY);
    ConstraintCheck.Result fast =
        new ConstraintCheck(List.of(limit), LatencyProbes.ticking(Duration.of(100, ChronoUnit.MICROS))).check(TODAY);

    assertThat(slow.violations()).singleElement().satisfies(v -> {
      assertThat(v.constraint()).isEqualTo(limit);
      assertThat(v.reason()).startsWith("median single-row latency 200.0 µs on ").endsWith("exceeds the limit of 100.0 µs");
    });
    assertThat(fast.passed()).isTrue();
  }

  @Test
  void latencyFiguresAreTheMedianAndNearestRankP99OfTheTimedCalls() {
    // the clock's readings make call i (1-based) take i microseconds: 1..100
    long[] readings = new long[200];
    long now = 0;
    for (int call = 1; call <= 100; call++) {
      readings[2 * (call - 1)] = now;
      now += call * 1000L;
      readings[2 * (call - 1) + 1] = now;
    }
    AtomicLong next = new AtomicLong();
    LatencyProbe probe = new LatencyProbe(5, 100, () -> readings[(int) next.getAndIncrement()]);

    CandidateFigures.Latency latency = probe.measure(TODAY);

    assertThat(latency.median()).isEqualTo(Duration.of(50, ChronoUnit.MICROS));
    assertThat(latency.p99()).isEqualTo(Duration.of(99, ChronoUnit.MICROS));
    assertThat(latency.calls()).isEqualTo(100);
    assertThat(next.get()).isEqualTo(200);
  }

  @Test
  void timesOnlyTheCallsAfterTheWarmUpAndReportsTheirMedianAndP99OnTheServingDevice() {
    // a clock read twice per timed call; the i-th timed call (of 50) takes 50 - i µs: slowest first
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    LatencyProbe probe = new LatencyProbe(10, 50, () -> {
      int read = reads.getAndIncrement();
      return read % 2 == 0 ? now.get() : now.addAndGet((50 - read / 2) * 1_000L);
    });

    CandidateFigures.Latency latency = probe.measure(TODAY);

    assertThat(reads.get()).as("clock reads: two per timed call, none in the warm-up").isEqualTo(100);
    assertThat(latency.calls()).isEqualTo(50);
    assertThat(latency.median()).isEqualTo(Duration.ofNanos(25_000)); // the 25th of 50 sorted samples
    assertThat(latency.p99()).isEqualTo(Duration.ofNanos(50_000)); // the 50th: ceil(0.99 * 50)
    assertThat(latency.device()).isEqualTo(NetworkTraining.device().toString());
  }

  @Test
  void aLatencyLimitWithoutAMeasurementIsMisuse() {
    Constraint limit = new Constraint.MaxLatency(Duration.ofMillis(1), Duration.ofMillis(2));
    assertThatThrownBy(() -> limit.violation(new CandidateFigures(1, 1, Optional.empty())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs the latency measured");
  }

  @Test
  void invalidLimitsNameTheRule() {
    assertThatThrownBy(() -> new Constraint.MaxParameters(0)).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> new Constraint.MaxLatency(Duration.ofMillis(2), Duration.ofMillis(1)))
        .hasMessageContaining("0 < median <= p99");
  }
}
