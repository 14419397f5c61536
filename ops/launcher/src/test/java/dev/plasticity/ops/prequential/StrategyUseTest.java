package dev.plasticity.ops.prequential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-strategy summary of a replay's versions in the prequential report. */
class StrategyUseTest {
  private static StreamResult.VersionFact version(int v, String strategy, Long servedFrom, Double seconds,
      Double active) {
    return new StreamResult.VersionFact(v, "champion", strategy, "DRIFT", "t" + v, 0L, 99L, null, 0, servedFrom, 0, 0,
        seconds, active);
  }

  @Test
  void countsVersionsAfterTheFirstByStrategyWithTheirMeanSecondsAndActiveParameters() {
    List<PrequentialReport.StrategyUse> uses = PrequentialReport.StrategyUse.of(List.of(
        version(1, "retrain", 2000L, 3.0, 1250.0),
        version(2, "grow-expert", 6000L, 4.0, 1400.0),
        version(3, "incremental", null, 1.0, 2500.0),
        version(4, "grow-expert", null, 6.0, 1600.0),
        version(5, "recall", 9000L, null, 1250.0)));

    assertThat(uses).containsExactly(
        new PrequentialReport.StrategyUse("grow-expert", 2, 1, 5.0, 1500.0),
        new PrequentialReport.StrategyUse("incremental", 1, 0, 1.0, 2500.0),
        new PrequentialReport.StrategyUse("recall", 1, 1, null, 1250.0));
  }
}
