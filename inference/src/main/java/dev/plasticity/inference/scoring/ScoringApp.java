package dev.plasticity.inference.scoring;

import dev.plasticity.inference.AliasPredictors;
import dev.plasticity.inference.AliasRole;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.ModelSubscription;
import dev.plasticity.inference.ServingMetrics;
import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.MetricsSettings;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.registry.client.RegistryClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring app: for each configured model a {@link HotSwapPredictor} kept current by a {@link
 * ModelLoader} and a {@link ModelSubscription}, and one Kafka Streams instance running {@link
 * ScoringTopology} with {@code processing.guarantee=exactly_once_v2}. Instances started with the
 * same application id split the partitions of the input topics between them (Kafka Streams' own
 * group protocol); each instance loads every model it serves. Events are scored in batches of up to
 * {@link ScoringConfig#maxBatch} events, or every {@link ScoringConfig#maxDelay}, whichever comes first.
 *
 * <p>Each model's subscription follows its champion, its shadow, and its challenger when the model
 * has a {@linkplain ScoringConfig#canary canary share}; a replaced champion keeps scoring for
 * {@link ScoringConfig#verifyWatchEvents} events ({@link AliasPredictors}, {@link EventScorer}).
 *
 * <pre>{@code
 * try (ScoringApp app = ScoringApp.start(ScoringConfig.of(bootstrap, registryUrl, List.of("fraud"), stateDir))) {
 *   ... app.counts().scored() ...
 * }
 * }</pre>
 *
 * <p>{@link #start} returns once every model's subscription has loaded the champion the versions
 * topic holds (or after a minute, with a warning), so a restarted app scores what waits for it with
 * the version that was serving. Events for a model that has no version yet are dead-lettered (rule
 * {@link DeadLetterRule#NO_VERSION_SERVED}); {@link #servedVersion} tells when a model is ready.
 *
 * <p>{@link #bindTo} exports each model's {@link ServingMetrics} and the app's {@link ScoringCounts}
 * to a Micrometer registry; Prometheus names: {@code plasticity_scoring_events_scored_total}, {@code
 * plasticity_scoring_dead_letters_total{reason}} (by {@link DeadLetterRule#id()}), {@code
 * plasticity_scoring_pending_events}, {@code plasticity_scoring_batches_total}, {@code
 * plasticity_scoring_batched_events_total}, {@code plasticity_scoring_labels_recorded_total} and
 * {@code plasticity_scoring_labels_unknown_model_total}, and per model, alias and version {@code
 * plasticity_scoring_alias_predictions_total{model,alias,version}} and {@code
 * plasticity_scoring_alias_failures_total{model,alias,version}}. {@link #main} serves them on {@code GET
 * /metrics} when {@code PLASTICITY_METRICS_PORT} is set.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class ScoringApp implements AutoCloseable, MeterBinder {
  private static final Logger log = LoggerFactory.getLogger(ScoringApp.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** How long {@link #start} waits for the models' served versions before it starts scoring. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final ScoringConfig config;
  private final Scorers scorers;
  private final List<AliasPredictors> predictors;
  private final List<ModelSubscription> subscriptions;
  private final ScoringCounts counts;
  private final KafkaStreams streams;
  private final AtomicReference<Throwable> streamsFailure;
  private boolean closed;

  private ScoringApp(ScoringConfig config, Scorers scorers, List<AliasPredictors> predictors,
      List<ModelSubscription> subscriptions, ScoringCounts counts, KafkaStreams streams,
      AtomicReference<Throwable> streamsFailure) {
    this.config = config;
    this.scorers = scorers;
    this.predictors = predictors;
    this.subscriptions = subscriptions;
    this.counts = counts;
    this.streams = streams;
    this.streamsFailure = streamsFailure;
  }

  /** Starts the app as {@code config} says. */
  public static ScoringApp start(ScoringConfig config) {
    return start(config, Map.of());
  }

  /**
   * Starts the app as {@code config} says.
   *
   * @param streamsOverrides extra Kafka Streams settings (e.g. {@code commit.interval.ms}); the
   *     application id, bootstrap servers, state directory and processing guarantee are the app's
   */
  public static ScoringApp start(ScoringConfig config, Map<String, ?> streamsOverrides) {
    Objects.requireNonNull(config, "config");
    RegistryClient registry = new RegistryClient(config.registryUrl(), Duration.ofSeconds(30), config.registryToken());
    List<AliasPredictors> predictors = new ArrayList<>();
    List<ModelSubscription> subscriptions = new ArrayList<>();
    try {
      for (String model : config.models()) {
        AliasPredictors aliases = AliasPredictors.of(model, followed(config, model), config.verifyWatchEvents());
        predictors.add(aliases);
        Map<AliasRole, ModelLoader> loaders = new EnumMap<>(AliasRole.class);
        for (AliasRole role : aliases.followed()) {
          loaders.put(role, new ModelLoader(registry, aliases.predictor(role).orElseThrow()));
        }
        subscriptions.add(ModelSubscription.start(config.bootstrapServers(), loaders));
      }
      awaitVersions(subscriptions);
      Scorers scorers = Scorers.withAliases(predictors, config.canary());
      ScoringCounts counts = new ScoringCounts();
      KafkaStreams streams = new KafkaStreams(ScoringTopology.build(scorers, Clock.systemUTC(), counts,
          config.maxBatch(), config.maxDelay()),
          properties(config, streamsOverrides));
      streams.setStateListener((now, before) -> log.info("scoring app {}: {} -> {}", config.applicationId(), before, now));
      AtomicReference<Throwable> streamsFailure = new AtomicReference<>();
      streams.setUncaughtExceptionHandler(e -> {
        log.error("scoring app {} stops: a stream thread failed", config.applicationId(), e);
        streamsFailure.compareAndSet(null, e);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      ScoringApp app = new ScoringApp(config, scorers, predictors, subscriptions, counts, streams, streamsFailure);
      streams.start();
      log.info("scoring app {} started for models {}", config.applicationId(), config.models());
      return app;
    } catch (RuntimeException e) {
      subscriptions.forEach(ModelSubscription::close);
      predictors.forEach(AliasPredictors::close);
      throw e;
    }
  }

  /**
   * The aliases the app follows for {@code model}: the champion and the shadow, and the challenger
   * when the model has a canary share (a challenger that would answer no event is not loaded).
   */
  static Set<AliasRole> followed(ScoringConfig config, String model) {
    Set<AliasRole> roles = EnumSet.of(AliasRole.CHAMPION, AliasRole.SHADOW);
    if (config.canary().of(model) > 0) {
      roles.add(AliasRole.CHALLENGER);
    }
    return roles;
  }

  /**
   * Waits, up to {@link #READY_TIMEOUT} in all, until every model's subscription has loaded the
   * champion the versions topic holds, so that a restarted app does not dead-letter the events it
   * finds waiting as {@code no-version-served} while its models are still loading.
   */
  private static void awaitVersions(List<ModelSubscription> subscriptions) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    for (ModelSubscription subscription : subscriptions) {
      try {
        if (!subscription.awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
          log.warn("model {}: its versions were not loaded within {}; scoring starts, and its events are"
              + " dead-lettered as no-version-served until a version is", subscription.model(), READY_TIMEOUT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while loading the served versions", e);
      }
    }
  }

  /**
   * Runs the scoring app until the JVM stops; see {@link ScoringEnvironment} for the environment.
   * Exits with status 2 on a malformed setting, and with status 1 when Kafka Streams stops in its
   * ERROR state (a process that no longer scores should be restarted, not left running silently).
   */
  public static void main(String[] args) throws InterruptedException {
    ScoringConfig config;
    try {
      config = ScoringConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("scoring cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    ServiceMetrics metrics = ServiceMetrics.create();
    Optional<MetricsEndpoint> endpoint;
    try {
      endpoint = MetricsSettings.startEndpoint(System.getenv(), metrics);
    } catch (IllegalArgumentException e) {
      System.err.println("scoring cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    endpoint.ifPresent(e -> System.out.println("Metrics: " + e.uri()));
    ScoringApp app = start(config);
    app.bindTo(metrics.registry());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      endpoint.ifPresent(MetricsEndpoint::close);
      metrics.close();
      stopped.countDown();
    }, "scoring-shutdown"));
    while (!stopped.await(1, TimeUnit.SECONDS)) {
      if (app.state() == KafkaStreams.State.ERROR) {
        System.err.println("scoring app " + config.applicationId() + " stops: Kafka Streams failed (see the log)");
        app.close();
        System.exit(1);
      }
    }
  }

  static Properties properties(ScoringConfig config, Map<String, ?> overrides) {
    Properties props = new Properties();
    props.putAll(overrides);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return props;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    predictors.forEach(predictor -> new ServingMetrics(predictor.champion()).bindTo(registry));
    counts.onNewAliasVersion(key -> bindAlias(registry, key));
    counts.aliasVersions().forEach(key -> bindAlias(registry, key)); // a meter bound twice is the same meter
    count(registry, "plasticity.scoring.events.scored", "events scored and written as predictions",
        ScoringCounts::scored);
    for (DeadLetterRule rule : DeadLetterRule.values()) {
      FunctionCounter.builder("plasticity.scoring.dead.letters", counts, c -> c.deadLettered(rule))
          .description("records written to the dead-letter topic, by the rule they broke").tag("reason", rule.id())
          .register(registry);
    }
    Gauge.builder("plasticity.scoring.pending.events", counts, ScoringCounts::pending)
        .description("events read and checked that wait to be scored in a batch").strongReference(true)
        .register(registry);
    count(registry, "plasticity.scoring.batches", "batches scored", ScoringCounts::batches);
    count(registry, "plasticity.scoring.batched.events", "events in the batches scored", ScoringCounts::batchedEvents);
    count(registry, "plasticity.scoring.labels.recorded", "labels handed to their model's predictor",
        ScoringCounts::labelsRecorded);
    count(registry, "plasticity.scoring.labels.unknown.model", "labels for a model this app does not score",
        ScoringCounts::labelsForUnknownModels);
  }

  /** The per-alias counters of one model version in one role. */
  private void bindAlias(MeterRegistry registry, ScoringCounts.AliasVersion key) {
    List<io.micrometer.core.instrument.Tag> tags = List.of(io.micrometer.core.instrument.Tag.of("model", key.model()),
        io.micrometer.core.instrument.Tag.of("alias", key.role().alias()),
        io.micrometer.core.instrument.Tag.of("version", String.valueOf(key.version())));
    FunctionCounter.builder("plasticity.scoring.alias.predictions", counts, c -> c.aliasPredictions(key))
        .description("predictions written, by model, alias (champion, challenger, shadow, previous) and version")
        .tags(tags).register(registry);
    FunctionCounter.builder("plasticity.scoring.alias.failures", counts, c -> c.aliasFailures(key))
        .description("events a version failed to score, by model, alias and version").tags(tags).register(registry);
  }

  private void count(MeterRegistry registry, String name, String description,
      java.util.function.ToDoubleFunction<ScoringCounts> count) {
    FunctionCounter.builder(name, counts, count).description(description).register(registry);
  }

  /** What became of the records read so far. */
  public ScoringCounts counts() {
    return counts;
  }

  /** The models served. */
  public Scorers scorers() {
    return scorers;
  }

  /** The version of {@code model} served now, empty before its first version is loaded. */
  public OptionalInt servedVersion(String model) {
    return scorers.predictor(model)
        .orElseThrow(() -> new IllegalArgumentException("this app does not serve model " + model + "; it serves "
            + scorers.models()))
        .servedVersion();
  }

  /** The Kafka Streams state: RUNNING once partitions are assigned and stores restored. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * What stopped the app from scoring for good, if anything: a stream thread's failure (the state
   * is then {@code ERROR}), or the failure that ended a model's version subscription (its model
   * then keeps the version it has and never hears of a newer one).
   */
  public Optional<Throwable> failure() {
    Throwable failed = streamsFailure.get();
    if (failed != null) {
      return Optional.of(failed);
    }
    return subscriptions.stream().map(ModelSubscription::failure).flatMap(Optional::stream).findFirst();
  }

  /** The configuration the app runs with. */
  public ScoringConfig config() {
    return config;
  }

  /**
   * Stops scoring (committing what was processed, and leaving the group so that the other instances
   * take its partitions over at once), then stops following versions and closes the served models.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(CLOSE_TIMEOUT))) {
      log.warn("scoring app {} did not stop within {}", config.applicationId(), CLOSE_TIMEOUT);
    }
    subscriptions.forEach(ModelSubscription::close);
    predictors.forEach(AliasPredictors::close);
  }
}
