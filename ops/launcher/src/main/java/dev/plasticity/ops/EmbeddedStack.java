package dev.plasticity.ops;

import dev.plasticity.embedded.EmbeddedKafkaBroker;
import dev.plasticity.embedded.KafkaTopics;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.ModelSubscription;
import dev.plasticity.inference.join.JoinConfig;
import dev.plasticity.inference.join.JoinCounters;
import dev.plasticity.inference.join.JoinSettings;
import dev.plasticity.inference.join.LabelJoinApp;
import dev.plasticity.inference.verify.VerifyConfig;
import dev.plasticity.inference.scoring.ScoringApp;
import dev.plasticity.inference.scoring.ScoringConfig;
import dev.plasticity.inference.scoring.ScoringCounts;
import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.streamjobs.DriftJob;
import dev.plasticity.streamjobs.DriftJobOptions;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainerService;
import dev.plasticity.trainer.TrainingOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Every Plasticity service in one JVM on one machine, no Docker: a real Kafka broker (KRaft,
 * in-process; or an external one), the registry on embedded H2 and the local filesystem, the
 * Flink drift job in a local MiniCluster, a trainer, an inference subscription for one model (for
 * callers that score in-process), the Kafka Streams scoring app for that model (unlabelled events
 * to predictions) and the delayed-label join (events, predictions and labels to labelled events and
 * live outcomes) with live verification, which rolls back in the stack's registry a new champion
 * that loses against the one before it. Closing it stops everything in reverse order.
 *
 * <p>The two Kafka Streams apps keep their state under {@code <dataDir>/scoring-state} and {@code
 * <dataDir>/label-join-state}.
 *
 * <p>Prometheus scrapes {@link #metricsEndpoints()}: the registry's {@code /metrics}, one endpoint
 * for the trainer, the scoring app and the label join together, and, when the stack is started with
 * a port for it, Flink's Prometheus reporter of the drift job.
 *
 * <p>Everything listens on 127.0.0.1 only, but for the drift job's Prometheus reporter, which Flink
 * binds on every interface: it runs only when asked for. Registry writes need a bearer token that the stack
 * generates at start, hands to its own clients and writes to {@code <dataDir>/registry-token}
 * (readable by its owner only) for other clients on the machine; it is never logged.
 */
public final class EmbeddedStack implements AutoCloseable {
  /**
   * @param dataDir where the broker, registry and checkpoints keep their data
   * @param externalKafka bootstrap servers of a running broker, or null to start one in-process
   * @param model the model the inference subscription serves
   * @param partitions partitions of each Plasticity topic
   * @param trainer adjusts the trainer's configuration (defaults otherwise)
   * @param driftJob adjusts the drift job's options (defaults otherwise)
   * @param join how long the label join waits for labels and events
   */
  public record Options(
      Path dataDir,
      String externalKafka,
      String model,
      int partitions,
      java.util.function.UnaryOperator<TrainerConfig.Builder> trainer,
      java.util.function.UnaryOperator<DriftJobOptions.Builder> driftJob,
      JoinSettings join) {

    public Options {
      java.util.Objects.requireNonNull(join, "join");
    }

    /** Options with the label join's default window and grace ({@link JoinSettings#defaults()}). */
    public Options(Path dataDir, String externalKafka, String model, int partitions,
        java.util.function.UnaryOperator<TrainerConfig.Builder> trainer,
        java.util.function.UnaryOperator<DriftJobOptions.Builder> driftJob) {
      this(dataDir, externalKafka, model, partitions, trainer, driftJob, JoinSettings.defaults());
    }

    public static Options defaults(Path dataDir) {
      return new Options(dataDir, null, "sea", 2, b -> b, b -> b);
    }

    Options withExternalKafka(String bootstrapServers) {
      return new Options(dataDir, bootstrapServers, model, partitions, trainer, driftJob, join);
    }

    /** These options with {@code adjust} applied to the trainer's configuration after what they set already. */
    Options withTrainer(java.util.function.UnaryOperator<TrainerConfig.Builder> adjust) {
      java.util.function.UnaryOperator<TrainerConfig.Builder> before = trainer;
      return new Options(dataDir, externalKafka, model, partitions, b -> adjust.apply(before.apply(b)), driftJob,
          join);
    }

    /** These options with other label-join settings (window, grace, prediction wait). */
    public Options withJoin(JoinSettings settings) {
      return new Options(dataDir, externalKafka, model, partitions, trainer, driftJob, settings);
    }
  }

  private final List<AutoCloseable> started = new ArrayList<>();
  private final List<TrainingOutcome> outcomes = new CopyOnWriteArrayList<>();
  private String bootstrapServers;
  private URI registryUrl;
  private String registryToken;
  private Path registryTokenFile;
  private JobClient driftJob;
  private String driftJobGroupId;
  private TrainerService trainer;
  private HotSwapPredictor predictor;
  private ModelLoader loader;
  private ModelSubscription subscription;
  private ScoringApp scoring;
  private LabelJoinApp labelJoin;
  private MetricsEndpoint metricsEndpoint;
  private OptionalInt driftJobPrometheusPort = OptionalInt.empty();

  private EmbeddedStack() {}

  public static EmbeddedStack start(Options options) {
    return start(options, OptionalInt.empty());
  }

  /**
   * Starts the stack with the drift job's Prometheus reporter on {@code driftJobPrometheusPort}
   * (every interface; pick one with {@link DriftJob#prometheusPort}), when one is given.
   */
  public static EmbeddedStack start(Options options, OptionalInt driftJobPrometheusPort) {
    EmbeddedStack stack = new EmbeddedStack();
    stack.driftJobPrometheusPort = driftJobPrometheusPort;
    try {
      stack.startAll(options);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Options options) {
    Path dir = options.dataDir();
    if (options.externalKafka() == null) {
      EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
      started.add(broker);
      bootstrapServers = broker.bootstrapServers();
    } else {
      bootstrapServers = options.externalKafka();
    }
    KafkaTopics.ensure(bootstrapServers, options.partitions(), (short) 1);

    registryToken = newToken();
    registryTokenFile = writeToken(dir.resolve("registry-token"), registryToken);
    RegistryServer registry = RegistryServer.start(RegistryConfig.builder()
        .dataDir(dir.resolve("registry")).httpPort(0).bindHost("127.0.0.1").bearerToken(registryToken)
        .kafkaBootstrapServers(bootstrapServers).build());
    started.add(registry);
    registryUrl = registry.baseUri();
    registryClient().ensureModel(options.model());

    ServiceMetrics metrics = ServiceMetrics.create(); // the trainer's, the scoring app's and the join's
    started.add(metrics);
    metricsEndpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics);
    started.add(metricsEndpoint);

    DriftJobOptions driftOptions = options.driftJob().apply(DriftJobOptions.builder(bootstrapServers)
        .transactionalIdPrefix("plasticity-drift-" + java.util.UUID.randomUUID())).build();
    JobClient job;
    try {
      job = DriftJob.startLocal(driftOptions, driftJobPrometheusPort);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the drift job: " + e.getMessage(), e);
    }
    driftJob = job;
    driftJobGroupId = driftOptions.groupId();
    started.add(() -> {
      if (!job.getJobExecutionResult().isDone()) {
        job.cancel().get();
      }
    });

    trainer = TrainerService.create(options.trainer().apply(
            TrainerConfig.builder(bootstrapServers, registryUrl).registryToken(registryToken)).build(), metrics.registry())
        .onOutcome(outcomes::add)
        .start();
    started.add(trainer);

    predictor = new HotSwapPredictor(options.model());
    started.add(predictor);
    loader = new ModelLoader(registryClient(), predictor);
    subscription = ModelSubscription.start(bootstrapServers, loader);
    started.add(subscription);

    scoring = ScoringApp.start(new ScoringConfig(bootstrapServers, registryUrl, registryToken,
        List.of(options.model()), ScoringConfig.DEFAULT_APPLICATION_ID, dir.resolve("scoring-state")));
    started.add(scoring);
    scoring.bindTo(metrics.registry());
    // the join starts live verification too, rolling back in the stack's registry a champion that loses
    labelJoin = LabelJoinApp.start(new JoinConfig(bootstrapServers, LabelJoinApp.DEFAULT_APPLICATION_ID,
        dir.resolve("label-join-state"), options.join(),
        Optional.of(VerifyConfig.of(registryUrl, registryToken))), Map.of());
    started.add(labelJoin);
    labelJoin.bindTo(metrics.registry());
  }

  /**
   * Where Prometheus scrapes each part of the stack: {@code registry}, {@code services} (the trainer,
   * the scoring app and the label join) and, when it runs, the drift job's reporter {@code drift-job}.
   */
  public Map<String, URI> metricsEndpoints() {
    Map<String, URI> endpoints = new LinkedHashMap<>();
    endpoints.put("registry", registryUrl.resolve("/metrics"));
    endpoints.put("services", metricsEndpoint.uri());
    driftJobPrometheusPort.ifPresent(port -> endpoints.put("drift-job", URI.create("http://127.0.0.1:" + port + "/metrics")));
    return endpoints;
  }

  /** A client of the stack's registry that carries its token. */
  public RegistryClient registryClient() {
    return new RegistryClient(registryUrl, Duration.ofSeconds(30), registryToken);
  }

  /** Where the registry's bearer token is written, for clients outside this JVM. */
  Path registryTokenFile() {
    return registryTokenFile;
  }

  /** The consumer group the drift job reads events in; it commits its offsets at each checkpoint. */
  public String driftJobGroupId() {
    return driftJobGroupId;
  }

  /** The drift job running in this JVM's MiniCluster. */
  JobClient driftJob() {
    return driftJob;
  }

  /**
   * How each service is doing: the registry (its own health route), the drift job (Flink's view of
   * it), the trainer and the inference subscription (whether their threads still run, and why not).
   */
  public List<ServiceHealth> health() {
    List<ServiceHealth> health = new ArrayList<>();
    health.add(registryHealth());
    health.add(DriftJobHealth.of(driftJob));
    health.add(trainer.failure().map(e -> ServiceHealth.failed("trainer", e))
        .orElseGet(() -> trainer.isRunning() ? ServiceHealth.up("trainer", "consuming triggers")
            : ServiceHealth.stopped("trainer", "not consuming triggers")));
    health.add(subscription.failure().map(e -> ServiceHealth.failed("inference", e))
        .orElseGet(() -> subscription.isRunning()
            ? ServiceHealth.up("inference", "following versions of " + subscription.model())
            : ServiceHealth.stopped("inference", "not following versions")));
    health.add(streamsHealth("scoring", scoring.state(), scoring.counts().toString()));
    health.add(streamsHealth("label-join", labelJoin.state(), labelJoin.counters()
        + labelJoin.verifier().map(verifier -> "; " + verifier).orElse("")));
    return health;
  }

  private static ServiceHealth streamsHealth(String service, KafkaStreams.State state, String counts) {
    return switch (state) {
      case RUNNING, REBALANCING -> ServiceHealth.up(service, state + ": " + counts);
      case CREATED -> ServiceHealth.recovering(service, "starting");
      case ERROR -> ServiceHealth.failed(service, new IllegalStateException("Kafka Streams failed; " + counts));
      case PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR -> ServiceHealth.stopped(service, state + ": " + counts);
    };
  }

  private ServiceHealth registryHealth() {
    HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/health"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? ServiceHealth.up("registry", "answering at " + registryUrl)
          : ServiceHealth.recovering("registry", "health answered " + response.statusCode() + ": " + response.body());
    } catch (IOException e) {
      return ServiceHealth.recovering("registry", "not answering at " + registryUrl + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ServiceHealth.recovering("registry", "interrupted");
    }
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Writes the token to {@code file}, readable and writable by its owner only where the filesystem allows. */
  private static Path writeToken(Path file, String token) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the registry token to " + file, e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public URI registryUrl() {
    return registryUrl;
  }

  public TrainerService trainer() {
    return trainer;
  }

  public HotSwapPredictor predictor() {
    return predictor;
  }

  /** Loads and swaps in new versions; register swap and rejection listeners here. */
  public ModelLoader loader() {
    return loader;
  }

  /** The Kafka Streams scoring app: it answers unlabelled events of the stack's model with predictions. */
  public ScoringApp scoring() {
    return scoring;
  }

  /** What the scoring app did with the records it read so far. */
  public ScoringCounts scoringCounts() {
    return scoring.counts();
  }

  /** What the label join did since it started: labelled events written, labels held, orphans. */
  public JoinCounters joinCounters() {
    return labelJoin.counters();
  }

  /** Everything the trainer has finished so far, in order. */
  public List<TrainingOutcome> outcomes() {
    return List.copyOf(outcomes);
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.err.println("while stopping " + started.get(i).getClass().getSimpleName() + ": " + e);
      }
    }
    started.clear();
  }
}
