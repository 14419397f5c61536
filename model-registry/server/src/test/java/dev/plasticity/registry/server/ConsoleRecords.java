package dev.plasticity.registry.server;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.schemas.VersionOutcome;
import java.util.ArrayList;
import java.util.List;

/** Triggers and live outcomes for the console's tests. */
final class ConsoleRecords {
  private ConsoleRecords() {}

  /** A drift trigger of {@code model} whose window ends at {@code windowEnd}, with one drifted and one quiet test. */
  static DriftTrigger trigger(String model, String triggerId, int baseVersion, long windowEnd) {
    return DriftTrigger.newBuilder()
        .setTriggerId(triggerId).setModel(model).setBaseVersion(baseVersion).setKind(DriftKind.CONCEPT)
        .setEvidence(List.of(
            Evidence.newBuilder().setFeature("_error").setTest("ERROR_RATE").setStatistic(0.31).setPValue(0.0004)
                .setThreshold(0.01).setDrifted(true).build(),
            Evidence.newBuilder().setFeature("x1").setTest("PSI").setStatistic(0.04).setPValue(null)
                .setThreshold(0.2).setDrifted(false).build()))
        .setWindow(window(windowEnd - 60_000, windowEnd, 500))
        .setSeverity(0.8).setDetectedAt(windowEnd + 1_000).setSignal(TriggerSignal.DRIFT)
        .build();
  }

  static DataWindow window(long start, long end, long events) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start).setEndTime(end)
        .setEventCount(events).setOffsets(List.of()).build();
  }

  /**
   * One joined event of {@code model} at {@code eventTime} with its label 1, scored by each of
   * {@code versions}; the first served it; {@code correct[i]} says whether {@code versions[i]} was right.
   */
  static LiveOutcome outcome(String model, long eventTime, int[] versions, boolean[] correct) {
    List<VersionOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < versions.length; i++) {
      outcomes.add(VersionOutcome.newBuilder().setVersion(versions[i]).setAlias(i == 0 ? "champion" : "shadow")
          .setServed(i == 0).setPredictedClass(correct[i] ? 1 : 0).setCorrect(correct[i]).build());
    }
    return LiveOutcome.newBuilder().setEventId(model + "-" + eventTime + "-" + versions[0]).setModel(model)
        .setEventTime(eventTime).setJoinedAt(eventTime + 100).setLabel(1).setOutcomes(outcomes).build();
  }

  /** One event of {@code model} scored by {@code version} alone, which served it. */
  static LiveOutcome outcome(String model, long eventTime, int version, boolean correct) {
    return outcome(model, eventTime, new int[] {version}, new boolean[] {correct});
  }
}
