package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.PartitionRange;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import dev.plasticity.streamjobs.drift.SeaData;
import dev.plasticity.streamjobs.drift.TestResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Building a trigger from a drifted window. */
class TriggersTest {
  final Triggers triggers = new Triggers(Topics.EVENTS_LABELLED);
  final DriftAssessment verdict = new DriftAssessment(true, DriftKind.CONCEPT, List.of(new DriftAssessment.Finding(
      DriftAssessment.ERROR, new TestResult(TestResult.ERROR_RATE, 0.3, 1e-9, 1e-4, true, 0.5, 100))), 0.5, 4);

  /** Events i in [from, to) at partition i % 2, offset i / 2, time T0 + 100 i. */
  static List<ObservedEvent> events(int from, int to) {
    List<SeaData.Point> points = SeaData.iid(3, to, SeaData.OLD_THRESHOLD, 0);
    List<ObservedEvent> events = new ArrayList<>();
    for (int i = from; i < to; i++) {
      events.add(new ObservedEvent(Fixtures.event("m", i, points.get(i), 1), i % 2, i / 2));
    }
    return events;
  }

  @Test
  void aTriggerNamesTheWindowsTimeBoundsOffsetsPerPartitionAndTheEvidence() {
    DriftTrigger trigger = triggers.of("m", 3, verdict, events(10, 14), 77, null);
    assertEquals("m", trigger.getModel());
    assertEquals(3, trigger.getBaseVersion());
    assertEquals(DriftKind.CONCEPT, trigger.getKind());
    assertEquals(0.5, trigger.getSeverity());
    assertEquals(77, trigger.getDetectedAt());
    assertEquals(Topics.EVENTS_LABELLED, trigger.getWindow().getTopic());
    assertEquals(Fixtures.T0 + 1_000, trigger.getWindow().getStartTime());
    assertEquals(Fixtures.T0 + 1_300, trigger.getWindow().getEndTime());
    assertEquals(4L, trigger.getWindow().getEventCount());
    assertEquals(List.of(new PartitionRange(0, 5L, 6L), new PartitionRange(1, 5L, 6L)), trigger.getWindow().getOffsets());
    assertEquals("_error", trigger.getEvidence().get(0).getFeature());
    assertEquals(TestResult.ERROR_RATE, trigger.getEvidence().get(0).getTest());
  }

  @Test
  void theIdDependsOnlyOnModelVersionAndTheWindowsFirstOffsets() {
    List<ObservedEvent> window = events(10, 14);
    List<ObservedEvent> shuffled = new ArrayList<>(window);
    Collections.reverse(shuffled);
    String id = triggers.of("m", 3, verdict, window, 1, null).getTriggerId();
    assertEquals(id, triggers.of("m", 3, verdict, shuffled, 999, null).getTriggerId(), "replaying the window: same id");
    assertNotEquals(id, triggers.of("m", 4, verdict, window, 1, null).getTriggerId());
    assertNotEquals(id, triggers.of("n", 3, verdict, window, 1, null).getTriggerId());
    assertNotEquals(id, triggers.of("m", 3, verdict, events(12, 16), 1, null).getTriggerId());
    assertNotEquals(id, triggers.of("m", 3, verdict, window, 1, "ADWIN@1:6").getTriggerId(), "an alarm names where it fired");
  }

  @Test
  void aTriggerCarriesItsSignalAndAttemptAndACadenceHasSeverityZeroAndItsOwnId() {
    assertEquals(TriggerSignal.DRIFT, triggers.of("m", 3, verdict, events(10, 14), 1, null).getSignal());
    assertEquals(0, triggers.of("m", 3, verdict, events(10, 14), 1, null).getAttempt());
    DriftTrigger warning = triggers.of("m", 3, verdict, events(10, 14), 1, "WARNING:DDM@1:6", TriggerSignal.WARNING, 2);
    assertEquals(TriggerSignal.WARNING, warning.getSignal());
    assertEquals(2, warning.getAttempt());
    DriftTrigger cadence = triggers.cadence("m", 3, verdict.findings(), events(10, 14), 1, "CADENCE@1:6", 1);
    assertEquals(TriggerSignal.CADENCE, cadence.getSignal());
    assertEquals(DriftKind.CONCEPT, cadence.getKind());
    assertEquals(0.0, cadence.getSeverity());
    assertEquals(1, cadence.getAttempt());
    assertEquals(4L, cadence.getWindow().getEventCount());
    assertNotEquals(cadence.getTriggerId(), warning.getTriggerId());
    assertNotEquals(cadence.getTriggerId(), triggers.of("m", 3, verdict, events(10, 14), 1, null).getTriggerId());
  }
}
