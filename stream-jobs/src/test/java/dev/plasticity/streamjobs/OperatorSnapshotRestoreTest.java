package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * State written by the drift operator of commit 8e7897e restores into the current one, which then
 * does exactly what the old one did: the same triggers, byte for byte in their JSON form (ids,
 * windows, evidence), from the restored cooldown, pre-champion buffer, waiting events and concept
 * detector. See {@link SnapshotScenario}. Two things changed on purpose since: a trigger carries
 * {@code signal} and {@code attempt} (DRIFT and 0 for all three, the defaults a reader of the old
 * triggers sees), and the ERROR_RATE finding's statistic is the window's error rate instead of
 * its z statistic (same p-value); {@link #asTheCurrentJobWritesThem} maps the old lines so.
 */
class OperatorSnapshotRestoreTest {
  @Test
  void stateWrittenByTheJobBeforeTheReshapeRestoresAndGivesTheSameTriggers() throws Exception {
    KeyedBroadcastOperatorTestHarness<String, List<ObservedEvent>, ModelVersion, DriftTrigger> h =
        SnapshotScenario.harness(OperatorSnapshotUtil.readStateHandle(SnapshotScenario.SNAPSHOT));
    assertEquals(1, h.getBroadcastState(ChampionDriftFunction.CHAMPIONS).get("sea").getVersion(),
        "the champions come back from broadcast state");
    SnapshotScenario.after(h);
    List<String> expected = Files.readAllLines(Path.of(SnapshotScenario.TRIGGERS)).stream()
        .map(OperatorSnapshotRestoreTest::asTheCurrentJobWritesThem).toList();
    assertEquals(3, expected.size(), "early's first window, watched's ADWIN alarm, sea v2's window");
    assertEquals(expected, h.extractOutputValues().stream().map(DriftTrigger::toString).toList());
    h.close();
  }

  /** Z statistics of the old triggers' ERROR_RATE findings and the windows' error rates they came from. */
  private static final Map<String, String> ERROR_RATES = Map.of("10.410716928280412", "0.255", "8.772728671800277", "0.22");

  static String asTheCurrentJobWritesThem(String old) {
    String line = old;
    for (Map.Entry<String, String> rate : ERROR_RATES.entrySet()) {
      line = line.replace("\"test\": \"ERROR_RATE\", \"statistic\": " + rate.getKey() + ",",
          "\"test\": \"ERROR_RATE\", \"statistic\": " + rate.getValue() + ",");
    }
    return line.substring(0, line.length() - 1) + ", \"signal\": \"DRIFT\", \"attempt\": 0}";
  }
}
