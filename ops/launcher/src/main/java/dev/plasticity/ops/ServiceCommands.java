package dev.plasticity.ops;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** One Plasticity service per process, configured by environment, for the distributed setup. */
final class ServiceCommands {
  private ServiceCommands() {}

  @Command(name = "registry", mixinStandardHelpOptions = true,
      description = {"Runs the model registry.",
        "Environment: PLASTICITY_REGISTRY_PORT (8081), PLASTICITY_REGISTRY_DATA_DIR (./registry-data),",
        "PLASTICITY_REGISTRY_JDBC_URL/_USER/_PASSWORD (embedded H2 if unset), PLASTICITY_REGISTRY_PUBLIC_URL,",
        "PLASTICITY_KAFKA_BOOTSTRAP (versions are not announced if unset)."})
  static final class Registry implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      dev.plasticity.registry.server.RegistryServer.main(new String[0]);
      return 0;
    }
  }

  @Command(name = "trainer", mixinStandardHelpOptions = true,
      description = {"Runs a trainer replica (all replicas share one consumer group).",
        "Environment: PLASTICITY_KAFKA_BOOTSTRAP (localhost:9092), PLASTICITY_REGISTRY_URL (http://localhost:8081),",
        "PLASTICITY_TRAINER_GROUP (plasticity-trainer)."})
  static final class Trainer implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      dev.plasticity.trainer.TrainerService.main(new String[0]);
      return 0;
    }
  }

  @Command(name = "inference", mixinStandardHelpOptions = true,
      description = {"Runs the prediction service for one model.",
        "Environment: PLASTICITY_MODEL (required), PLASTICITY_KAFKA_BOOTSTRAP, PLASTICITY_REGISTRY_URL,",
        "PLASTICITY_INFERENCE_PORT (8082)."})
  static final class Inference implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      dev.plasticity.inference.InferenceService.main(new String[0]);
      return 0;
    }
  }

  @Command(name = "drift-job", mixinStandardHelpOptions = true,
      description = "Runs the Flink drift job in a local MiniCluster; arguments as DriftJob's main (e.g. --bootstrap HOST:PORT).")
  static final class DriftJob implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "passed to the drift job")
    String[] args = new String[0];

    @Override
    public Integer call() throws Exception {
      dev.plasticity.streamjobs.DriftJob.main(args);
      return 0;
    }
  }
}
