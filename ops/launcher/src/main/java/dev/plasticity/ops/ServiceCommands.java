package dev.plasticity.ops;

import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainerService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
        "PLASTICITY_TRAINER_GROUP (plasticity-trainer), PLASTICITY_TRAINER_POLICY (as --policy)."})
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
      TrainerService.runUntilStopped(config.build());
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
