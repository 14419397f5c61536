package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.PartitionRange;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.streamjobs.drift.SeaData;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** State and cooldown of the keyed broadcast function, driven through Flink's operator harness. */
class ChampionDriftFunctionTest {
  static final String MODEL = "sea";
  static final DriftSettings SETTINGS = DriftSettings.defaults().withWindowSize(200);

  KeyedBroadcastOperatorTestHarness<String, ObservedEvent, ModelVersion, DriftTrigger> harness;
  int next;

  @BeforeEach
  void openHarness() throws Exception {
    harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new ChampionDriftFunction(SETTINGS, Topics.EVENTS_LABELLED), e -> e.event().getModel(), Types.STRING,
        ChampionDriftFunction.CHAMPIONS);
    harness.setProcessingTime(42);
    next = 0;
  }

  /** Sends n events of the old (or new) concept predicted by {@code version}, alternating partitions. */
  void send(int n, double threshold, int version) throws Exception {
    List<SeaData.Point> points = SeaData.iid(1000 + next, n, threshold, 0);
    for (SeaData.Point p : points) {
      int i = next++;
      harness.processElement(new ObservedEvent(Fixtures.event(MODEL, i, p, version), i % 2, i / 2), Fixtures.T0 + i);
    }
  }

  List<DriftTrigger> triggers() {
    return harness.extractOutputValues();
  }

  @Test
  void triggersOnceForAVersionWhoseErrorRateJumps() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(200, SeaData.OLD_THRESHOLD, 1);
    assertEquals(0, triggers().size());
    send(600, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, triggers().size(), "cooldown holds back the later drifted windows");
    DriftTrigger trigger = triggers().get(0);
    assertEquals(DriftKind.CONCEPT, trigger.getKind());
    assertEquals(1, trigger.getBaseVersion());
    assertEquals(42, trigger.getDetectedAt());
    assertEquals(200, trigger.getWindow().getEventCount());
    assertEquals(List.of(new PartitionRange(0, 100L, 199L), new PartitionRange(1, 100L, 199L)), trigger.getWindow().getOffsets());
    assertEquals(Fixtures.T0 + 200 * 100L, trigger.getWindow().getStartTime());
  }

  @Test
  void aNewChampionResetsTheWindowAndTheCooldown() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(200, SeaData.NEW_THRESHOLD, 1);
    send(100, SeaData.NEW_THRESHOLD, 1); // half a window, dropped when v2 arrives
    harness.processBroadcastElement(Fixtures.champion(MODEL, 2), 0);
    send(199, SeaData.NEW_THRESHOLD, 2);
    assertEquals(1, triggers().size());
    send(1, SeaData.NEW_THRESHOLD, 2);
    assertEquals(2, triggers().size());
    assertEquals(2, triggers().get(1).getBaseVersion());
    assertEquals(300, triggers().get(1).getWindow().getOffsets().get(0).getStartOffset() * 2);
  }

  @Test
  void challengersAndOlderVersionsDoNotReplaceTheChampion() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 2), 0);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    harness.processBroadcastElement(Fixtures.version(MODEL, 3, "challenger", SeaData.oldConceptReference()), 0);
    assertEquals(2, harness.getBroadcastState(ChampionDriftFunction.CHAMPIONS).get(MODEL).getVersion());
  }

  @Test
  void eventsBeforeAnyChampionAreBufferedUpToOneWindow() throws Exception {
    send(300, SeaData.NEW_THRESHOLD, 1); // the first 100 fall out of the buffer
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    assertEquals(0, triggers().size());
    send(1, SeaData.NEW_THRESHOLD, 1);
    assertEquals(1, triggers().size());
    assertEquals(List.of(new PartitionRange(0, 50L, 149L), new PartitionRange(1, 50L, 149L)),
        triggers().get(0).getWindow().getOffsets());
  }

  @Test
  void theTriggerIdDependsOnlyOnModelVersionAndWindowStart() throws Exception {
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(200, SeaData.NEW_THRESHOLD, 1);
    String first = triggers().get(0).getTriggerId();
    openHarness();
    harness.setProcessingTime(99_999);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(200, SeaData.NEW_THRESHOLD, 1);
    assertEquals(first, triggers().get(0).getTriggerId());
    assertEquals(99_999, triggers().get(0).getDetectedAt());
  }

  @Test
  void stateAndStreamRecordsAreFlinkPojosNotKryoBlobs() {
    assertEquals(org.apache.flink.api.java.typeutils.PojoTypeInfo.class, TypeInformation.of(ObservedEvent.class).getClass());
    assertEquals(org.apache.flink.api.java.typeutils.PojoTypeInfo.class, TypeInformation.of(KafkaRecord.class).getClass());
  }

  @Test
  void aCooldownInEventsLetsTheSameVersionTriggerAgain() throws Exception {
    harness.close();
    harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new ChampionDriftFunction(SETTINGS.withCooldownEvents(400), Topics.EVENTS_LABELLED), e -> e.event().getModel(),
        Types.STRING, ChampionDriftFunction.CHAMPIONS);
    harness.processBroadcastElement(Fixtures.champion(MODEL, 1), 0);
    send(600, SeaData.NEW_THRESHOLD, 1);
    assertEquals(2, triggers().size(), "windows end at 200, 400 (cooling), 600 (400 events later)");
  }
}
