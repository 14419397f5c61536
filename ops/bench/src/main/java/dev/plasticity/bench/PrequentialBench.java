package dev.plasticity.bench;

import dev.plasticity.generators.PrequentialStreams;
import dev.plasticity.ops.prequential.LabelledRows;
import dev.plasticity.ops.prequential.LoopTuning;
import dev.plasticity.ops.prequential.PrequentialCommand;
import dev.plasticity.ops.prequential.PrequentialEvaluation;
import dev.plasticity.ops.prequential.PrequentialReport;
import dev.plasticity.ops.prequential.PrequentialRun;
import dev.plasticity.ops.prequential.PrequentialScore;
import dev.plasticity.ops.prequential.StreamResult;
import dev.plasticity.trainer.InputLevels;
import dev.plasticity.trainer.LabelLags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The prequential benchmark: each stream is replayed test-then-train through the real loop on an embedded stack
 * ({@link PrequentialRun}, with its baselines: frozen version 1, no-change, running majority), then MOA's Adaptive
 * Random Forest and Hoeffding Adaptive Tree learn the same bootstrap rows and are scored test-then-train on the same
 * scored rows, in the same order. Writes {@code prequential.json}, {@code prequential.md} and
 * {@code prequential-<stream>.png} into {@code --out}.
 *
 * <pre>
 * --streams a,b     generated streams (default: all of {@link PrequentialStreams#NAMES})
 * --csv FILE        a user's CSV file instead (--label COLUMN, default the last column)
 * --events N        rows per stream, bootstrap included (default 20000)
 * --rate N         rows replayed per second (default 250)
 * --label-lags L    the streams' models opt in to label lags: off, auto (default: taken where labels persist), N
 * --input-levels L  the streams' models opt in to input levels: off, auto (default: taken where a linear model of
 *                   the features relative to their levels wins), SPAN
 * --policy RULES    retraining rules tried before the defaults (RetrainingPolicy's text form), e.g.
 *                   CONCEPT=grow-expert to see one strategy answer every concept drift
 * --report NAME     base name of the files written (default prequential)
 * --max-multiply-adds N  a limit on the multiply-adds per row of the streams' networks (default: the trainer's)
 * --bootstrap-events N, --block N, --seed N, --timeout ISO-8601 (per stream), --out DIR
 * </pre>
 */
public final class PrequentialBench {

  /** The Maven command that runs this benchmark alone with its defaults, from the repository root. */
  static final String MAVEN_COMMAND = BenchCommand.only("prequential");

  private PrequentialBench() {}

  public static void main(String[] args) throws Exception {
    List<String> streams = PrequentialStreams.NAMES;
    Path csv = null;
    String label = null;
    int events = 20_000;
    int bootstrap = 2_000;
    int rate = 250;
    int block = 1_000;
    int seed = 1;
    Duration timeout = Duration.ofMinutes(10);
    Path out = Path.of("docs/reports");
    // the streams' models opt in, and the policy takes lags only where the window shows persistent labels
    LabelLags labelLags = LabelLags.AUTO;
    InputLevels inputLevels = InputLevels.AUTO;
    String policy = null;
    String reportName = "prequential";
    Long maxMultiplyAdds = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--streams" -> streams = Arrays.asList(args[++i].split(","));
        case "--csv" -> csv = Path.of(args[++i]);
        case "--label" -> label = args[++i];
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--bootstrap-events" -> bootstrap = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--block" -> block = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Integer.parseInt(args[++i]);
        case "--timeout" -> timeout = Duration.parse(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--label-lags" -> labelLags = LabelLags.parse(args[++i]);
        case "--input-levels" -> inputLevels = InputLevels.parse(args[++i]);
        case "--policy" -> policy = args[++i];
        case "--report" -> reportName = args[++i];
        case "--max-multiply-adds" -> maxMultiplyAdds = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --streams a,b --csv FILE"
            + " --label COLUMN --events N --bootstrap-events N --rate N --block N --seed N --timeout PT10M --label-lags off|auto|N --input-levels off|auto|SPAN --policy RULES --report NAME --max-multiply-adds N --out DIR)");
      }
    }
    PrequentialRun run = new PrequentialRun(new PrequentialRun.Settings(bootstrap, rate, block, timeout, labelLags,
        inputLevels), System.out);
    LoopTuning tuning = new LoopTuning(policy, null, null, null, maxMultiplyAdds);
    List<StreamResult> results = new ArrayList<>();
    List<PrequentialCommand.Loaded> sources = new ArrayList<>();
    if (csv != null) {
      sources.add(PrequentialCommand.load(csv, null, label, events, seed));
    } else {
      for (String stream : streams) {
        sources.add(PrequentialCommand.load(null, stream, null, events, seed));
      }
    }
    for (PrequentialCommand.Loaded source : sources) {
      long started = System.nanoTime();
      Path dataDir = Files.createTempDirectory("plasticity-prequential-bench-");
      StreamResult result = run.runOnEmbeddedStack(source.rows(), source.source(), dataDir, tuning);
      LabelledRows scored = source.rows().head((int) (result.bootstrapRows() + result.scoredRows()));
      for (MoaClassifier.Kind kind : MoaClassifier.Kind.values()) {
        long moaStarted = System.nanoTime();
        result = result.withLearner(reference(kind, scored, bootstrap, block, seed));
        System.out.printf(Locale.ROOT, "%s: %s scored in %.1f s%n", source.rows().name(), kind.label,
            (System.nanoTime() - moaStarted) / 1e9);
      }
      results.add(result);
      System.out.printf(Locale.ROOT, "%s: done in %.1f s%n", source.rows().name(), (System.nanoTime() - started) / 1e9);
    }
    List<String> chosen = new ArrayList<>(); // the arguments besides --out, which the Maven command sets
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out")) {
        i++;
      } else {
        chosen.add(args[i]);
      }
    }
    String command = MAVEN_COMMAND + (chosen.isEmpty() ? ""
        : "\n# with these arguments: java -cp <ops/bench classpath> " + PrequentialBench.class.getName() + " "
            + String.join(" ", chosen));
    PrequentialReport report = new PrequentialReport(
        "Prequential benchmark: the Plasticity loop against its baselines and MOA"
            + (policy == null ? "" : ", rules " + policy + " before the defaults")
            + (maxMultiplyAdds == null ? "" : ", at most " + maxMultiplyAdds + " multiply-adds per row"), command,
        PrequentialReport.thisMachine(), Instant.now().toString(), results);
    for (Path file : report.write(out, reportName)) {
      System.out.println("wrote " + file.toAbsolutePath());
    }
    System.exit(0); // the stacks' non-daemon threads are stopped; nothing else should hold the JVM
  }

  /** {@code kind} trained on the bootstrap rows, then scored test-then-train on the rest of {@code rows}. */
  static StreamResult.LearnerResult reference(MoaClassifier.Kind kind, LabelledRows rows, int bootstrap, int block,
      int seed) {
    PrequentialScore.Score score = PrequentialEvaluation.evaluate(rows, bootstrap, block,
        MoaClassifier.of(kind, rows, seed));
    return new StreamResult.LearnerResult(kind.label, StreamResult.Role.REFERENCE, score);
  }
}
