package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.ops.replay.ExampleCsv;
import dev.plasticity.ops.replay.ReplayReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code plasticity replay} end to end on the embedded stack it starts itself: a generated CSV with
 * three named classes, a categorical feature, a dropped column, a few malformed rows and an abrupt
 * concept drift halfway, replayed with labels 50 rows after their predictions. The first 2,000 rows
 * train the first version; the drift job must raise a trigger, the trainer must register a version
 * that the scoring app swaps in, and accuracy must recover, with every valid row predicted (or
 * bootstrapped) and joined, and every bad row reported by line and column.
 */
@Timeout(300)
class ReplayCommandTest {
  private static final int ROWS = 14_000;
  private static final int DRIFT_AT = 6_000;
  private static final int BOOTSTRAP = 2_000;

  @TempDir Path dir;

  @Test
  void aDriftingCsvIsReplayedRetrainedAndRecoveredWithEveryBadRowReported() throws Exception {
    Path csv = dir.resolve("shapes.csv");
    List<String> firstAppearance = new ArrayList<>();
    List<String> badLines = new ExampleCsv(ROWS, DRIFT_AT, true, 11).write(csv, firstAppearance);
    Path report = dir.resolve("out/shapes-report.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine commandLine = Plasticity.commandLine();
    ReplayCommand replay = commandLine.getSubcommands().get("replay").getCommand();
    replay.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    replay.err = replay.out;

    int code;
    try {
      code = commandLine.execute("replay", csv.toString(), "--categorical", "region", "--drop", "note",
          "--label", "shape", "--bootstrap", Integer.toString(BOOTSTRAP), "--label-delay", "50", "--rate", "400",
          "--policy", "*=retrain", "--block", "500", "--report", report.toString(),
          "--data-dir", dir.resolve("stack").toString(), "--timeout", "4m");
    } finally {
      System.out.println(out.toString(StandardCharsets.UTF_8));
    }
    String console = out.toString(StandardCharsets.UTF_8);

    assertThat(code).as(console).isZero();
    ReplayReport r = ReplayReport.read(report);
    assertThat(r.rows()).isEqualTo(ROWS + badLines.size());
    assertThat(r.rowsSkipped()).isEqualTo(badLines.size());
    assertThat(r.badRows()).containsExactlyElementsOf(badLines);
    assertThat(console).contains("BAD ROW      " + badLines.get(0));
    // names are indexed in the order they first appear in the file, and the mapping is printed and recorded
    assertThat(List.copyOf(r.labelMapping().keySet())).isEqualTo(firstAppearance);
    assertThat(List.copyOf(r.labelMapping().values())).containsExactly(0, 1, 2);
    assertThat(console).contains("class names in the order they first appear: " + firstAppearance.get(0) + "=0");
    assertThat(r.bootstrapRows()).isEqualTo(BOOTSTRAP);
    assertThat(r.rowsPredicted()).isEqualTo(ROWS - BOOTSTRAP);
    assertThat(r.rowsJoined()).isEqualTo(ROWS);
    assertThat(r.failedPredictions()).isZero();

    ReplayReport.Timeline timeline = r.timeline();
    // the drift is answered by the first trigger after it: the drift job's alarm, or the trainer's cadence
    // update when that comes first (it runs every 1,000 events and learns the new concept all the same)
    List<String> answering = List.of("DRIFT", "CADENCE");
    assertThat(timeline.triggers()).anySatisfy(t -> {
      assertThat(t.signal()).isIn(answering);
      assertThat(t.row()).isGreaterThanOrEqualTo(DRIFT_AT);
    });
    assertThat(timeline.swaps()).isNotEmpty();
    ReplayReport.Swap swap = timeline.swaps().get(timeline.swaps().size() - 1);
    assertThat(swap.toVersion()).isGreaterThan(1);
    assertThat(swap.row()).isGreaterThan(DRIFT_AT);
    assertThat(timeline.versions()).anySatisfy(v -> assertThat(v.version()).isEqualTo(swap.toVersion()));
    assertThat(timeline.strategies()).isNotEmpty();

    // the drift's answer is the first version to serve after the first trigger that saw drifted rows; an
    // update trained before the drift may swap in before it, others after it
    ReplayReport.Trigger alarm = timeline.triggers().stream()
        .filter(t -> answering.contains(t.signal()) && t.row() >= DRIFT_AT).findFirst().orElseThrow();
    ReplayReport.Swap answer = timeline.swaps().stream().filter(s -> s.row() > alarm.row()).findFirst()
        .orElseThrow(() -> new AssertionError("no version served after the drift alarm at row " + alarm.row()));
    double before = accuracy(timeline, BOOTSTRAP, DRIFT_AT);
    double drifted = accuracy(timeline, DRIFT_AT, Math.max(answer.row(), DRIFT_AT + 500)); // one block at least
    double recovered = accuracy(timeline, answer.row() + 500, ROWS);
    assertThat(before).isGreaterThan(0.75);
    assertThat(drifted).isLessThan(before - 0.3);
    assertThat(recovered).isGreaterThan(drifted + 0.3);

    Path chart = dir.resolve("out/shapes-report.png");
    byte[] png = Files.readAllBytes(chart);
    assertThat(png).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
  }

  /** Accuracy over the blocks that lie wholly in rows {@code [from, to)}. */
  private static double accuracy(ReplayReport.Timeline timeline, long from, long to) {
    long n = 0;
    double right = 0;
    for (ReplayReport.Block b : timeline.blocks()) {
      if (b.firstRow() >= from && b.lastRow() < to && b.accuracy() != null) {
        n += b.predictions();
        right += b.accuracy() * b.predictions();
      }
    }
    assertThat(n).as("predictions in rows [%d, %d)", from, to).isPositive();
    return right / n;
  }
}
