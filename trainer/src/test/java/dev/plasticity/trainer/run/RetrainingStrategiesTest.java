package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.CandidateTrial;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.TestConstraints;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.network.NetworkCost;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retraining runs that search architectures or fine-tune the serving version, against a real
 * broker and registry.
 */
class RetrainingStrategiesTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  @Test
  void searchesFromTheServingNetworkAndKeepsEveryCandidateInTheLineage() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<String, LabelledEvent> events = producer(AvroSerde.of(LabelledEvent.class));
        ProgressReporter progress = new ProgressReporter(kafka.bootstrapServers(), Clock.systemUTC())) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("searched");
      long t0 = System.currentTimeMillis() - 3_000_000;
      long t1 = publishConceptChange(events, "searched", t0, 1);
      TrainerConfig.Builder base = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
          .constraints(TestConstraints.BUSY_MACHINE)
          .trainingEvents(1200).minTrainingEvents(600).dataWait(Duration.ofSeconds(20)).epochs(6)
          .hiddenUnits(List.of(16));
      TrainingOutcome first = new RetrainingRun(base.build(), client, progress, Clock.systemUTC())
          .run("bootstrap", "searched", null, window(t0), 1200);
      assertThat(first.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);

      long limit = 3_000;
      TrainerConfig searching = base.strategy("search:evolution").searchCandidates(6).searchMaxEpochs(4)
          .constraints(List.of(new Constraint.MaxParameters(limit))).build();
      RetrainingRun run = new RetrainingRun(searching, client, progress, Clock.systemUTC());
      TrainingOutcome outcome = run.run("search-1", "searched", 1, window(t1), 1200);

      ModelVersion v2 = outcome.version().orElseThrow();
      Lineage lineage = v2.getLineage();
      assertThat(lineage.getStrategy()).isEqualTo("search:evolution");
      List<CandidateTrial> trained = lineage.getCandidates().stream().filter(c -> c.getEpochs() > 0).toList();
      assertThat(trained).hasSize(6);
      assertThat(trained.get(0).getArchitecture().getHiddenUnits()).isEqualTo(List.of(16));
      // the serving network starts exactly where v1 was, rescaled to the new window's inputs
      assertThat(trained.get(0).getStart()).startsWith("function-preserving").contains("re-standardise");
      assertThat(trained).allSatisfy(c -> assertThat(c.getStart()).matches("(function-preserving|shapewise|fresh): .*"));
      assertThat(trained).allSatisfy(c -> {
        assertThat(c.getParameters()).isLessThanOrEqualTo(limit);
        assertThat(c.getScore()).isBetween(0.0, 1.0);
        assertThat(c.getRejection()).isNull();
      });
      // the space holds networks above the limit: the search met some and refused them untrained
      List<CandidateTrial> refused = lineage.getCandidates().stream().filter(c -> c.getEpochs() == 0).toList();
      assertThat(refused).isNotEmpty()
          .allSatisfy(c -> assertThat(c.getRejection()).contains("exceed the limit of 3000"));
      assertThat(v2.getMetrics()).containsEntry("candidates_refused", (double) refused.size());
      assertThat(NetworkCost.parameters(v2.getArchitecture())).isLessThanOrEqualTo(limit);
      assertThat(trained).anySatisfy(c -> assertThat(c.getArchitecture()).isEqualTo(v2.getArchitecture()));
      assertThat(v2.getMetrics()).containsEntry("candidates_trained", 6.0);
      // what the registry stored reads back the same, candidates included
      assertThat(client.version("searched", 2).orElseThrow().getLineage().getCandidates())
          .isEqualTo(lineage.getCandidates());
      // and a consumer rebuilds the searched network from the registry
      try (ai.djl.Model model = ModelFormat.load("searched", v2.getArchitecture(), client.downloadVerified(v2))) {
        assertThat(model.getBlock().getParameters().size()).isPositive();
      }
    }
  }

  @Test
  void fineTuningTheHeadKeepsEveryLowerWeightOfTheServingNetwork() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<String, LabelledEvent> events = producer(AvroSerde.of(LabelledEvent.class));
        ProgressReporter progress = new ProgressReporter(kafka.bootstrapServers(), Clock.systemUTC())) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("tuned");
      long t0 = System.currentTimeMillis() - 6_000_000;
      long t1 = publishConceptChange(events, "tuned", t0, 3);
      TrainerConfig.Builder base = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
          .constraints(TestConstraints.BUSY_MACHINE)
          .trainingEvents(1200).minTrainingEvents(600).dataWait(Duration.ofSeconds(20)).epochs(6)
          .hiddenUnits(List.of(16, 16));
      ModelVersion v1 = new RetrainingRun(base.build(), client, progress, Clock.systemUTC())
          .run("bootstrap", "tuned", null, window(t0), 1200).version().orElseThrow();

      TrainingOutcome outcome = new RetrainingRun(base.strategy("fine-tune:head").build(), client, progress, Clock.systemUTC())
          .run("tune-1", "tuned", 1, window(t1), 1200);

      ModelVersion v2 = outcome.version().orElseThrow();
      assertThat(v2.getLineage().getStrategy()).isEqualTo("fine-tune:head");
      assertThat(v2.getLineage().getParentVersion()).isEqualTo(1);
      assertThat(v2.getArchitecture()).as("the parent's network and input scaling").isEqualTo(v1.getArchitecture());
      List<float[]> before = parameters(v1, client);
      List<float[]> after = parameters(v2, client);
      int head = before.size() - 2; // the output Linear's weight and bias come last
      for (int i = 0; i < head; i++) {
        assertThat(after.get(i)).as("lower parameter %d", i).isEqualTo(before.get(i));
      }
      assertThat(after.get(head)).as("the head's weights").isNotEqualTo(before.get(head));
      assertThat(outcome.challengerAccuracy().getAsDouble()).isGreaterThan(outcome.servingAccuracy().getAsDouble());
    }
  }

  @Test
  void ewcReadsBackTheWindowTheServingVersionLearntFromAndTheLineageNamesIt() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<String, LabelledEvent> events = producer(AvroSerde.of(LabelledEvent.class));
        ProgressReporter progress = new ProgressReporter(kafka.bootstrapServers(), Clock.systemUTC())) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("consolidated");
      long t0 = System.currentTimeMillis() - 9_000_000;
      long t1 = publishConceptChange(events, "consolidated", t0, 5);
      TrainerConfig.Builder base = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
          .constraints(TestConstraints.BUSY_MACHINE)
          .trainingEvents(1200).minTrainingEvents(600).dataWait(Duration.ofSeconds(20)).epochs(6)
          .hiddenUnits(List.of(16, 16));
      ModelVersion v1 = new RetrainingRun(base.build(), client, progress, Clock.systemUTC())
          .run("bootstrap", "consolidated", null, window(t0), 1200).version().orElseThrow();

      AdaptationSettings settings = AdaptationSettings.DEFAULTS;
      settings = new AdaptationSettings(settings.ewcLambda(), 200, settings.distillTemperature(), settings.distillAlpha(),
          settings.studentHiddenUnits(), settings.maxImportanceWeight());
      TrainingOutcome outcome = new RetrainingRun(base.strategy("ewc").adaptationSettings(settings).build(), client,
          progress, Clock.systemUTC()).run("ewc-1", "consolidated", 1, window(t1), 1200);

      ModelVersion v2 = outcome.version().orElseThrow();
      assertThat(v2.getLineage().getStrategy()).isEqualTo("ewc");
      assertThat(v2.getLineage().getParentVersion()).isEqualTo(1);
      assertThat(v2.getArchitecture()).as("the parent's network and input scaling").isEqualTo(v1.getArchitecture());
      // v1's window holds 1,500 old-concept events before the new window starts; a run reads at most 1,200
      assertThat(v2.getMetrics()).containsEntry("reference_events", 1200.0)
          .containsEntry("ewc_lambda", AdaptationSettings.DEFAULTS.ewcLambda()).containsEntry("ewc_fisher_events", 200.0);
      assertThat(outcome.message()).contains("Fisher on 200 reference events");
      assertThat(outcome.challengerAccuracy().getAsDouble()).isGreaterThan(outcome.servingAccuracy().getAsDouble());

      // v2 learnt from the window that starts here: nothing before it to weight, and the run says so
      TrainingOutcome weighted = new RetrainingRun(base.strategy("importance-weighting").build(), client, progress,
          Clock.systemUTC()).run("iw-1", "consolidated", 2, window(t1), 1200);
      assertThat(weighted.version().orElseThrow().getLineage().getStrategy()).isEqualTo("importance-weighting");
      assertThat(weighted.message()).contains("no reference events");
    }
  }

  @Test
  void earlyExitsMeetAComputeBudgetTheServingNetworkMissesAndTheVersionRecordsWhereRowsLeave() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<String, LabelledEvent> events = producer(AvroSerde.of(LabelledEvent.class));
        ProgressReporter progress = new ProgressReporter(kafka.bootstrapServers(), Clock.systemUTC())) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("shallow");
      long t0 = System.currentTimeMillis() - 12_000_000;
      long t1 = publishConceptChange(events, "shallow", t0, 7);
      TrainerConfig.Builder base = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
          .constraints(TestConstraints.BUSY_MACHINE)
          .trainingEvents(1200).minTrainingEvents(600).dataWait(Duration.ofSeconds(20)).epochs(6)
          .hiddenUnits(List.of(16, 16));
      ModelVersion v1 = new RetrainingRun(base.build(), client, progress, Clock.systemUTC())
          .run("bootstrap", "shallow", null, window(t0), 1200).version().orElseThrow();
      // the [16, 16] network takes 336 multiply-adds a row; the budget now allows 320
      assertThat(NetworkCost.multiplyAdds(v1.getArchitecture())).isEqualTo(336);
      List<Constraint> budget = List.of(new Constraint.MaxParameters(1_000_000), new Constraint.MaxMultiplyAdds(320));

      TrainingOutcome outcome = new RetrainingRun(base.constraints(budget).strategy("early-exit").build(), client,
          progress, Clock.systemUTC()).run("exit-1", "shallow", 1, window(t1), 1200);

      ModelVersion v2 = outcome.version().orElseThrow();
      assertThat(v2.getLineage().getStrategy()).isEqualTo("early-exit");
      assertThat(v2.getArchitecture().getEarlyExits()).isTrue();
      assertThat(v2.getArchitecture().getHiddenUnits()).isEqualTo(v1.getArchitecture().getHiddenUnits());
      assertThat(v2.getMetrics().get("multiply_adds")).isLessThanOrEqualTo(320.0);
      assertThat(v2.getMetrics().get("exit_mean_layers")).isLessThan(2.0);
      assertThat(v2.getMetrics()).containsKeys("exit_confidence", "exit_share_layers_1", "exit_share_layers_2",
          "exit_mean_active_parameters");
      assertThat(v2.getArchitecture().getExitConfidence()).isEqualTo(v2.getMetrics().get("exit_confidence"));
      assertThat(outcome.message()).contains("calibrated at confidence");
      assertThat(outcome.challengerAccuracy().getAsDouble()).isGreaterThan(outcome.servingAccuracy().getAsDouble());
      assertThat(parameters(v2, client)).hasSize(parameters(v1, client).size() + 2); // one exit head more
    }
  }

  private static List<float[]> parameters(ModelVersion version, RegistryClient client) {
    try (ai.djl.Model model = ModelFormat.load(version.getModel(), version.getArchitecture(),
        client.downloadVerified(version))) {
      return model.getBlock().getParameters().values().stream().map(p -> p.getArray().toFloatArray()).toList();
    }
  }

  /**
   * 1,500 SEA events of the old concept (x1 + x2 <= 7) from {@code t0}, then 1,500 of the new one
   * (<= 9.5) from the time it returns; seeds {@code seed} and {@code seed + 1}.
   */
  private static long publishConceptChange(KafkaProducer<String, LabelledEvent> events, String model, long t0,
      long seed) {
    long t1 = t0 + 1_000_000;
    for (LabelledEvent e : SeaEvents.generate(model, 1500, 7.0, seed, t0)) {
      events.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, e.getEventTime(), e.getEventId(), e));
    }
    for (LabelledEvent e : SeaEvents.generate(model, 1500, 9.5, seed + 1, t1)) {
      events.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, e.getEventTime(), e.getEventId(), e));
    }
    events.flush();
    return t1;
  }

  private static DataWindow window(long start) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start)
        .setEndTime(start + 500).setEventCount(500).setOffsets(List.of()).build();
  }

  private static <T> KafkaProducer<String, T> producer(org.apache.kafka.common.serialization.Serializer<T> serializer) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return new KafkaProducer<>(props, new StringSerializer(), serializer);
  }
}
