package dev.plasticity.ops.prequential;

import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.Prediction;
import dev.plasticity.ops.EmbeddedStack;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.trainer.InputLevels;
import dev.plasticity.trainer.LabelLags;
import dev.plasticity.trainer.TrainingOutcome;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays a stream prequentially through the real loop on an {@link EmbeddedStack}: the first version is trained on
 * the first rows, then every following row is predicted by the version the inference library serves, the prediction
 * recorded, and the labelled event published with that prediction and version, at a fixed rate. The drift job, the
 * trainer, the registry and the hot swap do the rest, as they would for a user's application.
 *
 * <p>Row {@code i} carries event time {@code t0 + i} ms, so every trigger's and version's data window maps back to rows
 * exactly. On the same rows, in the same order, it scores the baselines: the first version frozen (loaded once with
 * the inference library, never swapped), the previous label (no-change) and the running majority. What the loop did
 * (triggers, versions, strategies, lost gates, how long each known drift took to answer) is read from the stack: the
 * triggers topic, the trainer's outcomes and the registry, not from logs.
 *
 * <p>Labels reach the predictors as an application's would: once row {@code i} is predicted and scored, its label is
 * recorded ({@link HotSwapPredictor#recordLabel}) in the loop's predictor and in the frozen baseline's, after the
 * bootstrap rows' labels, so a version whose network takes label lags reads the labels of the rows before the one it
 * predicts and never a label not yet known. Whether the trainer gives the stream's model label lags is {@link
 * Settings#labelLags()}, and whether it reads its features relative to their levels {@link Settings#inputLevels()};
 * the predictors walk those levels over the rows they predict.
 */
public final class PrequentialRun {

  /**
   * @param bootstrapRows rows the first version is trained on
   * @param eventsPerSecond rows replayed per second after the bootstrap
   * @param blockSize rows per block of the per-block accuracy
   * @param timeout stop replaying after this long (the result says it did not complete)
   * @param labelLags the trainer's label lags for the stream's model
   * @param inputLevels the trainer's input levels for the stream's model
   */
  public record Settings(int bootstrapRows, int eventsPerSecond, int blockSize, Duration timeout,
      LabelLags labelLags, InputLevels inputLevels) {
    /** Settings under which the trainer gives the stream's model no label lags and no input levels. */
    public Settings(int bootstrapRows, int eventsPerSecond, int blockSize, Duration timeout) {
      this(bootstrapRows, eventsPerSecond, blockSize, timeout, LabelLags.OFF, InputLevels.OFF);
    }

    public Settings {
      java.util.Objects.requireNonNull(labelLags, "labelLags");
      java.util.Objects.requireNonNull(inputLevels, "inputLevels");
      if (bootstrapRows < 1) {
        throw new IllegalArgumentException("bootstrap rows must be at least 1, was " + bootstrapRows);
      }
      if (eventsPerSecond < 1) {
        throw new IllegalArgumentException("the rate must be at least 1 event/s, was " + eventsPerSecond);
      }
      if (blockSize < 1) {
        throw new IllegalArgumentException("a block holds at least one row, was " + blockSize);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the timeout must be positive, was " + timeout);
      }
    }
  }

  private final Settings settings;
  private final PrintStream log;

  public PrequentialRun(Settings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Starts an embedded stack in {@code dataDir} for a model named after the stream, replays {@code rows} through it
   * and stops it.
   */
  public StreamResult runOnEmbeddedStack(LabelledRows rows, String source, java.nio.file.Path dataDir)
      throws InterruptedException {
    return runOnEmbeddedStack(rows, source, dataDir, LoopTuning.DEFAULTS);
  }

  /** Like {@link #runOnEmbeddedStack(LabelledRows, String, java.nio.file.Path)}, with the trainer tuned by {@code tuning}. */
  public StreamResult runOnEmbeddedStack(LabelledRows rows, String source, java.nio.file.Path dataDir,
      LoopTuning tuning) throws InterruptedException {
    EmbeddedStack.Options defaults = EmbeddedStack.Options.defaults(dataDir);
    String model = modelName(rows.name());
    EmbeddedStack.Options options = new EmbeddedStack.Options(dataDir, null, model, defaults.partitions(),
        trainer -> tuning.trainer().apply(defaults.trainer().apply(trainer)).labelLags(model, settings.labelLags())
            .inputLevels(model, settings.inputLevels()),
        defaults.driftJob());
    try (EmbeddedStack stack = EmbeddedStack.start(options)) {
      return run(rows, source, stack);
    }
  }

  /** The model a stream's events are for: its name, with anything but letters, digits, '.', '_' and '-' replaced. */
  static String modelName(String stream) {
    String name = stream.replaceAll("[^A-Za-z0-9._-]", "_");
    return name.length() > 100 ? name.substring(0, 100) : name;
  }

  /**
   * Replays {@code rows} through {@code stack}, whose inference subscription serves the model the events are for.
   *
   * @param source how the rows were made, for the report
   * @throws IllegalArgumentException when the stream has no row after the bootstrap
   * @throws IllegalStateException when the first version cannot be trained or served
   */
  public StreamResult run(LabelledRows rows, String source, EmbeddedStack stack) throws InterruptedException {
    int bootstrap = settings.bootstrapRows();
    if (bootstrap >= rows.size()) {
      throw new IllegalArgumentException("the stream has " + rows.size() + " rows: none left after " + bootstrap
          + " bootstrap rows");
    }
    HotSwapPredictor predictor = stack.predictor();
    String model = predictor.model();
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    long t0 = System.currentTimeMillis();
    AtomicInteger published = new AtomicInteger();
    int[] labels = rows.labels();
    List<String> names = rows.featureNames();
    long[] driftNanos = new long[rows.driftRows().size()];

    try (TriggerLog triggerLog = new TriggerLog(stack.bootstrapServers(), published::get);
        KafkaProducer<String, LabelledEvent> producer = producer(stack.bootstrapServers())) {
      for (int i = 0; i < bootstrap; i++) {
        send(producer, model, t0, i, names, rows.features().get(i), labels[i], null);
      }
      producer.flush();
      published.set(bootstrap);
      log.printf("%s: %d rows, %d features, %d classes; training version 1 on the first %d rows%n", rows.name(),
          rows.size(), names.size(), rows.numClasses(), bootstrap);
      TrainingOutcome first = stack.trainer().bootstrap(model, t0, bootstrap);
      ModelVersion firstVersion = first.version()
          .orElseThrow(() -> new IllegalStateException("the first version was not trained: " + first.message()));
      awaitServed(predictor, firstVersion.getVersion(), deadline);

      try (HotSwapPredictor frozen = new HotSwapPredictor(model)) {
        new ModelLoader(stack.registryClient(), frozen, 1, 1).loadAndSwap(firstVersion)
            .orElseThrow(() -> new IllegalStateException("could not load v" + firstVersion.getVersion() + " frozen"));
        for (int i = 0; i < bootstrap; i++) { // known before the replay starts
          predictor.recordLabel(labels[i]);
          frozen.recordLabel(labels[i]);
        }
        PrequentialScore loopScore = new PrequentialScore(rows.numClasses(), settings.blockSize(), labels[bootstrap - 1]);
        PrequentialScore frozenScore = new PrequentialScore(rows.numClasses(), settings.blockSize(), labels[bootstrap - 1]);
        List<DriftResponses.Moment> servingStarts = new ArrayList<>();
        Map<Integer, Long> servedFrom = new TreeMap<>();
        long failed = 0;
        int lastVersion = firstVersion.getVersion();
        servedFrom.put(lastVersion, (long) bootstrap);
        log.printf("%s: v%d serves; replaying %d rows at %d events/s%n", rows.name(), lastVersion,
            rows.size() - bootstrap, settings.eventsPerSecond());

        long started = System.nanoTime();
        long lastStatus = started;
        int end = bootstrap;
        for (int i = bootstrap; i < rows.size(); i++) {
          if (System.nanoTime() > deadline) {
            log.printf("%s: timeout after %s at row %d%n", rows.name(), settings.timeout(), i);
            break;
          }
          double[] x = rows.features().get(i);
          Map<String, Double> features = features(names, x);
          Prediction prediction = null;
          try {
            prediction = predictor.predict(features);
          } catch (RuntimeException e) {
            failed++; // counted; the event is still published, without a prediction, and scored as wrong
          }
          if (prediction != null) {
            loopScore.record(prediction.label(), labels[i]);
            if (prediction.modelVersion() != lastVersion) {
              lastVersion = prediction.modelVersion();
              servedFrom.putIfAbsent(lastVersion, (long) i);
              servingStarts.add(new DriftResponses.Moment(i, System.nanoTime(), lastVersion, -1));
            }
          } else {
            loopScore.recordFailure(labels[i]);
          }
          frozenScore.record(frozen.predict(features).label(), labels[i]);
          predictor.recordLabel(labels[i]); // known now: what a version with label lags reads next
          frozen.recordLabel(labels[i]);
          int drift = rows.driftRows().indexOf((long) i);
          if (drift >= 0) {
            driftNanos[drift] = System.nanoTime();
          }
          send(producer, model, t0, i, names, x, labels[i], prediction);
          published.set(i + 1);
          end = i + 1;
          long now = System.nanoTime();
          if (now - lastStatus >= 5_000_000_000L) {
            log.printf("%s: row %,d, serving v%d, loop accuracy so far %.3f, frozen %.3f, %d trigger(s)%n", rows.name(),
                i, lastVersion, loopScore.score().accuracy(), frozenScore.score().accuracy(), triggerLog.seen().size());
            lastStatus = now;
          }
          pace(started, i + 1 - bootstrap);
        }
        producer.flush();
        double liveSeconds = (System.nanoTime() - started) / 1e9;

        LabelledRows scored = rows.head(end);
        List<StreamResult.LearnerResult> learners = List.of(
            new StreamResult.LearnerResult("loop", StreamResult.Role.LOOP, loopScore.score()),
            new StreamResult.LearnerResult("frozen v1", StreamResult.Role.BASELINE, frozenScore.score()),
            new StreamResult.LearnerResult("no-change", StreamResult.Role.BASELINE,
                PrequentialEvaluation.evaluate(scored, bootstrap, settings.blockSize(), new NoChangeClassifier())),
            new StreamResult.LearnerResult("majority", StreamResult.Role.BASELINE,
                PrequentialEvaluation.evaluate(scored, bootstrap, settings.blockSize(),
                    new MajorityClassifier(rows.numClasses()))));
        StreamResult.LoopFacts facts = facts(stack, model, t0, started, triggerLog, servedFrom, servingStarts, rows,
            bootstrap, end, driftNanos, failed);
        log.printf("%s: done, %d rows scored in %.1f s; loop %.3f, frozen %.3f; %d trigger(s), %d version(s) served%n",
            rows.name(), end - bootstrap, liveSeconds, loopScore.score().accuracy(), frozenScore.score().accuracy(),
            facts.triggers().size(), facts.versionsServed());
        return new StreamResult(rows.name(), source, rows.size(), bootstrap, end - bootstrap, settings.blockSize(),
            settings.eventsPerSecond(), (end - bootstrap) / liveSeconds, rows.driftRows(), rows.skipped().size(),
            rows.skipped().stream().limit(20).toList(), learners, facts, end == rows.size());
      }
    }
  }

  private StreamResult.LoopFacts facts(EmbeddedStack stack, String model, long t0, long liveStartNanos,
      TriggerLog triggerLog,
      Map<Integer, Long> servedFrom, List<DriftResponses.Moment> servingStarts, LabelledRows rows, int bootstrap,
      int end, long[] driftNanos, long failed) {
    List<TriggerLog.Seen> seen = triggerLog.seen();
    if (!triggerLog.undecodable().isEmpty()) {
      log.printf("%s: %d trigger record(s) could not be decoded: %s%n", rows.name(), triggerLog.undecodable().size(),
          triggerLog.undecodable());
    }
    List<StreamResult.TriggerFact> triggers = new ArrayList<>();
    Map<String, Integer> byKind = new LinkedHashMap<>();
    List<DriftResponses.Moment> triggerMoments = new ArrayList<>();
    Map<String, Long> triggerRows = new HashMap<>();
    for (TriggerLog.Seen s : seen) {
      DriftTrigger t = s.trigger();
      if (!t.getModel().equals(model)) {
        continue;
      }
      byKind.merge(t.getKind() + "/" + t.getSignal(), 1, Integer::sum);
      triggers.add(new StreamResult.TriggerFact(t.getTriggerId(), t.getKind().name(), t.getSignal().name(),
          t.getBaseVersion(), t.getAttempt(), t.getSeverity(), t.getWindow().getStartTime() - t0,
          t.getWindow().getEndTime() - t0, s.rowsPublished(), (s.nanos() - liveStartNanos) / 1e9,
          evidence(t.getEvidence())));
      triggerMoments.add(DriftResponses.Moment.trigger(s.rowsPublished(), s.nanos()));
      triggerRows.putIfAbsent(t.getTriggerId().toString(), (long) s.rowsPublished());
    }
    List<TrainingOutcome> outcomes = stack.outcomes().stream().filter(o -> o.model().equals(model)).toList();
    Map<String, Integer> byStatus = new LinkedHashMap<>();
    outcomes.forEach(o -> byStatus.merge(o.status().name(), 1, Integer::sum));
    List<ModelVersion> registered = stack.registryClient().versions(model);
    List<StreamResult.VersionFact> versions = new ArrayList<>();
    Map<String, Integer> strategies = new LinkedHashMap<>();
    int firstVersion = registered.stream().mapToInt(ModelVersion::getVersion).min().orElse(1);
    for (ModelVersion v : registered) {
      var lineage = v.getLineage();
      DataWindow window = lineage.getWindow();
      if (v.getVersion() != firstVersion) {
        strategies.merge(String.valueOf(lineage.getStrategy()), 1, Integer::sum);
      }
      var gate = lineage.getGate();
      versions.add(new StreamResult.VersionFact(v.getVersion(), v.getAlias(), lineage.getStrategy(),
          lineage.getSignal() == null ? null : lineage.getSignal().name(), lineage.getTriggerId(),
          window == null ? null : window.getStartTime() - t0,
          window == null ? null : Math.max(window.getEndTime(), window.getStartTime() + window.getEventCount() - 1) - t0,
          gate == null ? null : gate.getVerdict(), lineage.getLostGates(), servedFrom.get(v.getVersion()),
          v.getArchitecture().getLabelLags(), v.getArchitecture().getLevelSpan(), metric(v, "training_seconds"),
          metric(v, "active_parameters") != null ? metric(v, "active_parameters") : metric(v, "parameters")));
    }
    long neverServed = registered.stream()
        .filter(v -> v.getVersion() != firstVersion && !servedFrom.containsKey(v.getVersion())).count();
    long lostGates = outcomes.stream().filter(o -> o.status() == TrainingOutcome.Status.CHALLENGER).count();
    Map<Integer, Long> causes = new HashMap<>(); // version -> row at which the trigger that asked for it was read
    for (ModelVersion v : registered) {
      CharSequence trigger = v.getLineage().getTriggerId();
      if (trigger != null && triggerRows.containsKey(trigger.toString())) {
        causes.put(v.getVersion(), triggerRows.get(trigger.toString()));
      }
    }
    // a recall serves a past version again: that serving start answers the recall's trigger, not the version's own
    List<long[]> recalls = outcomes.stream().filter(o -> o.status() == TrainingOutcome.Status.RECALLED
            && o.version().isPresent() && triggerRows.containsKey(o.triggerId()))
        .map(o -> new long[] {o.version().get().getVersion(), triggerRows.get(o.triggerId())}).toList();
    List<DriftResponses.Moment> servings = servingStarts.stream().map(m -> new DriftResponses.Moment(m.row(),
        m.nanos(), m.version(), recalls.stream().filter(r -> r[0] == m.version() && r[1] < m.row())
            .mapToLong(r -> r[1]).max().orElse(causes.getOrDefault(m.version(), -1L)))).toList();
    List<StreamResult.DriftResponse> responses = DriftResponses.of(rows.driftRows(), bootstrap, end, triggerMoments,
        servings, driftNanos);
    return new StreamResult.LoopFacts(byKind, triggers, versions, registered.size(), servedFrom.size(), lostGates,
        neverServed, strategies, byStatus, responses, failed);
  }

  /** The version's metric {@code name}, or null when it has none. */
  private static Double metric(ModelVersion v, String name) {
    return v.getMetrics() == null ? null : v.getMetrics().get(name);
  }

  private static String evidence(List<Evidence> evidence) {
    return evidence.stream().filter(Evidence::getDrifted)
        .map(e -> String.format("%s(%s)=%.3f", e.getTest(), e.getFeature(), e.getStatistic()))
        .collect(Collectors.joining(", "));
  }

  private static Map<String, Double> features(List<String> names, double[] x) {
    Map<String, Double> features = new HashMap<>(names.size() * 2);
    for (int f = 0; f < x.length; f++) {
      features.put(names.get(f), x[f]);
    }
    return features;
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

  private static void awaitServed(HotSwapPredictor predictor, int version, long deadline) throws InterruptedException {
    while (predictor.servedVersion().orElse(-1) < version) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("v" + version + " was registered but inference never served it");
      }
      Thread.sleep(20);
    }
  }

  private static void send(KafkaProducer<String, LabelledEvent> producer, String model, long t0, int row,
      List<String> names, double[] x, int label, Prediction prediction) {
    LabelledEvent event = LabelledEvent.newBuilder()
        .setEventId(model + "-" + row)
        .setModel(model)
        .setEventTime(t0 + row)
        .setFeatures(features(names, x))
        .setLabel(label)
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
