package dev.plasticity.ops;

import dev.plasticity.trainer.RetrainingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code plasticity stack}: the embedded stack until Ctrl-C. */
@Command(name = "stack", mixinStandardHelpOptions = true,
    description = "Runs the embedded stack (Kafka, registry, drift job, trainer, inference for one model) until Ctrl-C.")
final class StackCommand implements Callable<Integer> {
  @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (default: a new temporary one)")
  Path dataDir;

  @Option(names = "--model", defaultValue = "sea", description = "model the inference subscription serves (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--policy", paramLabel = "RULES", converter = PolicyConverter.class,
      description = {"how the trainer answers each trigger: " + PolicyConverter.SYNTAX,
        "tried before the default rules (default: the default rules alone)"})
  RetrainingPolicy policy = RetrainingPolicy.defaults();

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("plasticity-stack-");
    EmbeddedStack.Options defaults = EmbeddedStack.Options.defaults(dir);
    EmbeddedStack stack = EmbeddedStack.start(new EmbeddedStack.Options(dir, null, model, defaults.partitions(),
        defaults.trainer(), defaults.driftJob()).withTrainer(b -> b.policy(policy)));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }));
    System.out.println("Kafka:    " + stack.bootstrapServers());
    System.out.println("Registry: " + stack.registryUrl());
    System.out.println("Data:     " + dir);
    System.out.println("Drift job, trainer and inference for '" + model + "' are running. Ctrl-C stops.");
    stopped.await();
    return 0;
  }
}
