package dev.plasticity.ops;

import dev.plasticity.trainer.RetrainingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code plasticity stack}: the embedded stack until Ctrl-C, or until one of its services stops for
 * good (the drift job failed, the trainer's or the inference subscription's thread died): then it
 * says which and why on standard error, stops the rest and exits with status 1.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
    description = {"Runs the embedded stack (Kafka, registry, drift job, trainer, inference for one model) until Ctrl-C.",
      "Exits with status 1, naming the service and the cause, when one of them stops for good.",
      "Everything listens on 127.0.0.1; registry writes need the token written to DATA_DIR/registry-token."})
final class StackCommand implements Callable<Integer> {
  static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);

  @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (default: a new temporary one)")
  Path dataDir;

  @Option(names = "--model", defaultValue = "sea", description = "model the inference subscription serves (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--policy", paramLabel = "RULES", converter = PolicyConverter.class,
      description = {"how the trainer answers each trigger: " + PolicyConverter.SYNTAX,
        "tried before the default rules (default: the default rules alone)"})
  RetrainingPolicy policy = RetrainingPolicy.defaults();

  @Option(names = "--health-port", defaultValue = "${env:" + ServiceEnvironment.HEALTH_PORT_NAME + ":-0}",
      description = "port of GET /health on 127.0.0.1 (default: " + ServiceEnvironment.HEALTH_PORT_NAME
          + ", else any free port)")
  int healthPort;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("plasticity-stack-");
    EmbeddedStack.Options defaults = EmbeddedStack.Options.defaults(dir);
    EmbeddedStack stack = EmbeddedStack.start(new EmbeddedStack.Options(dir, null, model, defaults.partitions(),
        defaults.trainer(), defaults.driftJob()).withTrainer(b -> b.policy(policy)));
    HealthEndpoint health = HealthEndpoint.start(HealthEndpoint.DEFAULT_HOST, healthPort, stack::health);
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch stopping = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopping.countDown();
      health.close();
      stack.close();
      stopped.countDown();
    }, "stack-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("Kafka:    " + stack.bootstrapServers());
    System.out.println("Registry: " + stack.registryUrl() + " (writes need the bearer token in " + stack.registryTokenFile() + ")");
    System.out.println("Console:  " + stack.registryUrl().resolve("/console") + " (asks for that token)");
    System.out.println("Health:   http://" + health.host() + ":" + health.port() + "/health");
    stack.metricsEndpoints().forEach((part, uri) -> System.out.println("Metrics:  " + uri + " (" + part + ")"));
    System.out.println("Data:     " + dir);
    System.out.println("Drift job, trainer and inference for '" + model + "' are running. Ctrl-C stops.");
    Optional<ServiceHealth> failed = watch(stack::health, stopping);
    if (failed.isEmpty()) {
      stopped.await(); // Ctrl-C: the hook stops everything
      return 0;
    }
    System.err.println("plasticity stack: " + failed.get().service() + " stopped (" + failed.get().detail()
        + "); stopping the stack");
    Runtime.getRuntime().removeShutdownHook(hook);
    hook.run();
    return 1;
  }

  /**
   * Checks the services every {@link #WATCH_INTERVAL} until one has stopped for good (returned) or
   * {@code stopping} opens (empty).
   */
  static Optional<ServiceHealth> watch(java.util.function.Supplier<List<ServiceHealth>> health, CountDownLatch stopping)
      throws InterruptedException {
    while (!stopping.await(WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
      for (ServiceHealth service : health.get()) {
        if (service.stopped() && stopping.getCount() > 0) {
          return Optional.of(service);
        }
      }
    }
    return Optional.empty();
  }
}
