package dev.plasticity.streamjobs;

import dev.plasticity.schemas.DriftConfig;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.streamjobs.drift.SeaData;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * The drift operator's state in a scenario that fills every kind of state it keeps, cut in two: what
 * happens {@link #before} a snapshot and what happens {@link #after} it. The snapshot of the job as
 * it was at commit 8e7897e, and the triggers that job gave after it, are kept under {@code
 * src/test/resources/checkpoints/} ({@link WriteOperatorSnapshot} wrote them), so a test can restore
 * that state into the current operator and compare.
 *
 * <p>Before the snapshot: model {@code sea} (champion v1) triggered and is cooling down, with part
 * of a window kept and 30 events waiting for the watermark (buckets, index and timer); model {@code
 * early} has 120 events buffered with no champion yet; model {@code watched} has a concept detector
 * (ADWIN) fed 300 errors of the old concept. After it: sea's waiting events and 400 more drifted
 * ones (cooldown: no trigger), early's champion and 80 events (a window with the buffered 120),
 * watched's drift (ADWIN), and sea's champion v2 with one drifted window.
 */
final class SnapshotScenario {
  static final DriftSettings SETTINGS = DriftSettings.defaults().withWindowSize(200);
  static final String SNAPSHOT = "src/test/resources/checkpoints/champion-drift-8e7897e.snapshot";
  static final String TRIGGERS = "src/test/resources/checkpoints/champion-drift-8e7897e.triggers.txt";

  private SnapshotScenario() {}

  /** A harness around a new operator, restored from {@code state} when it is not null, and opened. */
  static KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> harness(
      OperatorSubtaskState state) throws Exception {
    KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> harness =
        new KeyedBroadcastOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(
            new ChampionDriftFunction(SETTINGS, Topics.EVENTS_LABELLED, 0), List.of(ChampionDriftFunction.CHAMPIONS)),
            batch -> batch.get(0).model(), Types.STRING, 1, 1, 0);
    harness.setup();
    if (state != null) {
      harness.initializeState(state);
    }
    harness.open();
    harness.setProcessingTime(42);
    return harness;
  }

  static ModelVersion watchedChampion() {
    ModelVersion champion = Fixtures.champion("watched", 1);
    champion.setDriftConfig(DriftConfig.newBuilder().setWindowSize(2000).setConceptDetector("ADWIN").build());
    return champion;
  }

  static void before(KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> h)
      throws Exception {
    h.processBroadcastElement(Fixtures.champion("sea", 1), 0);
    h.processBroadcastElement(watchedChampion(), 0);
    send(h, "sea", 0, SeaData.iid(1, 200, SeaData.OLD_THRESHOLD, 0), 1, true);
    send(h, "sea", 200, SeaData.iid(2, 250, SeaData.NEW_THRESHOLD, 0), 1, true);
    send(h, "early", 450, SeaData.iid(3, 120, SeaData.NEW_THRESHOLD, 0), 1, true);
    send(h, "watched", 570, SeaData.iid(4, 300, SeaData.OLD_THRESHOLD, 0), 1, true);
    send(h, "sea", 870, SeaData.iid(5, 30, SeaData.NEW_THRESHOLD, 0), 1, false);
  }

  static void after(KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> h)
      throws Exception {
    send(h, "sea", 900, SeaData.iid(6, 400, SeaData.NEW_THRESHOLD, 0), 1, true);
    h.processBroadcastElement(Fixtures.champion("early", 1), 0);
    send(h, "early", 1300, SeaData.iid(7, 80, SeaData.NEW_THRESHOLD, 0), 1, true);
    send(h, "watched", 1380, SeaData.iid(8, 700, SeaData.NEW_THRESHOLD, 0), 1, true);
    h.processBroadcastElement(Fixtures.champion("sea", 2), 0);
    send(h, "sea", 2080, SeaData.iid(9, 200, SeaData.NEW_THRESHOLD, 0), 2, true);
  }

  /** Event i = from + k of {@code model} at time T0 + 100 i, partition i % 2, offset i; then the watermark to the last, if asked. */
  static void send(KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> h,
      String model, int from, List<SeaData.Point> points, int version, boolean passWatermark) throws Exception {
    long last = Long.MIN_VALUE;
    for (int k = 0; k < points.size(); k++) {
      int i = from + k;
      LabelledEvent event = Fixtures.event(model, i, points.get(k), version);
      h.processElement(List.of(new ObservedEvent(event, i % 2, i)), event.getEventTime());
      last = event.getEventTime();
    }
    if (passWatermark) {
      h.processWatermark(new Watermark(last));
      h.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
    }
  }
}
