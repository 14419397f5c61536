package dev.plasticity.ops.replay;

import dev.plasticity.ops.demo.Console;
import dev.plasticity.ops.demo.TrainingProgressDisplay;
import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.TrainingProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Replays a CSV file through the real path: rows as unlabelled events to the scoring app, their
 * labels after the {@link LabelDelay}, their predictions scored test-then-train, bad rows reported
 * by line and column and skipped (dead-lettered) or stopping the run. When the model has no version
 * and {@code bootstrap} is set, the first rows train its first version: they go straight to the
 * labelled events topic with their labels (there is nothing to score them with), and once they can
 * be read back there the replay asks for a version trained on them and waits until it serves. The file is read three times (labels, a check, the replay), never held
 * in memory. Not thread-safe: one run per instance.
 */
public final class Replay {
  /**
   * What to replay and how.
   *
   * @param rate rows per second, or null to send as fast as the scoring app answers
   * @param rowsPerSecond the synthetic clock's rate without a time column (1000: one millisecond per row)
   * @param bootstrap rows that train the first version when the model has none (0: none)
   * @param policy the retraining rules of a model the replay defines, or blank for the trainer's
   */
  public record Settings(Path file, String model, ReplayColumns columns, LabelDelay labelDelay, Double rate,
      double rowsPerSecond, int bootstrap, BadRowPolicy onBadRow, int blockSize, String policy, Duration timeout) {
    public Settings {
      if (rate != null && !(rate > 0)) {
        throw new IllegalArgumentException("--rate must be positive, was " + rate);
      }
      if (bootstrap < 0) {
        throw new IllegalArgumentException("--bootstrap must be 0 or more, was " + bootstrap);
      }
    }
  }

  /** The stack a replay talks to: the embedded one, or running services. */
  public interface Target {
    String bootstrapServers();

    RegistryClient registry();

    /**
     * Asks the trainer for a version trained on the model's newest {@code rows} labelled events,
     * following its progress on {@code out}; true when one was registered as champion.
     */
    boolean train(String model, int rows, Duration timeout, PrintStream out);

    /** Waits until the scoring app serves {@code version} of {@code model}, where the target can tell. */
    void awaitServed(String model, int version, long deadlineNanos) throws InterruptedException;
  }

  /** Live rows sent and not answered, at most: "as fast as the loop takes" without a rate. */
  public static final int MAX_IN_FLIGHT = 2_000;
  private static final Duration DRAIN = Duration.ofSeconds(60);

  private final Settings settings;
  private final Target target;
  private final Console console;
  private final List<DriftTrigger> triggers = new CopyOnWriteArrayList<>();
  private final List<ModelVersion> versions = new CopyOnWriteArrayList<>();
  private final List<String> badRows = new ArrayList<>();
  private volatile boolean showProgress = true;

  public Replay(Settings settings, Target target, PrintStream out, boolean live) {
    this.settings = settings;
    this.target = target;
    this.console = new Console(out, live, System::nanoTime);
  }

  public ReplayReport run() throws IOException, InterruptedException {
    String model = settings.model();
    Path file = settings.file();
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    ReplayColumns.Layout layout = ReplaySource.layout(file, settings.columns());
    String idPrefix = model + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    long start = System.currentTimeMillis();
    List<String> labelTexts = ReplaySource.labels(file,
        new RowParser(layout, null, idPrefix, start, settings.rowsPerSecond()));
    RegistryClient registry = target.registry();
    Optional<ModelDefinition> definition = optional(() -> registry.definition(model));
    Optional<ModelVersion> champion = optional(() -> registry.champion(model));
    LabelMapping labels = LabelMapping.of(labelTexts, definition.map(ModelDefinition::classes).orElse(null));
    console.say("%s: numeric %s; categorical %s; label %s: %s", file.getFileName(),
        String.join(", ", layout.numericNames()), layout.categoricalNames().isEmpty() ? "none"
            : String.join(", ", layout.categoricalNames()), layout.labelName(), labels.describe());
    RowParser parser = new RowParser(layout, labels, idPrefix, start, settings.rowsPerSecond());

    // check the whole file first: counts for the progress bar, and nothing sent when told to stop on a bad row
    long rows = 0;
    long valid = 0;
    ReplayRow.Bad firstBad = null;
    try (ReplaySource source = ReplaySource.open(file, parser)) {
      while (source.hasNext()) {
        ReplayRow row = source.next();
        rows++;
        if (row instanceof ReplayRow.Bad bad) {
          firstBad = firstBad == null ? bad : firstBad;
        } else {
          valid++;
        }
      }
    }
    Map<String, Integer> mapping = labels.asMap();
    if (firstBad != null && settings.onBadRow() == BadRowPolicy.STOP) {
      console.say("BAD ROW      %s", firstBad.message());
      return finish(rows, rows - valid, 0, 0, 0, mapping, List.of(firstBad.message()), null, false,
          "stopped at a bad row (--on-bad-row stop); nothing was sent: " + firstBad.message());
    }
    int bootstrap = 0;
    if (champion.isEmpty()) {
      if (settings.bootstrap() == 0) {
        return finish(rows, rows - valid, 0, 0, 0, mapping, List.of(), null, false, "model '" + model
            + "' has no version to score with: give --bootstrap N to train its first version on the first N rows"
            + " (or train one with plasticity train)");
      }
      if (settings.bootstrap() >= valid) {
        return finish(rows, rows - valid, 0, 0, 0, mapping, List.of(), null, false, "--bootstrap "
            + settings.bootstrap() + " leaves no row to replay: the file has " + valid + " valid rows");
      }
      bootstrap = settings.bootstrap();
      if (definition.isEmpty()) {
        define(registry, layout, labels);
      }
    } else if (settings.bootstrap() > 0) {
      console.say("%s v%d serves already; --bootstrap %d is not needed and is ignored", model,
          champion.get().getVersion(), settings.bootstrap());
    }

    ReplayLedger ledger = new ReplayLedger(settings.blockSize(), bootstrap, valid);
    TrainingProgressDisplay progress = new TrainingProgressDisplay(console);
    ReplayTraffic.Listener listener = new ReplayTraffic.Listener() {
      @Override
      public void predicted(long seq, ReplayRow.Event event, Prediction prediction) {
        ledger.predicted(seq, event.label(), prediction.getPredictedClass(), prediction.getVersion());
      }

      @Override
      public void failed(long seq, ReplayRow.Event event, String reason) {
        ledger.failed(reason);
        console.say("NO ANSWER    line %d (%s): dead-lettered by the scoring app: %s", event.line(), event.eventId(),
            reason);
      }

      @Override
      public void trigger(DriftTrigger trigger) {
        triggers.add(trigger);
        switch (trigger.getSignal()) {
          case DRIFT -> console.say("DRIFT ALARM  %s drift on %s v%d (severity %.2f)", trigger.getKind(), model,
              trigger.getBaseVersion(), trigger.getSeverity());
          case WARNING -> console.say("WARNING      %s v%d: the error detector is in its warning zone", model,
              trigger.getBaseVersion());
          case CADENCE, MANUAL -> { }
        }
      }

      @Override
      public void version(ModelVersion version) {
        if (!dev.plasticity.schemas.Aliases.CHAMPION.equals(version.getAlias())) {
          return; // the versions topic also carries other aliases (a challenger that lost its gate, a shadow)
        }
        versions.add(version);
        console.say("VERSION      %s v%d is the champion (%s)", model, version.getVersion(),
            version.getLineage().getStrategy());
      }

      @Override
      public void progress(TrainingProgress p) {
        if (showProgress) {
          progress.show(p);
        }
      }
    };

    int firstVersion;
    long failedUnanswered;
    long joined;
    long predicted;
    boolean answeredAll;
    try (ReplayTraffic traffic = new ReplayTraffic(target.bootstrapServers(), model, "csv:" + file.getFileName(),
        settings.labelDelay(), listener)) {
      long seq = 0;
      long sentLive = 0;
      long liveStarted = 0;
      long lastShown = 0;
      firstVersion = champion.map(ModelVersion::getVersion).orElse(-1);
      try (ReplaySource source = ReplaySource.open(file, parser)) {
        while (source.hasNext()) {
          ReplayRow row = source.next();
          if (row instanceof ReplayRow.Bad bad) {
            badRows.add(bad.message());
            traffic.deadLetter(bad);
            console.say("BAD ROW      %s (skipped, dead-lettered)", bad.message());
          } else if (seq < bootstrap) {
            ReplayRow.Event event = (ReplayRow.Event) row;
            ledger.sent(seq, event.eventTime());
            traffic.sendUnscored(event);
            seq++;
            if (seq == bootstrap) {
              firstVersion = trainFirstVersion(traffic, bootstrap, deadline);
              liveStarted = System.nanoTime();
            }
          } else {
            ReplayRow.Event event = (ReplayRow.Event) row;
            if (liveStarted == 0) {
              liveStarted = System.nanoTime();
            }
            while (traffic.unanswered() >= MAX_IN_FLIGHT && System.nanoTime() < deadline) {
              Thread.sleep(5);
            }
            ledger.sent(seq, event.eventTime());
            traffic.sendLive(seq, event);
            seq++;
            sentLive++;
            pace(liveStarted, sentLive);
          }
          if (System.nanoTime() - lastShown > 500_000_000L) {
            lastShown = System.nanoTime();
            showProgress(seq, valid, badRows.size(), ledger, traffic);
          }
          if (System.nanoTime() > deadline) {
            break;
          }
        }
      }
      long drainUntil = Math.min(deadline + DRAIN.toNanos(), System.nanoTime() + DRAIN.toNanos());
      failedUnanswered = traffic.drain(drainUntil);
      joined = traffic.awaitJoined(seq, drainUntil);
      predicted = ledger.predicted();
      answeredAll = seq == valid;
      if (traffic.resent() > 0) {
        console.say("sent %,d row(s) again: the scoring app had not loaded the version yet when they first came",
            traffic.resent());
      }
      console.clearStatus();
      showProgress = false;
    }
    long failed = ledger.failed() + failedUnanswered;
    boolean completed = answeredAll && failed == 0 && joined == valid;
    String outcome;
    if (completed) {
      outcome = "replayed " + valid + " rows (" + (rows - valid) + " skipped): every row predicted or bootstrapped"
          + " and joined, no failed prediction";
    } else {
      List<String> missing = new ArrayList<>();
      if (!answeredAll) {
        missing.add("timed out before every row was sent");
      }
      if (failed > 0) {
        missing.add(failed + " live row(s) got no prediction (" + failedUnanswered + " unanswered, "
            + ledger.failures() + ")");
      }
      if (joined < valid) {
        missing.add((valid - joined) + " row(s) not joined into labelled events within " + DRAIN.toSeconds() + " s");
      }
      outcome = "incomplete: " + String.join("; ", missing);
    }
    ReplayReport report = finish(rows, rows - valid, bootstrap, predicted, joined, mapping, badRows,
        timeline(ledger, firstVersion), completed, outcome, failed, ledger);
    console.say("done: %s", outcome);
    console.say("prequential accuracy %s over %,d predictions | %,d of %,d rows skipped | failed predictions %d",
        report.prequentialAccuracy() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", report.prequentialAccuracy()),
        predicted, rows - valid, rows, failed);
    return report;
  }

  /** The first version: waits until the bootstrap rows are on the labelled topic, asks for training, waits until it serves. */
  private int trainFirstVersion(ReplayTraffic traffic, int bootstrap, long deadline) throws InterruptedException {
    traffic.flush();
    console.say("sent the first %,d rows as labelled events (no version exists to score them); training the first"
        + " version on them", bootstrap);
    long joined = traffic.awaitJoined(bootstrap, deadline);
    if (joined < bootstrap) {
      throw new IllegalStateException("only " + joined + " of the " + bootstrap + " bootstrap rows could be read back"
          + " from " + dev.plasticity.schemas.Topics.EVENTS_LABELLED + " before the replay's timeout");
    }
    showProgress = false; // the training request prints its own progress
    boolean trained;
    try {
      trained = target.train(settings.model(), bootstrap, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
          consoleStream());
    } finally {
      showProgress = true;
    }
    ModelVersion first = optional(() -> target.registry().champion(settings.model())).orElse(null);
    if (!trained || first == null) {
      throw new IllegalStateException("the first version of " + settings.model() + " was not trained; see above");
    }
    target.awaitServed(settings.model(), first.getVersion(), deadline);
    console.say("%s v%d is the champion (on the embedded stack: served by its scoring app); replaying the rest",
        settings.model(), first.getVersion());
    return first.getVersion();
  }

  private PrintStream consoleStream() {
    return new PrintStream(new java.io.OutputStream() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(int b) {
        if (b == '\n') {
          console.say("%s", line.toString().replaceFirst("^\\[ *[0-9.]+s\\] ", ""));
          line.setLength(0);
        } else {
          line.append((char) b);
        }
      }
    }, true, java.nio.charset.StandardCharsets.UTF_8);
  }

  private void define(RegistryClient registry, ReplayColumns.Layout layout, LabelMapping labels) {
    List<String> names = labels instanceof LabelMapping.Names n ? n.names() : List.of();
    int classes = Math.max(2, labels.classes());
    if (names.size() == 1) {
      throw new IllegalArgumentException("the label column holds one class only ('" + names.get(0) + "'); a model"
          + " needs at least two");
    }
    ModelDefinition definition = new ModelDefinition(settings.model(), new ModelDefinition.Classes(classes, names),
        new ModelDefinition.Features(layout.numericNames(), layout.categoricalNames()), ModelDefinition.Constraints.NONE,
        settings.policy() == null ? "" : settings.policy().trim(), null).validate();
    registry.ensureModel(settings.model());
    registry.define(definition);
    console.say("defined model %s: %d classes, numeric %s, categorical %s%s", settings.model(), classes,
        layout.numericNames(), layout.categoricalNames(),
        definition.policy().isBlank() ? "" : ", policy " + definition.policy());
  }

  private void showProgress(long sent, long valid, long skipped, ReplayLedger ledger, ReplayTraffic traffic) {
    double share = valid == 0 ? 1 : sent / (double) valid;
    int filled = (int) Math.round(share * 20);
    Double recent = ledger.recentAccuracy();
    String line = String.format(Locale.ROOT, "rows [%s%s] %3.0f%% %,d/%,d  predicted %,d  joined %,d  skipped %,d"
            + "  accuracy (last block) %s", "#".repeat(filled), ".".repeat(20 - filled), share * 100, sent, valid,
        ledger.predicted(), traffic.joined(), skipped, recent == null ? "n/a" : String.format(Locale.ROOT, "%.3f", recent));
    if (console.live()) {
      console.status(line);
    } else if (System.nanoTime() - lastLine > 5_000_000_000L) {
      lastLine = System.nanoTime();
      console.say("%s", line);
    }
  }

  private long lastLine;

  private ReplayReport.Timeline timeline(ReplayLedger ledger, int firstVersion) {
    List<ReplayReport.Trigger> t = new ArrayList<>();
    for (DriftTrigger trigger : triggers) {
      t.add(new ReplayReport.Trigger(trigger.getTriggerId().toString(), trigger.getSignal().name(),
          trigger.getKind().name(), trigger.getSeverity(), trigger.getBaseVersion(),
          ledger.rowAt(trigger.getWindow().getEndTime()),
          trigger.getEvidence().stream().filter(Evidence::getDrifted).map(e -> e.getTest() + "(" + e.getFeature() + ")")
              .toList()));
    }
    Map<Integer, Long> firstRows = ledger.firstRowByVersion();
    List<ReplayReport.Version> v = new ArrayList<>();
    List<String> strategies = new ArrayList<>();
    for (ModelVersion version : versions) {
      String strategy = version.getLineage().getStrategy() == null ? null : version.getLineage().getStrategy().toString();
      v.add(new ReplayReport.Version(version.getVersion(), version.getAlias().toString(), strategy,
          version.getLineage().getReason() == null ? null : version.getLineage().getReason().toString(),
          version.getLineage().getTriggerId() == null ? null : version.getLineage().getTriggerId().toString(),
          firstRows.get(version.getVersion())));
      if (strategy != null && !strategies.contains(strategy)) {
        strategies.add(strategy);
      }
    }
    List<ReplayReport.Swap> swaps = new ArrayList<>();
    int serving = firstVersion;
    for (Map.Entry<Integer, Long> e : firstRows.entrySet()) {
      if (serving >= 0 && e.getKey() > serving) {
        swaps.add(new ReplayReport.Swap(e.getValue(), serving, e.getKey()));
      }
      serving = Math.max(serving, e.getKey());
    }
    return new ReplayReport.Timeline(ledger.blockSize(), ledger.blocks(), t, v, swaps, strategies);
  }

  private ReplayReport finish(long rows, long skipped, long bootstrap, long predicted, long joined,
      Map<String, Integer> mapping, List<String> bad, ReplayReport.Timeline timeline, boolean completed, String outcome) {
    return finish(rows, skipped, bootstrap, predicted, joined, mapping, bad, timeline, completed, outcome, 0, null);
  }

  private ReplayReport finish(long rows, long skipped, long bootstrap, long predicted, long joined,
      Map<String, Integer> mapping, List<String> bad, ReplayReport.Timeline timeline, boolean completed, String outcome,
      long failed, ReplayLedger ledger) {
    if (!completed) {
      console.say("%s", outcome);
    }
    return new ReplayReport(settings.file().toString(), settings.model(), rows, skipped, rows - skipped, bootstrap,
        predicted, joined, ledger == null ? null : ledger.accuracy(), failed,
        ledger == null ? Map.of() : ledger.failures(), mapping, List.copyOf(bad),
        timeline == null ? new ReplayReport.Timeline(settings.blockSize(), List.of(), List.of(), List.of(), List.of(),
            List.of()) : timeline, console.seconds(), completed, outcome);
  }

  private void pace(long startedNanos, long sentLive) {
    if (settings.rate() == null) {
      return;
    }
    long due = startedNanos + (long) (sentLive * 1e9 / settings.rate());
    long wait = due - System.nanoTime();
    if (wait > 1_000_000) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private interface RegistryCall<T> {
    Optional<T> call();
  }

  /** The registry's answer, or empty when the model is not registered. */
  private static <T> Optional<T> optional(RegistryCall<T> call) {
    try {
      return call.call();
    } catch (RegistryException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
