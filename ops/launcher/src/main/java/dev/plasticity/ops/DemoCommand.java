package dev.plasticity.ops;

import dev.plasticity.ops.demo.Demo;
import dev.plasticity.ops.demo.DemoReport;
import dev.plasticity.trainer.RetrainingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code plasticity demo}: the whole loop on the embedded stack. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
      "Runs the whole adaptation loop on an embedded stack (Kafka broker, registry, Flink drift job,",
      "trainer, Kafka Streams scoring and label join) with a seeded SEA stream that drifts once, and",
      "reports what happened. The demo's application publishes unlabelled events, reads their",
      "predictions and publishes each label --label-delay later."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--report", paramLabel = "FILE", description = "write the JSON report here")
  Path report;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "where the broker, registry and checkpoints keep data (default: a new temporary directory)")
  Path dataDir;

  @Option(names = "--seed", defaultValue = "42", description = "seed of the stream and the training (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--bootstrap-events", defaultValue = "4000",
      description = "events the first version is trained on (default: ${DEFAULT-VALUE})")
  int bootstrapEvents;

  @Option(names = "--drift-at", defaultValue = "20000", description = "index of the first drifted event (default: ${DEFAULT-VALUE})")
  long driftAt;

  @Option(names = "--no-drift", description = "run the stream without a drift (no trigger should fire)")
  boolean noDrift;

  @Option(names = "--concepts", defaultValue = "3,4", split = ",",
      description = "SEA concept before and after the drift, 1..4 (default: ${DEFAULT-VALUE}: x1+x2<=7, then <=9.5)")
  int[] concepts;

  @Option(names = "--noise", defaultValue = "0.1", description = "share of labels flipped, a whole percentage (default: ${DEFAULT-VALUE}, as MOA)")
  double noise;

  @Option(names = "--rate", defaultValue = "2000", description = "live events per second (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--events-after-swap", defaultValue = "5000",
      description = "stop after the new version has scored this many events (default: ${DEFAULT-VALUE})")
  long eventsAfterSwap;

  @Option(names = "--max-events", defaultValue = "200000", description = "stop after this many events (default: ${DEFAULT-VALUE})")
  long maxEvents;

  @Option(names = "--label-delay", defaultValue = "PT0.2S",
      description = "how long after reading a prediction the application publishes its label, ISO-8601 (default: ${DEFAULT-VALUE})")
  Duration labelDelay;

  @Option(names = "--timeout", defaultValue = "PT6M", description = "give up after this long, ISO-8601 (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--policy", paramLabel = "RULES", converter = PolicyConverter.class,
      description = {"how the trainer answers each trigger: " + PolicyConverter.SYNTAX,
        "tried before the default rules (default: the default rules alone)"})
  RetrainingPolicy policy = RetrainingPolicy.defaults();

  @Override
  public Integer call() throws Exception {
    if (concepts.length != 2) {
      throw new IllegalArgumentException("--concepts takes two SEA concepts, e.g. 3,4");
    }
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("plasticity-demo-");
    Demo.Settings settings = new Demo.Settings("sea", seed, bootstrapEvents, driftAt, !noDrift, concepts[0],
        concepts[1], noise, rate, eventsAfterSwap, maxEvents, timeout, labelDelay);
    System.out.println("Plasticity demo: starting the embedded stack in " + dir + " ...");
    // the scoring app dead-letters every bootstrap event on purpose (no version serves yet) and the
    // demo counts its dead letters; a warning per event would bury the demo's own lines
    org.apache.logging.log4j.core.config.Configurator.setLevel("dev.plasticity.inference.scoring.ScoringTopology",
        org.apache.logging.log4j.Level.ERROR);
    DemoReport result;
    // a terminal gets a progress bar redrawn in place; a pipe or a file (CI) plain lines
    boolean live = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.defaults(dir).withJoin(Demo.JOIN)
        .withTrainer(b -> b.policy(policy)))) {
      result = new Demo(settings, stack, System.out, live).run();
    }
    if (report != null) {
      result.write(report);
      System.out.println("report written to " + report.toAbsolutePath());
    }
    return result.completed() ? 0 : 1;
  }
}
