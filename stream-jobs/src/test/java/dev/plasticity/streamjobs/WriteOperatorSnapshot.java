package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the snapshot and the triggers of {@link SnapshotScenario} with the operator as it is now.
 * Run only on purpose ({@code -Dplasticity.write.snapshot=true}): the files kept in the repository
 * were written by the job at commit 8e7897e, and the restore test compares against them. Writing
 * them again with later code would turn that test into a check of the code against itself: keep
 * them, and add a new pair next to them only when a release changes the state format on purpose.
 */
@EnabledIfSystemProperty(named = "plasticity.write.snapshot", matches = "true")
class WriteOperatorSnapshot {
  @Test
  void writesTheScenariosSnapshotAndTheTriggersThatFollowIt() throws Exception {
    KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> h =
        SnapshotScenario.harness(null);
    SnapshotScenario.before(h);
    assertEquals(1, h.extractOutputValues().size(), "sea v1 triggered before the snapshot");
    OperatorSnapshotUtil.writeStateHandle(h.snapshot(1, 1), SnapshotScenario.SNAPSHOT);
    int before = h.extractOutputValues().size();
    SnapshotScenario.after(h);
    List<DriftTrigger> after = h.extractOutputValues().subList(before, h.extractOutputValues().size());
    Files.writeString(Path.of(SnapshotScenario.TRIGGERS),
        after.stream().map(DriftTrigger::toString).collect(Collectors.joining("\n", "", "\n")));
    h.close();
  }
}
