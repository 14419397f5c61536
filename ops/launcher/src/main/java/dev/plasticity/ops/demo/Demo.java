package dev.plasticity.ops.demo;

import dev.plasticity.inference.join.JoinSettings;
import dev.plasticity.inference.scoring.ScoringApp;
import dev.plasticity.ops.EmbeddedStack;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.Topics;
import dev.plasticity.trainer.TrainingOutcome;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole loop on the embedded stack, driven by a seeded SEA stream with one abrupt concept
 * drift. The demo plays a user's application that talks to Plasticity only through Kafka: it
 * publishes each event as an {@code UnlabelledEvent}, reads the scoring app's {@code Prediction}
 * for it, and publishes the true {@code Label} a little later; the label join turns the three into
 * the labelled events that the drift job and the trainer read. Nobody presses a button after the
 * first version is trained: the drift job raises a trigger, the trainer registers a new version,
 * the registry announces it, and the scoring app swaps it in while predictions go on.
 *
 * <p>Event {@code i} carries event time {@code t0 + i} ms, so a trigger's window maps back to
 * event indices exactly ({@link ScoringClient} is the application).
 *
 * <p>Before the first version exists the scoring app cannot answer: it dead-letters the bootstrap
 * events ({@code no-version-served}), and the join labels them from their {@code UnlabelledEvent}s
 * alone, which is what the first version is trained on.
 */
public final class Demo {
  /** How long after reading its prediction the application learns an event's label, unless told. */
  public static final Duration DEFAULT_LABEL_DELAY = Duration.ofMillis(200);
  /**
   * The label join the demo's stack runs: without a prediction wait. The demo's application sends
   * a label only after it has read the event's prediction, so a live label finds its prediction
   * there already; and the bootstrap publishes events no version can score, then waits for them to
   * be labelled, with no later record to move the join's stream time past a prediction wait.
   */
  public static final JoinSettings JOIN = JoinSettings.defaults().withPredictionWait(Duration.ZERO);

  /** Demo settings; see {@code plasticity demo --help} for their meaning. */
  public record Settings(
      String model,
      long seed,
      int bootstrapEvents,
      long driftAt,
      boolean injectDrift,
      int conceptBefore,
      int conceptAfter,
      double noise,
      int eventsPerSecond,
      long eventsAfterSwap,
      long maxEvents,
      Duration timeout,
      Duration labelDelay) {

    public Settings {
      if (labelDelay == null || labelDelay.isNegative()) {
        throw new IllegalArgumentException("the label delay must be zero or positive, got " + labelDelay);
      }
      if (eventsPerSecond <= 0) {
        throw new IllegalArgumentException("the event rate must be positive, got " + eventsPerSecond);
      }
    }

    /** Settings with labels {@link #DEFAULT_LABEL_DELAY} after their predictions. */
    public Settings(String model, long seed, int bootstrapEvents, long driftAt, boolean injectDrift, int conceptBefore,
        int conceptAfter, double noise, int eventsPerSecond, long eventsAfterSwap, long maxEvents, Duration timeout) {
      this(model, seed, bootstrapEvents, driftAt, injectDrift, conceptBefore, conceptAfter, noise, eventsPerSecond,
          eventsAfterSwap, maxEvents, timeout, DEFAULT_LABEL_DELAY);
    }
  }

  /** How long the end of a run waits for the last predictions and labelled events to come through. */
  private static final Duration DRAIN = Duration.ofSeconds(30);

  private final Settings settings;
  private final EmbeddedStack stack;
  private final Console console;

  /** A demo that prints plain lines to {@code out}. */
  public Demo(Settings settings, EmbeddedStack stack, PrintStream out) {
    this(settings, stack, out, false);
  }

  /**
   * @param live whether {@code out} is a terminal, where training progress shows as a bar redrawn
   *     in place; else it shows as lines at milestones
   */
  public Demo(Settings settings, EmbeddedStack stack, PrintStream out, boolean live) {
    this.settings = settings;
    this.stack = stack;
    this.console = new Console(out, live, System::nanoTime);
  }

  public DemoReport run() throws InterruptedException {
    String model = settings.model();
    long driftAt = settings.injectDrift() ? settings.driftAt() : Long.MAX_VALUE;
    SeaStream sea = new SeaStream(settings.seed(), settings.conceptBefore(), settings.conceptAfter(),
        driftAt, settings.noise());
    AccuracyLedger ledger = new AccuracyLedger(1000);
    ScoringApp scoring = stack.scoring();
    long t0 = System.currentTimeMillis();
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    AtomicReference<Double> swapAtSeconds = new AtomicReference<>();
    // the version the first swap after the drift served: the drift trigger's, or a cadence update's
    // that answered the drift before it
    AtomicReference<Integer> firstSwapTo = new AtomicReference<>();
    AtomicInteger versionAtDrift = new AtomicInteger(-1);
    AtomicInteger lastVersionSeen = new AtomicInteger(-1);
    double driftAtSeconds = -1;
    // runs on the client's prediction thread: accuracy per phase, and a swap as the first answer of a newer version
    ScoringClient.Listener onAnswer = (example, prediction, latencyNanos) -> {
      int version = prediction.getVersion();
      int before = lastVersionSeen.getAndAccumulate(version, Math::max);
      if (before >= 0 && version > before) {
        if (swapAtSeconds.compareAndSet(null, console.seconds())) {
          firstSwapTo.set(version);
        }
        console.say("SWAP         %s v%d -> v%d: the scoring app answers with v%d (event published %.0f ms "
            + "before); no request dropped", model, before, version, version, latencyNanos / 1e6);
      }
      AccuracyLedger.Phase phase = !example.afterDrift() ? AccuracyLedger.Phase.BEFORE_DRIFT
          : version > versionAtDrift.get() ? AccuracyLedger.Phase.AFTER_SWAP
          : AccuracyLedger.Phase.AFTER_DRIFT_BEFORE_SWAP;
      ledger.record(phase, prediction.getPredictedClass() == example.label());
    };

    try (StreamWatcher watcher = new StreamWatcher(stack.bootstrapServers(), console);
        ScoringClient client = new ScoringClient(stack.bootstrapServers(), model, t0, settings.labelDelay(), onAnswer)) {
      console.say("stack up: Kafka %s, registry %s, drift job running, trainer consuming triggers, scoring app and "
          + "label join running", stack.bootstrapServers(), stack.registryUrl());
      console.say("SEA stream, seed %d: concept %d (x1+x2 <= %s) %s, %.0f%% label noise, %d events/s, labels %d ms "
              + "after their predictions",
          settings.seed(), settings.conceptBefore(), threshold(settings.conceptBefore()),
          settings.injectDrift()
              ? "switching to concept " + settings.conceptAfter() + " (x1+x2 <= " + threshold(settings.conceptAfter())
                  + ") at event " + driftAt
              : "with no drift",
          settings.noise() * 100, settings.eventsPerSecond(), settings.labelDelay().toMillis());

      // 1. The first version: nothing serves yet, so the scoring app dead-letters these events and the
      // join labels them from the events themselves; train from those.
      for (int i = 0; i < settings.bootstrapEvents(); i++) {
        client.publishUnscored(sea.next());
      }
      client.flush();
      console.say("published %d unlabelled events and their labels; training the first version once the join has "
          + "labelled them", settings.bootstrapEvents());
      TrainingOutcome first = stack.trainer().bootstrap(model, t0, settings.bootstrapEvents());
      console.say("%s", first.message());
      int firstVersion = first.version()
          .orElseThrow(() -> new IllegalStateException("the first version was not trained: " + first.message()))
          .getVersion();
      awaitServed(scoring, model, firstVersion, deadline);
      long bootstrapDeadLetters = awaitBootstrapAnswered(scoring, deadline);
      console.say("the scoring app serves v%d (it dead-lettered %d bootstrap events: no version served yet); "
          + "scoring live events", scoring.servedVersion(model).orElse(-1), bootstrapDeadLetters);

      // 2. Live traffic: publish, read the prediction, label it later. Stop once the new version has served enough.
      long sent = client.published();
      long started = System.nanoTime();
      long lastStatus = started;
      long lastStatusSent = sent;
      swapAtSeconds.set(null);
      lastVersionSeen.set(firstVersion);
      while (sent < settings.maxEvents() && System.nanoTime() < deadline) {
        SeaStream.Example example = sea.next();
        if (example.index() == driftAt) {
          driftAtSeconds = console.seconds();
          versionAtDrift.set(scoring.servedVersion(model).orElse(-1));
          console.say("DRIFT        injected at event %d: the labelling concept changes, the features do not", driftAt);
          swapAtSeconds.set(null);
          firstSwapTo.set(null);
        }
        client.publish(example);
        sent = client.published();
        if (settings.injectDrift() && ledger.count(AccuracyLedger.Phase.AFTER_SWAP) >= settings.eventsAfterSwap()) {
          break;
        }
        long now = System.nanoTime();
        if (now - lastStatus >= 2_000_000_000L) {
          console.say("events %,9d  %,6.0f/s  serving v%d  accuracy (last 1000) %.3f  latency p50 %.0f ms", sent,
              (sent - lastStatusSent) / ((now - lastStatus) / 1e9), scoring.servedVersion(model).orElse(-1),
              ledger.recentAccuracy(), client.latency().percentileMillis(50));
          lastStatus = now;
          lastStatusSent = sent;
        }
        pace(started, sent - settings.bootstrapEvents());
      }
      double liveSeconds = (System.nanoTime() - started) / 1e9;

      // 3. Drain: the last predictions, their labels, and the join's labelled events (committed on the topic).
      long drainUntil = Math.min(deadline, System.nanoTime() + DRAIN.toNanos());
      long unanswered = client.drain(drainUntil);
      Map<TopicPartition, long[]> labelledRecords =
          DriftJobProgress.awaitLabelled(stack.bootstrapServers(), sent, drainUntil);
      long labelled = DriftJobProgress.total(labelledRecords);
      long failed = scoring.counts().deadLettered() - bootstrapDeadLetters + unanswered;
      if (failed > 0) {
        console.say("%d event(s) got no prediction within %d s; %d dead-lettered by the scoring app after v%d served (%s)",
            unanswered, DRAIN.toSeconds(), failed - unanswered, firstVersion, scoring.counts());
      }
      LatencySample latency = client.latency();

      // 4. Report.
      long eventsReadByDriftJob;
      if (!settings.injectDrift()) {
        // before counting triggers: the drift job has checkpointed past the last labelled event, and
        // every trigger committed by then has been read
        eventsReadByDriftJob = DriftJobProgress.awaitReadPastEnd(stack.bootstrapServers(), stack.driftJobGroupId(),
            labelledRecords, deadline);
        watcher.awaitTriggersRead(DriftJobProgress.committedEnds(stack.bootstrapServers(), Topics.DRIFT_TRIGGERS), deadline);
      } else {
        eventsReadByDriftJob = DriftJobProgress.eventsRead(stack.bootstrapServers(), stack.driftJobGroupId(), labelledRecords);
      }
      List<StreamWatcher.SeenTrigger> triggers = watcher.triggers();
      final int baseAtDrift = versionAtDrift.get();
      Optional<StreamWatcher.SeenTrigger> detection = triggers.stream()
          .filter(t -> t.trigger().getWindow().getEndTime() - t0 >= driftAt && t.trigger().getBaseVersion() == baseAtDrift)
          .findFirst();
      int falseAlarms = (int) triggers.stream()
          .filter(t -> t.trigger().getWindow().getEndTime() - t0 < driftAt).count();
      int served = scoring.servedVersion(model).orElse(-1);
      Double swappedAt = swapAtSeconds.get();
      Double toServing = swappedAt != null && driftAtSeconds >= 0 ? swappedAt - driftAtSeconds : null;
      Double toTrigger = detection.isPresent() && driftAtSeconds >= 0
          ? detection.get().seenAtSeconds() - driftAtSeconds : null;
      Integer answeredBy = firstSwapTo.get();
      Optional<TrainingOutcome> retrained = stack.outcomes().stream()
          .filter(o -> detection.isPresent() && o.triggerId().equals(detection.get().trigger().getTriggerId())
              && o.version().isPresent())
          .findFirst()
          .or(() -> stack.outcomes().stream()
              .filter(o -> answeredBy != null && o.version().map(v -> v.getVersion() == answeredBy).orElse(false))
              .findFirst());
      // the trigger whose version answered the drift: the first alarm's, unless a later trigger's version did
      Optional<StreamWatcher.SeenTrigger> answered = retrained
          .flatMap(o -> triggers.stream().filter(t -> t.trigger().getTriggerId().equals(o.triggerId())).findFirst())
          .or(() -> detection);
      boolean completed = settings.injectDrift()
          ? served > versionAtDrift.get() && ledger.count(AccuracyLedger.Phase.AFTER_SWAP) >= settings.eventsAfterSwap()
          : sent >= settings.maxEvents();
      String outcome = completed
          ? (settings.injectDrift() ? "drift detected, retrained and swapped in without a failed prediction"
              : "no drift injected; " + triggers.size() + " trigger(s) raised, none expected")
          : "stopped before the loop closed (timeout " + settings.timeout().toSeconds() + " s or event limit)";
      if (completed && settings.injectDrift() && failed > 0) {
        outcome = "drift detected, retrained and swapped in; " + failed + " event(s) not answered with a prediction";
      }
      DemoReport report = new DemoReport(
          sent,
          settings.injectDrift() ? driftAt : -1,
          detection.map(t -> t.trigger().getWindow().getEndTime() - t0).orElse(-1L),
          answered.map(t -> t.trigger().getTriggerId()).orElse(null),
          answered.map(t -> t.trigger().getKind().name()).orElse(null),
          answered.map(t -> t.trigger().getSeverity()).orElse(null),
          answered.map(t -> t.trigger().getEvidence().stream().filter(Evidence::getDrifted)
              .map(e -> e.getTest() + "(" + e.getFeature() + ")").toList()).orElse(List.of()),
          falseAlarms,
          triggers.size(),
          eventsReadByDriftJob,
          retrained.flatMap(o -> o.version()).map(v -> v.getLineage().getStrategy()).orElse(null),
          retrained.flatMap(o -> o.version()).map(v -> v.getLineage().getReason()).orElse(null),
          retrained.map(TrainingOutcome::device).orElse(first.device()),
          firstVersion,
          retrained.flatMap(TrainingOutcome::version).map(v -> v.getVersion()).orElse(-1),
          served,
          DemoReport.finite(ledger.accuracy(AccuracyLedger.Phase.BEFORE_DRIFT)),
          DemoReport.finite(ledger.accuracy(AccuracyLedger.Phase.AFTER_DRIFT_BEFORE_SWAP)),
          DemoReport.finite(ledger.accuracy(AccuracyLedger.Phase.AFTER_SWAP)),
          ledger.count(AccuracyLedger.Phase.BEFORE_DRIFT),
          ledger.count(AccuracyLedger.Phase.AFTER_DRIFT_BEFORE_SWAP),
          ledger.count(AccuracyLedger.Phase.AFTER_SWAP),
          toTrigger,
          toServing,
          failed,
          DemoReport.finite(latency.percentileMillis(50)),
          DemoReport.finite(latency.percentileMillis(99)),
          labelled,
          sent == 0 ? 0 : (double) labelled / sent,
          (sent - settings.bootstrapEvents()) / liveSeconds,
          console.seconds(),
          completed,
          outcome);
      console.say("done: %s", outcome);
      if (report.strategy() != null) {
        console.say("retrained v%d with %s. Why: %s", report.versionRegistered(), report.strategy(),
            report.strategyReason());
      }
      console.say("accuracy before drift %s | after drift, before swap %s | after swap %s | failed predictions %d",
          fmt(report.accuracyBeforeDrift()), fmt(report.accuracyAfterDriftBeforeSwap()),
          fmt(report.accuracyAfterSwap()), report.failedPredictions());
      console.say("prediction latency (published -> prediction read) p50 %s ms, p99 %s ms | labelled %,d of %,d events "
              + "(%.1f%%)", fmt0(report.predictionLatencyP50Millis()), fmt0(report.predictionLatencyP99Millis()),
          labelled, sent, 100.0 * report.labelledShare());
      return report;
    }
  }

  private static String fmt0(Double v) {
    return v == null ? "n/a" : String.format("%.0f", v);
  }

  private static String fmt(Double v) {
    return v == null ? "n/a" : String.format("%.3f", v);
  }

  private static String threshold(int concept) {
    return new String[] {"8", "9", "7", "9.5"}[concept - 1];
  }

  private void pace(long startedNanos, long sentLive) {
    long due = startedNanos + sentLive * 1_000_000_000L / settings.eventsPerSecond();
    long wait = due - System.nanoTime();
    if (wait > 1_000_000) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitServed(ScoringApp scoring, String model, int version, long deadline) throws InterruptedException {
    while (scoring.servedVersion(model).orElse(-1) < version) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("v" + version + " was registered but the scoring app never served it");
      }
      Thread.sleep(50);
    }
  }

  /**
   * Waits until the scoring app has answered every bootstrap event (dead-lettered, as no version
   * served yet, or scored), so that the dead letters counted after it are live events'.
   *
   * @return the records it had dead-lettered by then
   */
  private long awaitBootstrapAnswered(ScoringApp scoring, long deadline) throws InterruptedException {
    while (scoring.counts().scored() + scoring.counts().deadLettered() < settings.bootstrapEvents()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the scoring app had not read the " + settings.bootstrapEvents()
            + " bootstrap events before the demo's timeout: " + scoring.counts());
      }
      Thread.sleep(50);
    }
    return scoring.counts().deadLettered();
  }
}
