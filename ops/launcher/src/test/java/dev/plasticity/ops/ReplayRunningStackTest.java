package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.ops.replay.ExampleCsv;
import dev.plasticity.ops.replay.ReplayReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code plasticity replay} against services that are already running (an embedded stack started
 * here, reached only through its addresses and token file, with the label join's default prediction
 * wait): the replay defines the model, trains its first version from the first rows, and every
 * other row is predicted and joined, although the replay cannot see when the scoring app loads the
 * version (rows it dead-letters as {@code no-version-served} before then are sent again).
 */
@Timeout(300)
class ReplayRunningStackTest {
  private static final int ROWS = 3_000;
  private static final int BOOTSTRAP = 1_000;

  @TempDir Path dir;

  @Test
  void trainsTheFirstVersionOnRunningServicesAndPredictsAndJoinsEveryOtherRow() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(
        new EmbeddedStack.Options(dir.resolve("stack"), null, "shapes", 2, b -> b, b -> b))) {
      Path csv = dir.resolve("shapes.csv");
      new ExampleCsv(ROWS, Integer.MAX_VALUE, false, 5).write(csv, new ArrayList<>());
      Path report = dir.resolve("out/shapes.json");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CommandLine commandLine = Plasticity.commandLine();
      ReplayCommand replay = commandLine.getSubcommands().get("replay").getCommand();
      replay.out = new PrintStream(out, true, StandardCharsets.UTF_8);
      replay.err = replay.out;

      int code;
      try {
        code = commandLine.execute("replay", csv.toString(), "--label", ExampleCsv.LABEL, "--categorical",
            ExampleCsv.CATEGORICAL, "--drop", ExampleCsv.NOTE, "--bootstrap", Integer.toString(BOOTSTRAP),
            "--label-delay", "20", "--rate", "500", "--report", report.toString(), "--timeout", "3m",
            "--bootstrap-servers", stack.bootstrapServers(), "--registry", stack.registryUrl().toString(),
            "--registry-token-file", stack.registryTokenFile().toString());
      } finally {
        System.out.println(out.toString(StandardCharsets.UTF_8));
      }

      assertThat(code).as("exit status").isZero();
      ReplayReport r = ReplayReport.read(report);
      assertThat(r.bootstrapRows()).isEqualTo(BOOTSTRAP);
      assertThat(r.rowsPredicted()).isEqualTo(ROWS - BOOTSTRAP);
      assertThat(r.failedPredictions()).isZero();
      assertThat(r.rowsJoined()).isEqualTo(ROWS);
      assertThat(r.prequentialAccuracy()).isGreaterThan(0.8);
    }
  }
}
