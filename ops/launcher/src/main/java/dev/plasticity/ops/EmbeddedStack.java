package dev.plasticity.ops;

import dev.plasticity.embedded.EmbeddedKafkaBroker;
import dev.plasticity.embedded.KafkaTopics;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.ModelSubscription;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.streamjobs.DriftJob;
import dev.plasticity.streamjobs.DriftJobOptions;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainerService;
import dev.plasticity.trainer.TrainingOutcome;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.core.execution.JobClient;

/**
 * Every Plasticity service in one JVM on one machine, no Docker: a real Kafka broker (KRaft,
 * in-process; or an external one), the registry on embedded H2 and the local filesystem, the
 * Flink drift job in a local MiniCluster, a trainer, and an inference subscription for one
 * model. Closing it stops everything in reverse order.
 */
public final class EmbeddedStack implements AutoCloseable {
  /**
   * @param dataDir where the broker, registry and checkpoints keep their data
   * @param externalKafka bootstrap servers of a running broker, or null to start one in-process
   * @param model the model the inference subscription serves
   * @param partitions partitions of each Plasticity topic
   * @param trainer adjusts the trainer's configuration (defaults otherwise)
   * @param driftJob adjusts the drift job's options (defaults otherwise)
   */
  public record Options(
      Path dataDir,
      String externalKafka,
      String model,
      int partitions,
      java.util.function.UnaryOperator<TrainerConfig.Builder> trainer,
      java.util.function.UnaryOperator<DriftJobOptions.Builder> driftJob) {

    public static Options defaults(Path dataDir) {
      return new Options(dataDir, null, "sea", 2, b -> b, b -> b);
    }

    public Options withExternalKafka(String bootstrapServers) {
      return new Options(dataDir, bootstrapServers, model, partitions, trainer, driftJob);
    }

    /** These options with {@code adjust} applied to the trainer's configuration after what they set already. */
    public Options withTrainer(java.util.function.UnaryOperator<TrainerConfig.Builder> adjust) {
      java.util.function.UnaryOperator<TrainerConfig.Builder> before = trainer;
      return new Options(dataDir, externalKafka, model, partitions, b -> adjust.apply(before.apply(b)), driftJob);
    }
  }

  private final List<AutoCloseable> started = new ArrayList<>();
  private final List<TrainingOutcome> outcomes = new CopyOnWriteArrayList<>();
  private String bootstrapServers;
  private URI registryUrl;
  private TrainerService trainer;
  private HotSwapPredictor predictor;
  private ModelLoader loader;

  private EmbeddedStack() {}

  public static EmbeddedStack start(Options options) {
    EmbeddedStack stack = new EmbeddedStack();
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

    RegistryServer registry = RegistryServer.start(RegistryConfig.builder()
        .dataDir(dir.resolve("registry")).httpPort(0).kafkaBootstrapServers(bootstrapServers).build());
    started.add(registry);
    registryUrl = registry.baseUri();
    new RegistryClient(registryUrl).ensureModel(options.model());

    DriftJobOptions driftOptions = options.driftJob().apply(DriftJobOptions.builder(bootstrapServers)
        .transactionalIdPrefix("plasticity-drift-" + java.util.UUID.randomUUID())).build();
    JobClient job;
    try {
      job = DriftJob.startLocal(driftOptions);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the drift job: " + e.getMessage(), e);
    }
    started.add(() -> job.cancel().get());

    trainer = TrainerService.create(options.trainer().apply(TrainerConfig.builder(bootstrapServers, registryUrl)).build())
        .onOutcome(outcomes::add)
        .start();
    started.add(trainer);

    predictor = new HotSwapPredictor(options.model());
    started.add(predictor);
    loader = new ModelLoader(new RegistryClient(registryUrl), predictor);
    ModelSubscription subscription = ModelSubscription.start(bootstrapServers, loader);
    started.add(subscription);
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
