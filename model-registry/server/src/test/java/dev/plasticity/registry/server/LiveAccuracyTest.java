package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.ConsoleRecords.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.server.LiveAccuracy.Point;
import dev.plasticity.registry.server.LiveAccuracy.Series;
import dev.plasticity.schemas.LiveOutcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveAccuracyTest {
  private static final long MINUTE = 60_000;

  @Test
  void countsEachVersionsRightAnswersPerBucketOfEventTime() {
    LiveAccuracy accuracy = new LiveAccuracy(Duration.ofMinutes(1), 10, 10);
    // minute 0: v1 served 4 events, 3 right; v2 shadowed them, all right
    for (int i = 0; i < 4; i++) {
      accuracy.add(outcome("fraud", i * 1_000, new int[] {1, 2}, new boolean[] {i != 0, true}));
    }
    // minute 1: v2 served 2 events, 1 right
    accuracy.add(outcome("fraud", MINUTE + 5, 2, true));
    accuracy.add(outcome("fraud", 2 * MINUTE - 1, 2, false));

    List<Series> series = accuracy.series("fraud");
    assertThat(series).extracting(Series::version).containsExactly(1, 2);
    assertThat(series.get(0).points()).containsExactly(new Point(0, 4, 3, 4));
    assertThat(series.get(1).points()).containsExactly(new Point(0, 4, 4, 0), new Point(MINUTE, 2, 1, 2));
    assertThat(series.get(0).points().get(0).accuracy()).isEqualTo(0.75);
    assertThat(accuracy.series("churn")).isEmpty();
  }

  @Test
  void aLateLabelLandsInItsEventsBucket() {
    LiveAccuracy accuracy = new LiveAccuracy(Duration.ofMinutes(1), 10, 10);
    accuracy.add(outcome("fraud", 3 * MINUTE, 1, true));
    accuracy.add(outcome("fraud", MINUTE + 10, 1, false)); // joined later, happened earlier

    assertThat(accuracy.series("fraud").get(0).points())
        .containsExactly(new Point(MINUTE, 1, 0, 1), new Point(3 * MINUTE, 1, 1, 1));
  }

  @Test
  void keepsTheNewestBucketsAndCountsNothingOlder() {
    LiveAccuracy accuracy = new LiveAccuracy(Duration.ofMinutes(1), 2, 10);
    accuracy.add(outcome("fraud", 0, 1, true));
    accuracy.add(outcome("fraud", MINUTE, 1, true));
    accuracy.add(outcome("fraud", 2 * MINUTE, 1, true)); // minute 0 goes
    accuracy.add(outcome("fraud", 10, 1, false)); // older than every kept bucket: not counted

    assertThat(accuracy.series("fraud").get(0).points()).extracting(Point::start).containsExactly(MINUTE, 2 * MINUTE);
    assertThat(accuracy.series("fraud").get(0).points()).extracting(Point::events).containsExactly(1L, 1L);
  }

  @Test
  void forgetsTheModelWhoseOutcomesArrivedLeastRecentlyBeyondTheMaximum() {
    LiveAccuracy accuracy = new LiveAccuracy(Duration.ofMinutes(1), 2, 2);
    accuracy.add(outcome("a", 0, 1, true));
    accuracy.add(outcome("b", 0, 1, true));
    accuracy.add(outcome("a", 1, 1, true));
    accuracy.add(outcome("c", 0, 1, true));

    assertThat(accuracy.series("b")).isEmpty();
    assertThat(accuracy.series("a")).hasSize(1);
    assertThat(accuracy.series("c")).hasSize(1);
  }

  @Test
  void refusesAnOutcomeThatBreaksTheRulesAndCountsNothingOfIt() {
    LiveAccuracy accuracy = new LiveAccuracy(Duration.ofMinutes(1), 2, 2);
    LiveOutcome twice = outcome("fraud", 0, new int[] {1, 1}, new boolean[] {true, false});
    LiveOutcome none = LiveOutcome.newBuilder(outcome("fraud", 0, 1, true)).setOutcomes(List.of()).build();
    LiveOutcome versionZero = outcome("fraud", 0, 0, true);
    LiveOutcome negativeTime = outcome("fraud", -1, 1, true);
    LiveOutcome noModel = outcome("", 0, 1, true);

    assertThatThrownBy(() -> accuracy.add(twice)).hasMessageContaining("version 1 twice");
    assertThatThrownBy(() -> accuracy.add(none)).hasMessageContaining("at least one version");
    assertThatThrownBy(() -> accuracy.add(versionZero)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> accuracy.add(negativeTime)).hasMessageContaining("eventTime");
    assertThatThrownBy(() -> accuracy.add(noModel)).hasMessageContaining("names its model");
    assertThat(accuracy.series("fraud")).isEmpty();
  }

  @Test
  void refusesABucketBelowAMillisecond() {
    assertThatThrownBy(() -> new LiveAccuracy(Duration.ofNanos(10), 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucket");
  }
}
