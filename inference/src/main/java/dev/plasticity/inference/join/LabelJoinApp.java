package dev.plasticity.inference.join;

import dev.plasticity.inference.join.JoinCounters.LiveVersion;
import dev.plasticity.inference.verify.LiveVerifier;
import dev.plasticity.inference.verify.Verdict;
import dev.plasticity.registry.client.RegistryClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link LabelJoinTopology} on Kafka Streams with {@code processing.guarantee=exactly_once_v2}:
 * a labelled event, the store updates that led to it and the input offsets commit in one
 * transaction, so a crash or restart neither loses nor repeats a joined event. Instances with the
 * same application id share the work by partition; the state directory holds the local copy of the
 * stores (rebuilt from their changelogs when missing).
 *
 * <p>{@link #bindTo} exports its {@link JoinCounters} to a Micrometer registry; Prometheus names:
 * {@code plasticity_join_events_joined_total} (labelled events written), {@code
 * plasticity_join_labels_without_prediction_total} (of those, joined without a prediction), {@code
 * plasticity_join_labels_held_total}, {@code plasticity_join_duplicate_labels_total}, {@code
 * plasticity_join_expired_unlabelled_total}, {@code plasticity_join_dead_letters_total{reason}} (by
 * {@link JoinDeadLetterRule#id()}), {@code plasticity_join_late_predictions_total}, {@code
 * plasticity_join_dropped_predictions_total}, {@code plasticity_join_live_outcomes_total} and {@code
 * plasticity_live_predictions_total{model, version, alias, outcome}} with outcome {@code correct} or
 * {@code wrong}: the live accuracy of each version under each alias is {@code correct / (correct +
 * wrong)}. With live verification running, also {@code plasticity_verify_verdicts_total{verdict}}
 * ({@code won}, {@code lost}, {@code undecided}), {@code plasticity_verify_rollbacks_total} and
 * {@code plasticity_verify_outcomes_read_total}.
 *
 * <p>Thread-safe; {@link #close()} stops the app, leaving its consumer group at once so that the
 * next instance takes the partitions over without waiting for a session timeout.
 */
public final class LabelJoinApp implements AutoCloseable, MeterBinder {
  /** The application id (consumer group, prefix of the changelog topics) unless one is given. */
  public static final String DEFAULT_APPLICATION_ID = "plasticity-label-join";

  private static final Logger log = LoggerFactory.getLogger(LabelJoinApp.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final JoinCounters counters;
  private final AtomicReference<Throwable> failure;
  private volatile LiveVerifier verifier;

  private LabelJoinApp(KafkaStreams streams, JoinCounters counters,
      AtomicReference<Throwable> failure) {
    this.streams = streams;
    this.counters = counters;
    this.failure = failure;
  }

  /**
   * Starts the join as {@code config} says (see {@link #start(String, String, Path, JoinSettings,
   * Map)}) and, when {@link JoinConfig#verify()} is set, the {@link LiveVerifier} that reads the live
   * outcomes the join writes and rolls back a new champion that loses against the one before it.
   */
  public static LabelJoinApp start(JoinConfig config, Map<String, ?> overrides) {
    Objects.requireNonNull(config, "config");
    LabelJoinApp app =
        start(config.bootstrapServers(), config.applicationId(), config.stateDir(), config.settings(), overrides);
    config.verify().ifPresent(verify -> {
      try {
        app.verifier = LiveVerifier.start(config.bootstrapServers(), verify,
            new RegistryClient(verify.registryUrl(), REGISTRY_TIMEOUT, verify.registryToken()));
      } catch (RuntimeException e) {
        app.close();
        throw e;
      }
    });
    return app;
  }

  /** Starts the join under {@link #DEFAULT_APPLICATION_ID}. */
  public static LabelJoinApp start(String bootstrapServers, Path stateDir, JoinSettings settings) {
    return start(bootstrapServers, DEFAULT_APPLICATION_ID, stateDir, settings, Map.of());
  }

  /**
   * Starts the join.
   *
   * @param applicationId the Kafka Streams application id; instances with the same id share the work
   * @param stateDir where this instance keeps its local stores
   * @param overrides further Kafka Streams properties (e.g. {@code commit.interval.ms}); they cannot
   *     weaken the processing guarantee
   * @throws IllegalArgumentException when an argument is blank or an override sets another
   *     processing guarantee
   */
  public static LabelJoinApp start(String bootstrapServers, String applicationId, Path stateDir, JoinSettings settings,
      Map<String, ?> overrides) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("the label join needs Kafka's bootstrap servers; they were blank");
    }
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("the label join needs an application id; it was blank");
    }
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(settings, "settings");
    Object guarantee = overrides.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
    if (guarantee != null && !StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee)) {
      throw new IllegalArgumentException("the label join runs exactly_once_v2 so that no labelled event is lost or "
          + "written twice; an override asked for " + guarantee);
    }
    Properties props = new Properties();
    props.putAll(overrides);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);

    JoinCounters counters = new JoinCounters();
    KafkaStreams streams = new KafkaStreams(LabelJoinTopology.build(settings, counters), props);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    streams.setUncaughtExceptionHandler(e -> {
      log.error("the label join stops: a stream thread failed", e);
      failure.compareAndSet(null, e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    log.info("label join {} started: window {}, grace {}, prediction wait {}", applicationId, settings.window(),
        settings.grace(), settings.predictionWait());
    return new LabelJoinApp(streams, counters, failure);
  }

  /** The live verifier this app started, when its config asked for one. */
  public Optional<LiveVerifier> verifier() {
    return Optional.ofNullable(verifier);
  }

  /** What this instance has done since it started. */
  public JoinCounters counters() {
    return counters;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    count(registry, "plasticity.join.events.joined", "labelled events written, with or without a prediction",
        JoinCounters::joined);
    count(registry, "plasticity.join.labels.without.prediction",
        "labelled events written without a prediction (the event was not scored within the prediction wait)",
        JoinCounters::joinedWithoutPrediction);
    count(registry, "plasticity.join.labels.held", "labels that arrived before their event and waited for it",
        JoinCounters::labelsHeld);
    count(registry, "plasticity.join.duplicate.labels", "labels for an event already labelled; not published again",
        JoinCounters::duplicateLabels);
    count(registry, "plasticity.join.late.predictions", "predictions that arrived after their event was labelled",
        JoinCounters::latePredictions);
    count(registry, "plasticity.join.dropped.predictions",
        "predictions dropped: their version had already scored the event, or the event had as many as are kept",
        JoinCounters::droppedPredictions);
    count(registry, "plasticity.join.live.outcomes", "live outcomes written, one per labelled event that was scored",
        JoinCounters::liveOutcomes);
    count(registry, "plasticity.join.expired.unlabelled", "events whose label did not arrive within window and grace",
        JoinCounters::expiredUnlabelled);
    for (JoinDeadLetterRule rule : JoinDeadLetterRule.values()) {
      FunctionCounter.builder("plasticity.join.dead.letters", counters, c -> c.deadLettered(rule))
          .description("records written to the dead-letter topic, by the rule they broke").tag("reason", rule.id())
          .register(registry);
    }
    LiveVerifier started = verifier;
    if (started != null) {
      for (Verdict verdict : Verdict.values()) {
        FunctionCounter.builder("plasticity.verify.verdicts", started, v -> v.verdicts(verdict))
            .description("live verification watches ended, by verdict").tag("verdict", verdict.name().toLowerCase(
                java.util.Locale.ROOT))
            .register(registry);
      }
      FunctionCounter.builder("plasticity.verify.rollbacks", started, LiveVerifier::rollbacks)
          .description("champions rolled back because they lost live verification").register(registry);
      FunctionCounter.builder("plasticity.verify.outcomes.read", started, LiveVerifier::outcomesRead)
          .description("live outcomes live verification read").register(registry);
    }
    counters.onFirstLiveOutcome(version -> bindLive(registry, version));
    counters.liveVersions().forEach(version -> bindLive(registry, version));
  }

  private void count(MeterRegistry registry, String name, String description,
      java.util.function.ToDoubleFunction<JoinCounters> count) {
    FunctionCounter.builder(name, counters, count).description(description).register(registry);
  }

  private void bindLive(MeterRegistry registry, LiveVersion version) {
    for (boolean correct : new boolean[] {true, false}) {
      FunctionCounter.builder("plasticity.live.predictions", counters, c -> c.livePredictions(version, correct))
          .description("predictions joined with their label, by the version that made them, its alias then, and"
              + " whether the label agreed")
          .tag("model", version.model()).tag("version", String.valueOf(version.version())).tag("alias", version.alias())
          .tag("outcome", correct ? "correct" : "wrong")
          .register(registry);
    }
  }

  /** The Kafka Streams state: {@code RUNNING} once it has its partitions and stores. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** What stopped the join, when a stream thread failed (the state is then {@code ERROR}). */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public void close() {
    LiveVerifier started = verifier;
    if (started != null) {
      started.close();
    }
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(CLOSE_TIMEOUT));
    log.info("label join closed: {}", counters);
  }
}
