package dev.plasticity.ops;

import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.MetricsSettings;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainerService;
import dev.plasticity.streamjobs.DriftJobOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * One Plasticity service per process, configured by environment, for the distributed setup. The
 * trainer, the drift job and scoring answer {@code GET /health} on {@link ServiceEnvironment#HEALTH_HOST}
 * (127.0.0.1) and {@link ServiceEnvironment#HEALTH_PORT} (any free port, printed), and exit with status 1, saying why, when they stop
 * for good. With {@code PLASTICITY_METRICS_PORT} set, the trainer and scoring answer {@code GET /metrics}
 * there ({@link MetricsSettings}), and the drift job runs Flink's Prometheus reporter on it.
 */
final class ServiceCommands {
  private ServiceCommands() {}

  /**
   * The metrics endpoint the environment asks for ({@link MetricsSettings}), printed, if any.
   *
   * @throws IllegalArgumentException naming the variable that is malformed
   */
  static Optional<MetricsEndpoint> metricsEndpoint(ServiceMetrics metrics) {
    Optional<MetricsEndpoint> endpoint = MetricsSettings.startEndpoint(System.getenv(), metrics);
    endpoint.ifPresent(e -> System.out.println("Metrics: " + e.uri()));
    return endpoint;
  }

  /** Where the trainer's and the drift job's health endpoints listen. */
  static HealthEndpoint healthEndpoint(java.util.function.Supplier<List<ServiceHealth>> checks) {
    Map<String, String> env = System.getenv();
    HealthEndpoint endpoint = HealthEndpoint.start(ServiceEnvironment.HEALTH_HOST.require(env),
        ServiceEnvironment.HEALTH_PORT.require(env), checks);
    System.out.println("Health: http://" + endpoint.host() + ":" + endpoint.port() + "/health");
    return endpoint;
  }

  /** Waits until one of {@code health}'s services stops for good or the JVM shuts down; 1 in the first case. */
  static int runUntilStopped(java.util.function.Supplier<List<ServiceHealth>> health, String command)
      throws InterruptedException {
    CountDownLatch stopping = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stopping::countDown, command + "-shutdown"));
    try (HealthEndpoint ignored = healthEndpoint(health)) {
      Optional<ServiceHealth> failed = StackCommand.watch(health, stopping);
      if (failed.isPresent()) {
        System.err.println("plasticity " + command + ": " + failed.get().service() + " stopped (" + failed.get().detail() + ")");
        return 1;
      }
      return 0;
    }
  }

  /** The longest a SIGTERM waits for a service to close before the JVM halts. */
  static final java.time.Duration SHUTDOWN_WAIT = java.time.Duration.ofSeconds(90);

  /**
   * {@link #runUntilStopped(java.util.function.Supplier, String)}, then closes {@code service}; a
   * SIGTERM or Ctrl-C waits (up to {@link #SHUTDOWN_WAIT}) until it is closed, so that the JVM does
   * not halt halfway through.
   */
  static int runUntilStopped(java.util.function.Supplier<List<ServiceHealth>> health, String command,
      AutoCloseable service) throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    CountDownLatch stopping = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.countDown();
      try {
        closed.await(SHUTDOWN_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, command + "-shutdown"));
    try (HealthEndpoint ignored = healthEndpoint(health)) {
      Optional<ServiceHealth> failed = StackCommand.watch(health, stopping);
      if (failed.isPresent()) {
        System.err.println("plasticity " + command + ": " + failed.get().service() + " stopped (" + failed.get().detail() + ")");
        return 1;
      }
      return 0;
    } finally {
      try {
        service.close();
      } finally {
        closed.countDown();
      }
    }
  }

  @Command(name = "scoring", mixinStandardHelpOptions = true,
      description = {"Runs the scoring app (unlabelled events to predictions) and the",
        "delayed-label join (events, predictions and labels to labelled events), or",
        "either alone, configured by the environment below. GET /health on the health",
        "host and port, one entry per part; exits with status 1 when a part stops on",
        "an error, 2 when a variable is malformed. See docs/scoring.md."})
  static final class Scoring implements Callable<Integer> {
    @Option(names = "--only", paramLabel = "PART", converter = ScoringPart.Converter.class,
        description = "run only this part: scoring or join (default: both)")
    ScoringPart only;

    /** The parts this command runs. */
    java.util.Set<ScoringPart> parts() {
      return ScoringPart.running(only);
    }

    @Override
    public Integer call() throws Exception {
      ScoringProcess.Config config;
      try {
        config = ScoringProcess.Config.from(parts(), System.getenv());
      } catch (IllegalArgumentException e) {
        System.err.println("plasticity scoring cannot start: " + e.getMessage());
        return 2;
      }
      ServiceMetrics metrics = ServiceMetrics.create();
      Optional<MetricsEndpoint> endpoint;
      try {
        endpoint = metricsEndpoint(metrics);
      } catch (IllegalArgumentException e) {
        System.err.println("plasticity scoring cannot start: " + e.getMessage());
        metrics.close();
        return 2;
      }
      ScoringProcess process = ScoringProcess.start(config, Map.of());
      process.scoring().ifPresent(app -> app.bindTo(metrics.registry()));
      process.join().ifPresent(app -> app.bindTo(metrics.registry()));
      return runUntilStopped(process::health, "scoring", () -> {
        try {
          process.close();
        } finally {
          endpoint.ifPresent(MetricsEndpoint::close);
          metrics.close();
        }
      });
    }
  }

  @Command(name = "registry", mixinStandardHelpOptions = true,
      description = "Runs the model registry, configured by the environment below.")
  static final class Registry implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      dev.plasticity.registry.server.RegistryServer.main(new String[0]);
      return 0;
    }
  }

  @Command(name = "trainer", mixinStandardHelpOptions = true,
      description = {"Runs a trainer replica (all replicas share one consumer group), configured",
        "by the environment below. GET /health on the health host and port; exits with",
        "status 1 when the trainer stops on an error."})
  static final class Trainer implements Callable<Integer> {
    @Option(names = "--policy", paramLabel = "RULES", converter = PolicyConverter.class,
        description = {"how to answer each trigger, for every model without its own: " + PolicyConverter.SYNTAX,
          "tried before the default rules (default: PLASTICITY_TRAINER_POLICY, else the default rules alone)"})
    RetrainingPolicy policy;

    @Option(names = "--model-policy", paramLabel = "MODEL=RULES",
        description = "the policy of one model, replacing --policy for it; repeatable")
    Map<String, String> modelPolicies = new LinkedHashMap<>();

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      TrainerConfig.Builder config = TrainerService.configFromEnvironment();
      if (policy != null) {
        config.policy(policy);
      }
      modelPolicies.forEach((model, rules) -> config.policy(model, PolicyConverter.parse(spec, model, rules)));
      ServiceMetrics metrics = ServiceMetrics.create();
      Optional<MetricsEndpoint> endpoint = metricsEndpoint(metrics);
      TrainerService trainer = TrainerService.create(config.build(), metrics.registry()).start();
      return runUntilStopped(() -> List.of(trainer.failure().map(e -> ServiceHealth.failed("trainer", e))
          .orElseGet(() -> trainer.isRunning() ? ServiceHealth.up("trainer", "consuming triggers")
              : ServiceHealth.stopped("trainer", "not consuming triggers"))), "trainer", () -> {
                try {
                  trainer.close();
                } finally {
                  endpoint.ifPresent(MetricsEndpoint::close);
                  metrics.close();
                }
              });
    }
  }

  @Command(name = "inference", mixinStandardHelpOptions = true,
      description = {"Runs the prediction service for one model, configured by the environment",
        "below. GET /health answers 503 once the version subscription has failed; an",
        "Error exits with status 1."})
  static final class Inference implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      dev.plasticity.inference.service.InferenceService.main(new String[0]);
      return 0;
    }
  }

  @Command(name = "drift-job", mixinStandardHelpOptions = true,
      description = {"Runs the Flink drift job in a local MiniCluster (REST endpoint on 127.0.0.1)",
        "with the job jar's arguments, e.g. --bootstrap-servers HOST:PORT.",
        "GET /health on the health host and port; exits with status 1 when the job fails."})
  static final class DriftJob implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "passed to the drift job")
    String[] args = new String[0];

    @Override
    public Integer call() throws Exception {
      java.util.OptionalInt prometheusPort = MetricsSettings.PORT.in(System.getenv())
          .map(port -> java.util.OptionalInt.of(dev.plasticity.streamjobs.DriftJob.prometheusPort(port)))
          .orElse(java.util.OptionalInt.empty());
      JobClient job = dev.plasticity.streamjobs.DriftJob.startLocal(DriftJobOptions.fromArgs(args), prometheusPort);
      prometheusPort.ifPresent(port -> System.out.println("Metrics: http://127.0.0.1:" + port
          + "/metrics (Flink's Prometheus reporter, on every interface)"));
      return runUntilStopped(() -> List.of(DriftJobHealth.of(job)), "drift-job", () -> cancel(job));
    }

    /**
     * Cancels the job unless it has ended, and waits until it has, so that a SIGTERM does not halt
     * the JVM while its tasks still run (checkpoints in {@code --checkpoint-directory} are kept).
     */
    private static void cancel(JobClient job) throws Exception {
      if (job.getJobExecutionResult().isDone()) {
        return;
      }
      job.cancel().get();
      try {
        job.getJobExecutionResult().get();
      } catch (java.util.concurrent.ExecutionException cancelled) {
        // the result of a cancelled job is its cancellation
      }
    }
  }
}
