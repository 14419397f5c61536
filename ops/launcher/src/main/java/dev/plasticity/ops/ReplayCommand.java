package dev.plasticity.ops;

import dev.plasticity.ops.demo.Demo;
import dev.plasticity.ops.replay.BadRowPolicy;
import dev.plasticity.ops.replay.LabelDelay;
import dev.plasticity.ops.replay.Replay;
import dev.plasticity.ops.replay.ReplayChart;
import dev.plasticity.ops.replay.ReplayColumns;
import dev.plasticity.ops.replay.ReplayReport;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.SharedSettings;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plasticity replay FILE}: a CSV file replayed through the real path (see docs/replay.md).
 * With {@code --bootstrap-servers} and {@code --registry} (or {@code PLASTICITY_KAFKA_BOOTSTRAP}
 * and {@code PLASTICITY_REGISTRY_URL}) it talks to running services; otherwise it starts the
 * embedded stack for the run. Exit status 0 when every row was sent, answered and joined; 1
 * otherwise (a bad row with {@code --on-bad-row stop}, failed predictions, a timeout); 2 for bad flags.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = {
    "Replays a CSV file (a header row, then one event per row) through the real path: each row an",
    "unlabelled event to the scoring app, its label --label-delay after its prediction, test-then-train",
    "accuracy per block, drift triggers, new versions and swaps; bad rows are reported by line and column.",
    "Talks to running services when given their addresses, else starts the embedded stack for the run."})
final class ReplayCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "the CSV file (Parquet is not read)")
  Path file;

  @Option(names = "--model", paramLabel = "NAME", description = "the model (default: the file's name without extension)")
  String model;

  @Option(names = "--label", paramLabel = "COL", description = "the label column (default: the last column)")
  String label;

  @Option(names = "--id", paramLabel = "COL", description = "the event id column (default: numbered rows)")
  String id;

  @Option(names = "--time", paramLabel = "COL",
      description = "the event time column, ISO-8601 or epoch millis (default: row order on a synthetic clock)")
  String time;

  @Option(names = "--categorical", paramLabel = "COL", split = ",", description = "categorical columns")
  List<String> categorical = new ArrayList<>();

  @Option(names = "--drop", paramLabel = "COL", split = ",", description = "columns not to send")
  List<String> drop = new ArrayList<>();

  @Option(names = "--label-delay", paramLabel = "ROWS|DURATION", defaultValue = "200ms",
      description = "when a label follows its prediction: after N more rows (500) or a duration (200ms, 2s)"
          + " (default: ${DEFAULT-VALUE})")
  String labelDelay;

  @Option(names = "--rate", paramLabel = "ROWS/S",
      description = "rows sent per second (default: as fast as the scoring app answers, at most "
          + Replay.MAX_IN_FLIGHT + " unanswered)")
  Double rate;

  @Option(names = "--rows-per-second", paramLabel = "N", defaultValue = "1000",
      description = "the synthetic clock without --time: event time advances 1/N s per row, from now (default: ${DEFAULT-VALUE})")
  double rowsPerSecond;

  @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "0",
      description = "when the model has no version: train its first version on the first N rows (default: none)")
  int bootstrap;

  @Option(names = "--policy", paramLabel = "RULES", defaultValue = "",
      description = "retraining rules of a model the replay defines: " + PolicyConverter.SYNTAX)
  String policy;

  @Option(names = "--on-bad-row", paramLabel = "skip|stop", defaultValue = "skip",
      description = "a bad row is skipped (counted, dead-lettered) or stops the replay before anything is sent"
          + " (default: ${DEFAULT-VALUE})")
  String onBadRow;

  @Option(names = "--block", paramLabel = "ROWS", defaultValue = "500",
      description = "rows per accuracy block in the report and chart (default: ${DEFAULT-VALUE})")
  int block;

  @Option(names = "--report", paramLabel = "FILE", description = "write the run's figures here as JSON, and the chart"
      + " next to it (FILE with .png)")
  Path report;

  @Option(names = "--chart", paramLabel = "FILE.png", description = "write the chart here instead (PNG)")
  Path chart;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m",
      description = "give up sending after this long (default: ${DEFAULT-VALUE})")
  String timeout;

  @Option(names = "--registry", paramLabel = "URL",
      description = "a running registry (default: PLASTICITY_REGISTRY_URL; neither: the embedded stack)")
  URI registry;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "a running Kafka (default: PLASTICITY_KAFKA_BOOTSTRAP; neither: the embedded stack)")
  String bootstrapServers;

  @Option(names = "--registry-token-file", paramLabel = "FILE",
      description = "a file holding the running registry's bearer token (default: PLASTICITY_REGISTRY_TOKEN)")
  Path registryTokenFile;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "where the embedded stack keeps its data (default: a new temporary directory)")
  Path dataDir;

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    Replay.Settings settings;
    try {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no file " + file);
      }
      String name = model != null ? model : file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
      BadRowPolicy policyOnBad = switch (onBadRow.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "skip" -> BadRowPolicy.SKIP;
        case "stop" -> BadRowPolicy.STOP;
        default -> throw new IllegalArgumentException("--on-bad-row is skip or stop, was '" + onBadRow + "'");
      };
      if (!policy.isBlank()) {
        new PolicyConverter().convert(policy);
      }
      if (report != null && chart == null) {
        chart = report.resolveSibling(report.getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".png");
      }
      if (chart != null && !chart.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
        throw new IllegalArgumentException("--chart: the chart is a PNG (FILE.png), not " + chart
            + "; SVG is not offered");
      }
      settings = new Replay.Settings(file, name, new ReplayColumns(label, id, time, categorical, drop),
          LabelDelay.parse(labelDelay), rate, rowsPerSecond, bootstrap, policyOnBad, block, policy,
          ModelCommands.duration(timeout, "--timeout"));
    } catch (IllegalArgumentException | CommandLine.TypeConversionException e) {
      err.println("plasticity replay: " + e.getMessage());
      return 2;
    }
    String kafka = bootstrapServers != null ? bootstrapServers : System.getenv(SharedSettings.KAFKA_BOOTSTRAP.name());
    String registryUrl = registry != null ? registry.toString() : System.getenv(SharedSettings.REGISTRY_URL.name());
    boolean live = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    ReplayReport result;
    try {
      if (kafka != null || registryUrl != null) {
        if (kafka == null || registryUrl == null) {
          err.println("plasticity replay: a running stack needs both --bootstrap-servers and --registry"
              + " (or PLASTICITY_KAFKA_BOOTSTRAP and PLASTICITY_REGISTRY_URL)");
          return 2;
        }
        out.println("Plasticity replay: talking to Kafka " + kafka + " and the registry " + registryUrl);
        String token = registryTokenFile != null ? Files.readString(registryTokenFile).trim()
            : SharedSettings.REGISTRY_TOKEN.in(System.getenv()).orElse(null);
        RegistryClient client = new RegistryClient(URI.create(registryUrl), Duration.ofSeconds(30), token);
        result = new Replay(settings, new Running(kafka, client), out, live).run();
      } else {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("plasticity-replay-");
        out.println("Plasticity replay: starting the embedded stack in " + dir + " ...");
        // a row the scoring app gets before it serves the model is dead-lettered and sent again by the
        // replay, which counts what stays dead-lettered; a warning per such row would bury its lines
        org.apache.logging.log4j.core.config.Configurator.setLevel(
            "dev.plasticity.inference.scoring.ScoringTopology", org.apache.logging.log4j.Level.ERROR);
        try (EmbeddedStack stack = EmbeddedStack.start(new EmbeddedStack.Options(dir, null, settings.model(), 2,
            b -> b, b -> b, Demo.JOIN))) {
          result = new Replay(settings, new Embedded(stack), out, live).run();
        }
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("plasticity replay: " + e.getMessage());
      return 1;
    }
    if (report != null) {
      result.write(report);
      out.println("report written to " + report.toAbsolutePath());
    }
    if (chart != null) {
      ReplayChart.write(result, chart);
      out.println("chart written to " + chart.toAbsolutePath());
    }
    return result.completed() ? 0 : 1;
  }

  /** Runs {@code plasticity train NAME --last N} against the given addresses, its lines on {@code out}. */
  private static boolean train(String model, int rows, Duration wait, PrintStream out, String kafka, URI registry) {
    ModelCommands.Train train = new ModelCommands.Train();
    train.out = out;
    train.err = out;
    int code = new CommandLine(train).execute(model, "--last", Integer.toString(rows), "--timeout",
        Math.max(1, wait.toSeconds()) + "s", "--registry", registry.toString(), "--bootstrap-servers", kafka);
    return code == 0;
  }

  /** The embedded stack: the scoring app is in this JVM, so the replay knows when a version serves. */
  private record Embedded(EmbeddedStack stack) implements Replay.Target {
    @Override
    public String bootstrapServers() {
      return stack.bootstrapServers();
    }

    @Override
    public RegistryClient registry() {
      return stack.registryClient();
    }

    @Override
    public boolean train(String model, int rows, Duration timeout, PrintStream out) {
      return ReplayCommand.train(model, rows, timeout, out, stack.bootstrapServers(), stack.registryUrl());
    }

    @Override
    public void awaitServed(String model, int version, long deadlineNanos) throws InterruptedException {
      while (stack.scoring().servedVersion(model).orElse(-1) < version) {
        if (System.nanoTime() > deadlineNanos) {
          throw new IllegalStateException("v" + version + " of " + model + " was registered but the scoring app"
              + " never served it");
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * Running services: the scoring app is elsewhere, so the replay cannot see when it loads a new
   * version; rows it scores before then are dead-lettered ({@code no-version-served}) and counted.
   */
  private record Running(String kafka, RegistryClient registry) implements Replay.Target {
    @Override
    public String bootstrapServers() {
      return kafka;
    }

    @Override
    public boolean train(String model, int rows, Duration timeout, PrintStream out) {
      return ReplayCommand.train(model, rows, timeout, out, kafka, registry.baseUri());
    }

    @Override
    public void awaitServed(String model, int version, long deadlineNanos) {
      // registered as champion is all a remote replay can see
    }
  }
}
