package dev.plasticity.ops.demo;

import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.Prediction;
import dev.plasticity.ops.EmbeddedStack;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import dev.plasticity.trainer.TrainingOutcome;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The whole loop on the embedded stack, driven by a seeded SEA stream with one abrupt concept
 * drift. An application scores each event with the served model (through the inference library),
 * then learns the true label and publishes the labelled event with the prediction and the
 * version that made it. Nobody presses a button after the first version is trained: the drift
 * job raises a trigger, the trainer registers a new version, the registry announces it, and the
 * predictor swaps it in while predictions go on.
 *
 * <p>Event {@code i} carries event time {@code t0 + i} ms, so a trigger's window maps back to
 * event indices exactly.
 */
public final class Demo {
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
      Duration timeout) {}

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
    HotSwapPredictor predictor = stack.predictor();
    long t0 = System.currentTimeMillis();
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    AtomicReference<Double> swapAtSeconds = new java.util.concurrent.atomic.AtomicReference<>();
    // the version the first swap after the drift served: the drift trigger's, or a cadence update's
    // that answered the drift before it
    AtomicReference<Integer> firstSwapTo = new java.util.concurrent.atomic.AtomicReference<>();
    double driftAtSeconds = -1;
    int versionAtDrift = -1;

    try (StreamWatcher watcher = new StreamWatcher(stack.bootstrapServers(), console);
        KafkaProducer<String, LabelledEvent> producer = producer(stack.bootstrapServers())) {
      console.say("stack up: Kafka %s, registry %s, drift job running, trainer consuming triggers",
          stack.bootstrapServers(), stack.registryUrl());
      console.say("SEA stream, seed %d: concept %d (x1+x2 <= %s) %s, %.0f%% label noise, %d events/s",
          settings.seed(), settings.conceptBefore(), threshold(settings.conceptBefore()),
          settings.injectDrift()
              ? "switching to concept " + settings.conceptAfter() + " (x1+x2 <= " + threshold(settings.conceptAfter())
                  + ") at event " + driftAt
              : "with no drift",
          settings.noise() * 100, settings.eventsPerSecond());

      // 1. The first version: nothing serves yet, so train from the first events.
      for (int i = 0; i < settings.bootstrapEvents(); i++) {
        send(producer, model, t0, sea.next(), null);
      }
      producer.flush();
      console.say("published %d labelled events; training the first version", settings.bootstrapEvents());
      TrainingOutcome first = stack.trainer().bootstrap(model, t0, settings.bootstrapEvents());
      console.say("%s", first.message());
      int firstVersion = first.version().orElseThrow().getVersion();
      awaitServed(predictor, firstVersion, deadline);
      console.say("inference serves v%d; scoring live events", predictor.servedVersion().orElse(-1));
      stack.loader().onSwap(swap -> {
        if (swapAtSeconds.compareAndSet(null, console.seconds())) {
          firstSwapTo.set(swap.toVersion());
        }
        console.say("SWAP         %s v%d -> v%d (downloaded, verified, loaded, warmed up in %d ms); no request dropped",
            swap.model(), swap.fromVersion(), swap.toVersion(), swap.loadMillis());
      });

      // 2. Live traffic: predict, learn the label, publish. Stop once the new version has served enough.
      long sent = settings.bootstrapEvents();
      long started = System.nanoTime();
      long lastStatus = started;
      long lastStatusSent = sent;
      swapAtSeconds.set(null);
      while (sent < settings.maxEvents() && System.nanoTime() < deadline) {
        SeaStream.Example example = sea.next();
        if (example.index() == driftAt) {
          driftAtSeconds = console.seconds();
          versionAtDrift = predictor.servedVersion().orElse(-1);
          console.say("DRIFT        injected at event %d: the labelling concept changes, the features do not", driftAt);
          swapAtSeconds.set(null);
          firstSwapTo.set(null);
        }
        Prediction prediction = null;
        try {
          prediction = predictor.predict(example.features());
        } catch (RuntimeException e) {
          // counted by the predictor; the event is still published, without a prediction
        }
        if (prediction != null) {
          AccuracyLedger.Phase phase = !example.afterDrift() ? AccuracyLedger.Phase.BEFORE_DRIFT
              : prediction.modelVersion() > versionAtDrift ? AccuracyLedger.Phase.AFTER_SWAP
              : AccuracyLedger.Phase.AFTER_DRIFT_BEFORE_SWAP;
          ledger.record(phase, prediction.label() == example.label());
        }
        send(producer, model, t0, example, prediction);
        sent++;
        if (settings.injectDrift() && ledger.count(AccuracyLedger.Phase.AFTER_SWAP) >= settings.eventsAfterSwap()) {
          break;
        }
        long now = System.nanoTime();
        if (now - lastStatus >= 2_000_000_000L) {
          console.say("events %,9d  %,6.0f/s  serving v%d  accuracy (last 1000) %.3f", sent,
              (sent - lastStatusSent) / ((now - lastStatus) / 1e9), predictor.servedVersion().orElse(-1),
              ledger.recentAccuracy());
          lastStatus = now;
          lastStatusSent = sent;
        }
        pace(started, sent - settings.bootstrapEvents());
      }
      producer.flush();
      double liveSeconds = (System.nanoTime() - started) / 1e9;

      // 3. Report.
      long eventsReadByDriftJob;
      if (!settings.injectDrift()) {
        // before counting triggers: the drift job has checkpointed past the last event, and every
        // trigger committed by then has been read
        eventsReadByDriftJob = DriftJobProgress.awaitCommittedPastEnd(stack.bootstrapServers(),
            stack.driftJobGroupId(), deadline);
        watcher.awaitTriggersRead(DriftJobProgress.committedEnds(stack.bootstrapServers(), Topics.DRIFT_TRIGGERS), deadline);
      } else {
        eventsReadByDriftJob = DriftJobProgress.committed(stack.bootstrapServers(), stack.driftJobGroupId());
      }
      List<StreamWatcher.SeenTrigger> triggers = watcher.triggers();
      final int baseAtDrift = versionAtDrift;
      Optional<StreamWatcher.SeenTrigger> detection = triggers.stream()
          .filter(t -> t.trigger().getWindow().getEndTime() - t0 >= driftAt && t.trigger().getBaseVersion() == baseAtDrift)
          .findFirst();
      int falseAlarms = (int) triggers.stream()
          .filter(t -> t.trigger().getWindow().getEndTime() - t0 < driftAt).count();
      int served = predictor.servedVersion().orElse(-1);
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
      boolean completed = settings.injectDrift()
          ? served > versionAtDrift && ledger.count(AccuracyLedger.Phase.AFTER_SWAP) >= settings.eventsAfterSwap()
          : sent >= settings.maxEvents();
      String outcome = completed
          ? (settings.injectDrift() ? "drift detected, retrained and swapped in without a failed prediction"
              : "no drift injected; " + triggers.size() + " trigger(s) raised, none expected")
          : "stopped before the loop closed (timeout " + settings.timeout().toSeconds() + " s or event limit)";
      DemoReport report = new DemoReport(
          sent,
          settings.injectDrift() ? driftAt : -1,
          detection.map(t -> t.trigger().getWindow().getEndTime() - t0).orElse(-1L),
          detection.map(t -> t.trigger().getTriggerId()).orElse(null),
          detection.map(t -> t.trigger().getKind().name()).orElse(null),
          detection.map(t -> t.trigger().getSeverity()).orElse(null),
          detection.map(t -> t.trigger().getEvidence().stream().filter(Evidence::getDrifted)
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
          predictor.failedPredictions(),
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
      return report;
    }
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

  private void awaitServed(HotSwapPredictor predictor, int version, long deadline) throws InterruptedException {
    while (predictor.servedVersion().orElse(-1) < version) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("v" + version + " was registered but inference never served it");
      }
      Thread.sleep(50);
    }
  }

  private static void send(KafkaProducer<String, LabelledEvent> producer, String model, long t0,
      SeaStream.Example example, Prediction prediction) {
    LabelledEvent event = LabelledEvent.newBuilder()
        .setEventId(model + "-" + example.index())
        .setModel(model)
        .setEventTime(t0 + example.index())
        .setFeatures(example.features())
        .setLabel(example.label())
        .setPrediction(prediction == null ? null : prediction.label())
        .setPredictionVersion(prediction == null ? null : prediction.modelVersion())
        .build();
    producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, event.getEventTime(), event.getEventId(), event));
  }

  private static KafkaProducer<String, LabelledEvent> producer(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(LabelledEvent.class));
  }
}
