package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plasticity prequential} end to end on the embedded stack: a short SEA stream with drifts, replayed through
 * the real loop, reported as JSON, Markdown and a chart.
 */
class PrequentialCommandTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void replaysAStreamThroughTheLoopAndScoresItWithItsBaselinesOnTheSameRows() throws Exception {
    Path out = dir.resolve("report");
    int code = Plasticity.commandLine().execute("prequential", "--stream", "sea-abrupt", "--events", "4000",
        "--bootstrap-events", "1500", "--rate", "2000", "--block", "500", "--seed", "3", "--out", out.toString(),
        "--data-dir", dir.resolve("data").toString());

    assertThat(code).isZero();
    JsonNode stream = new ObjectMapper().readTree(out.resolve("prequential.json").toFile()).get("streams").get(0);
    assertThat(stream.get("stream").asText()).isEqualTo("sea-abrupt");
    assertThat(stream.get("scoredRows").asLong()).isEqualTo(2500);
    assertThat(stream.get("driftRows")).extracting(JsonNode::asLong).containsExactly(999L, 1999L, 2999L);
    List<String> learners = new ArrayList<>();
    stream.get("learners").forEach(l -> learners.add(l.get("name").asText()));
    assertThat(learners).containsExactly("loop", "frozen v1", "no-change", "majority");
    for (JsonNode learner : stream.get("learners")) {
      assertThat(learner.get("score").get("rows").asLong()).isEqualTo(2500);
      assertThat(learner.get("score").get("blockAccuracy")).hasSize(5);
    }

    // until a new version serves, the loop's predictions are version 1's, the frozen baseline's: equal blocks
    JsonNode loop = stream.get("loop");
    assertThat(loop.get("versionsRegistered").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(loop.get("failedPredictions").asLong()).isZero();
    long firstSwapRow = 4000;
    for (JsonNode version : loop.get("versions")) {
      if (version.get("version").asInt() > 1 && !version.get("servedFromRow").isNull()) {
        firstSwapRow = Math.min(firstSwapRow, version.get("servedFromRow").asLong());
      }
    }
    JsonNode loopBlocks = stream.get("learners").get(0).get("score").get("blockAccuracy");
    JsonNode frozenBlocks = stream.get("learners").get(1).get("score").get("blockAccuracy");
    for (int b = 0; 1500 + (b + 1) * 500L <= firstSwapRow && b < 5; b++) {
      assertThat(loopBlocks.get(b).asDouble()).as("block %d", b).isEqualTo(frozenBlocks.get(b).asDouble());
    }
    assertThat(loop.get("versionsServed").asInt()).isEqualTo(1 + (int) java.util.stream.StreamSupport
        .stream(loop.get("versions").spliterator(), false)
        .filter(v -> v.get("version").asInt() > 1 && !v.get("servedFromRow").isNull()).count());

    String markdown = Files.readString(out.resolve("prequential.md"));
    assertThat(markdown).contains("plasticity prequential --stream sea-abrupt --events 4000")
        .contains("| loop | loop |").contains("| frozen v1 | baseline |").contains("prequential-sea-abrupt.png");
    assertThat(Files.size(out.resolve("prequential-sea-abrupt.png"))).isGreaterThan(1000);
  }
}
