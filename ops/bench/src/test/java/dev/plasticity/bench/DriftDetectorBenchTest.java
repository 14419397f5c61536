package dev.plasticity.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.plasticity.bench.DetectorTiming.Run;
import dev.plasticity.bench.DriftDetectorBench.Score;
import dev.plasticity.bench.DriftDetectorBench.Workload;
import dev.plasticity.generators.BenchmarkStream.DriftType;
import dev.plasticity.generators.Drift;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftDetectorBenchTest {

  private static final byte[] ERRORS = new byte[100_000];

  @Test
  void firstAlarmInADriftsSpanDetectsItAndLaterOnesThereAreRepeats() {
    Workload abrupt = new Workload("abrupt", DriftType.ABRUPT, List.of(new Drift(50_000, 50)), ERRORS);
    // alarms are 0-based indices; the span holds instances 49,975 (p - w/2) to 60,024 (p + w/2 + 10,000 - 1),
    // that is indices 49,974 to 60,023
    Score score = DriftDetectorBench.score("X", "ours", abrupt, new Run("abrupt", 0, new int[] {10, 49_974, 50_100,
        60_023, 60_024}));

    assertEquals(1, score.detected());
    assertEquals(0, score.missed());
    assertEquals(0.0, score.meanDelay());
    assertEquals(2 * 1e6 / ERRORS.length, score.falseAlarmsPerMillion()); // indices 10 and 60,024
    assertEquals(5, score.alarms());
  }

  @Test
  void aDriftWithoutAlarmInItsSpanIsMissed() {
    Workload gradual = new Workload("gradual", DriftType.GRADUAL, List.of(new Drift(50_000, 50_000)), ERRORS);

    Score score = DriftDetectorBench.score("X", "ours", gradual, new Run("gradual", 0, new int[] {20_000}));

    assertEquals(0, score.detected());
    assertEquals(1, score.missed());
    assertNull(score.meanDelay());
    assertEquals(1e6 / ERRORS.length, score.falseAlarmsPerMillion());
  }

  @Test
  void everyAlarmOnAStreamWithIncrementalDriftCountsAsFalse() {
    Workload incremental = new Workload("incremental", DriftType.INCREMENTAL, List.of(), ERRORS);

    Score score = DriftDetectorBench.score("X", "ours", incremental, new Run("incremental", 0, new int[] {5, 500, 5000}));

    assertEquals(0, score.detected());
    assertEquals(0, score.missed());
    assertNull(score.meanDelay());
    assertEquals(3 * 1e6 / ERRORS.length, score.falseAlarmsPerMillion());
  }
}
