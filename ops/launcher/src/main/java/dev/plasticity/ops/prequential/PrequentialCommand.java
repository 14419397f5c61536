package dev.plasticity.ops.prequential;

import dev.plasticity.generators.PrequentialStreams;
import dev.plasticity.trainer.InputLevels;
import dev.plasticity.trainer.LabelLags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plasticity prequential}: replays a stream test-then-train through the embedded loop and reports. */
@Command(name = "prequential", mixinStandardHelpOptions = true,
    description = {
      "Replays a stream prequentially (test, then train) through the whole loop on an embedded stack: version 1 is",
      "trained on the first rows, then each row is predicted by the served version and published with its label at a",
      "fixed rate. Reports accuracy (whole stream and per block), kappa and temporal kappa of the loop and of the",
      "baselines (frozen version 1, no-change, running majority) on the same rows, and what the loop did: triggers,",
      "versions, strategies, lost gates, drift to trigger and to serving. Writes JSON, Markdown and a PNG chart.",
      "Each row's label is recorded in the loop's and the frozen version's predictors once the row is scored, so a",
      "version trained with label lags (--label-lags) reads the labels of the rows before the one it predicts."})
public final class PrequentialCommand implements Callable<Integer> {

  static final class Source {
    @Option(names = "--csv", paramLabel = "FILE",
        description = "a CSV file with a header row, rows in stream order; numeric columns become features")
    Path csv;

    @Option(names = "--stream", paramLabel = "NAME", description = "a generated stream: ${COMPLETION-CANDIDATES}",
        completionCandidates = StreamNames.class)
    String stream;
  }

  static final class StreamNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return PrequentialStreams.NAMES.iterator();
    }
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--label", paramLabel = "COLUMN", description = "the CSV's label column (default: the last column)")
  String label;

  @Option(names = "--events", defaultValue = "30000",
      description = "rows to replay, bootstrap rows included (a CSV: at most this many) (default: ${DEFAULT-VALUE})")
  int events;

  @Option(names = "--seed", defaultValue = "1", description = "seed of a generated stream (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--bootstrap-events", defaultValue = "2000",
      description = "rows version 1 is trained on (default: ${DEFAULT-VALUE})")
  int bootstrapEvents;

  @Option(names = "--rate", defaultValue = "250",
      description = "rows replayed per second; a concept must last longer than the loop takes to answer it"
          + " (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--block", defaultValue = "1000", description = "rows per accuracy block (default: ${DEFAULT-VALUE})")
  int block;

  @Option(names = "--timeout", defaultValue = "PT30M",
      description = "stop replaying after this long, ISO-8601 (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--label-lags", paramLabel = "off|auto|N", defaultValue = "off", converter = LabelLagsConverter.class,
      description = {"whether the trainer gives the stream's model its last labels as inputs: off, auto (one lag when",
          "the previous label beats the majority class by 0.05 on a run's training events), auto:K, or N lags",
          "(default: ${DEFAULT-VALUE})"})
  LabelLags labelLags;

  @Option(names = "--input-levels", paramLabel = "off|auto|SPAN", defaultValue = "off",
      converter = InputLevelsConverter.class,
      description = {"whether the trainer gives the stream's model its features relative to their recent levels:",
          "off, auto (the span a run's training events favour, if any), or a span of events",
          "(default: ${DEFAULT-VALUE})"})
  InputLevels inputLevels;

  static final class InputLevelsConverter implements picocli.CommandLine.ITypeConverter<InputLevels> {
    @Override
    public InputLevels convert(String value) {
      return InputLevels.parse(value);
    }
  }

  static final class LabelLagsConverter implements picocli.CommandLine.ITypeConverter<LabelLags> {
    @Override
    public LabelLags convert(String value) {
      return LabelLags.parse(value);
    }
  }

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "prequential-report",
      description = "where prequential.json, prequential.md and the chart go (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "where the broker, registry and checkpoints keep data (default: a new temporary directory)")
  Path dataDir;

  @Option(names = "--policy", paramLabel = "RULES",
      description = "retraining rules tried before the defaults, e.g. 'CONCEPT=fine-tune:all' (default: none)")
  String policy;

  @Option(names = "--cadence-events", paramLabel = "N",
      description = "every N events of a champion, a scheduled incremental update, gated (default: the trainer's)")
  Long cadenceEvents;

  @Option(names = "--epochs", paramLabel = "N", description = "training epochs of a run (default: the trainer's)")
  Integer epochs;

  @Option(names = "--training-events", paramLabel = "N",
      description = "events a run reads from its trigger's window on (default: the trainer's)")
  Integer trainingEvents;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Loaded loaded = load(source.csv, source.stream, label, events, seed);
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("plasticity-prequential-");
    System.out.println("Plasticity prequential: starting the embedded stack in " + dir + " ...");
    PrequentialRun run = new PrequentialRun(new PrequentialRun.Settings(bootstrapEvents, rate, block, timeout, labelLags,
        inputLevels),
        System.out);
    StreamResult result = run.runOnEmbeddedStack(loaded.rows(), loaded.source(), dir,
        new LoopTuning(policy, cadenceEvents, epochs, trainingEvents));
    List<String> args = spec.commandLine().getParseResult().originalArgs(); // the launcher's, subcommand included
    String command = "plasticity " + (args.isEmpty() || !args.get(0).equals("prequential") ? "prequential " : "")
        + String.join(" ", args);
    PrequentialReport report = new PrequentialReport("Prequential replay through the Plasticity loop", command,
        PrequentialReport.thisMachine(), Instant.now().toString(), List.of(result));
    for (Path file : report.write(out, "prequential")) {
      System.out.println("wrote " + file.toAbsolutePath());
    }
    return result.completed() ? 0 : 1;
  }

  /** The rows of a stream and a description of where they came from. */
  public record Loaded(LabelledRows rows, String source) {}

  /**
   * Reads {@code csv} (label column {@code label}, null for the last) or draws {@code events} rows of the generated
   * stream {@code stream}; exactly one of {@code csv} and {@code stream} is set. Skipped CSV rows are printed with
   * their line numbers and counted in the rows.
   */
  public static Loaded load(Path csv, String stream, String label, int events, long seed) throws java.io.IOException {
    if ((csv == null) == (stream == null)) {
      throw new IllegalArgumentException("give either a CSV file or a stream name");
    }
    if (csv != null) {
      CsvRows read = CsvRows.read(csv, label, events);
      LabelledRows rows = read.rows();
      for (LabelledRows.SkippedRow skipped : rows.skipped()) {
        System.err.println(csv + ":" + skipped.line() + ": skipped: " + skipped.reason());
      }
      String note = String.format("file %s: label column %s, classes %s, %d features%s, %d row(s) skipped",
          csv.getFileName(), label == null ? "(last)" : label, rows.classNames(), rows.featureNames().size(),
          read.leftOutColumns().isEmpty() ? "" : " (non-numeric columns left out: " + read.leftOutColumns() + ")",
          rows.skipped().size());
      return new Loaded(rows, note);
    }
    return new Loaded(LabelledRows.of(PrequentialStreams.byName(stream, events, seed), events),
        "generator " + stream + ", seed " + seed);
  }
}
