package dev.plasticity.ops.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's JSON fields, the ledger's blocks and swaps, and the chart. */
class ReplayReportTest {
  @TempDir Path dir;

  private static ReplayReport report(ReplayLedger ledger) {
    List<ReplayReport.Swap> swaps = List.of(new ReplayReport.Swap(ledger.firstRowByVersion().get(2), 1, 2));
    ReplayReport.Timeline timeline = new ReplayReport.Timeline(ledger.blockSize(), ledger.blocks(),
        List.of(new ReplayReport.Trigger("t-1", "DRIFT", "CONCEPT", 0.8, 1, 14, List.of("ERROR_RATE(_error)"))),
        List.of(new ReplayReport.Version(2, "champion", "retrain", "why", "t-1", 16L)), swaps, List.of("retrain"));
    return new ReplayReport("data.csv", "m", 22, 2, 20, 4, ledger.predicted(), 20, ledger.accuracy(),
        ledger.failed(), ledger.failures(), Map.of("0", 0, "1", 1), List.of("line 3: empty line", "line 9: x"),
        timeline, 1.5, true, "ok");
  }

  /** 4 bootstrap rows, then 16 live rows in blocks of 4: v1 right until row 12, wrong until 16, v2 right after. */
  private static ReplayLedger ledger() {
    ReplayLedger ledger = new ReplayLedger(4, 4, 20);
    for (int row = 0; row < 20; row++) {
      ledger.sent(row, 1000 + row);
    }
    for (int row = 4; row < 20; row++) {
      int version = row < 16 ? 1 : 2;
      boolean right = row < 12 || row >= 16;
      ledger.predicted(row, 1, right ? 1 : 0, version);
    }
    ledger.failed("no-version-served: nothing loaded");
    return ledger;
  }

  @Test
  void theLedgerScoresEachBlockAndFindsWhereEachVersionFirstAnswered() {
    ReplayLedger ledger = ledger();

    assertThat(ledger.blocks()).containsExactly(
        new ReplayReport.Block(4, 7, 4, 1.0, 1), new ReplayReport.Block(8, 11, 4, 1.0, 1),
        new ReplayReport.Block(12, 15, 4, 0.0, 1), new ReplayReport.Block(16, 19, 4, 1.0, 2));
    assertThat(ledger.accuracy()).isEqualTo(0.75);
    assertThat(ledger.firstRowByVersion()).containsExactly(Map.entry(1, 4L), Map.entry(2, 16L));
    assertThat(ledger.failures()).containsExactly(Map.entry("no-version-served", 1L));
    assertThat(ledger.rowAt(1014)).isEqualTo(14);
  }

  @Test
  void theReportIsWrittenWithItsTopLevelFiguresAndTimeline() throws Exception {
    Path json = dir.resolve("r/report.json");
    ReplayReport report = report(ledger());
    report.write(json);

    JsonNode node = JsonMapper.builder().build().readTree(json.toFile());
    assertThat(node.get("prequential_accuracy").asDouble()).isEqualTo(0.75);
    assertThat(node.get("failed_predictions").asLong()).isEqualTo(1);
    assertThat(node.get("rows").asLong()).isEqualTo(22);
    assertThat(node.get("rows_skipped").asLong()).isEqualTo(2);
    JsonNode timeline = node.get("timeline");
    assertThat(timeline.get("blocks")).hasSize(4);
    assertThat(timeline.get("blocks").get(2).get("accuracy").asDouble()).isZero();
    assertThat(timeline.get("triggers").get(0).get("row").asLong()).isEqualTo(14);
    assertThat(timeline.get("versions").get(0).get("strategy").asText()).isEqualTo("retrain");
    assertThat(timeline.get("swaps").get(0).get("to_version").asInt()).isEqualTo(2);
    assertThat(timeline.get("strategies").get(0).asText()).isEqualTo("retrain");
    assertThat(ReplayReport.read(json)).isEqualTo(report);
  }

  @Test
  void theChartIsAPngAndOnlyAPng() throws Exception {
    Path png = dir.resolve("chart.png");
    ReplayChart.write(report(ledger()), png);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1100);
    assertThat(image.getHeight()).isEqualTo(550);
    assertThatThrownBy(() -> ReplayChart.write(report(ledger()), dir.resolve("chart.svg")))
        .hasMessageContaining("PNG");
  }
}
