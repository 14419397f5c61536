package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TriggerSignal;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueuedCadencesTest {

  private static DriftTrigger trigger(String id, String model, TriggerSignal signal) {
    return DriftTrigger.newBuilder().setTriggerId(id).setModel(model).setBaseVersion(1).setKind(DriftKind.CONCEPT)
        .setSignal(signal).setEvidence(List.of()).setSeverity(0).setDetectedAt(0)
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(0).setEndTime(1)
            .setEventCount(500).setOffsets(List.of()).build())
        .build();
  }

  @Test
  void aCadenceWithANewerTriggerOfItsModelBehindItIsSkippedInFavourOfTheNewest() {
    List<DriftTrigger> polled = List.of(
        trigger("c1", "sea", TriggerSignal.CADENCE),
        trigger("c2", "sea", TriggerSignal.CADENCE),
        trigger("d1", "sea", TriggerSignal.DRIFT),
        trigger("c3", "sea", TriggerSignal.CADENCE));

    assertThat(QueuedCadences.supersededBy(polled))
        .containsExactly(Optional.of("c3"), Optional.of("c3"), Optional.empty(), Optional.empty());
  }

  @Test
  void driftAndWarningTriggersOtherModelsAndUndecodableRecordsAreNeverSkippedOrCounted() {
    List<DriftTrigger> polled = Arrays.asList(
        trigger("w1", "sea", TriggerSignal.WARNING),
        trigger("c1", "sea", TriggerSignal.CADENCE),
        trigger("d1", "sea", TriggerSignal.DRIFT),
        trigger("c2", "elec", TriggerSignal.CADENCE),
        null);

    assertThat(QueuedCadences.supersededBy(polled))
        .containsExactly(Optional.empty(), Optional.of("d1"), Optional.empty(), Optional.empty(), Optional.empty());
  }
}
