package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * State written by the drift operator of commit 8e7897e restores into the current one, which then
 * does exactly what the old one did: the same triggers, byte for byte in their JSON form (ids,
 * windows, evidence), from the restored cooldown, pre-champion buffer, waiting events and concept
 * detector. See {@link SnapshotScenario}.
 */
class OperatorSnapshotRestoreTest {
  @Test
  void stateWrittenByTheJobBeforeTheReshapeRestoresAndGivesTheSameTriggers() throws Exception {
    KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> h =
        SnapshotScenario.harness(OperatorSnapshotUtil.readStateHandle(SnapshotScenario.SNAPSHOT));
    assertEquals(1, h.getBroadcastState(ChampionDriftFunction.CHAMPIONS).get("sea").getVersion(),
        "the champions come back from broadcast state");
    SnapshotScenario.after(h);
    List<String> expected = Files.readAllLines(Path.of(SnapshotScenario.TRIGGERS));
    assertEquals(3, expected.size(), "early's first window, watched's ADWIN alarm, sea v2's window");
    assertEquals(expected, h.extractOutputValues().stream().map(DriftTrigger::toString).toList());
    h.close();
  }
}
