package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TrainingProgress;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The trainer against a real broker and a real registry: trigger in, version registered, offset committed. */
class TrainerServiceTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  @Test
  void answersATriggerWithOneChampionAndIgnoresTheSameTriggerRetried() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<String, LabelledEvent> events = producer(AvroSerde.of(LabelledEvent.class));
        KafkaProducer<String, DriftTrigger> triggers = producer(AvroSerde.of(DriftTrigger.class))) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("sea");
      long t0 = 1_700_000_000_000L;
      for (LabelledEvent e : SeaEvents.generate("sea", 2500, 7.0, 1, t0)) {
        events.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, e.getEventTime(), e.getEventId(), e));
      }
      long t1 = t0 + 1_000_000;
      for (LabelledEvent e : SeaEvents.generate("sea", 2500, 9.5, 2, t1)) {
        events.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, e.getEventTime(), e.getEventId(), e));
      }
      events.flush();

      TrainerConfig config = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
          .constraints(TestConstraints.BUSY_MACHINE)
          .trainingEvents(2000).minTrainingEvents(1000).dataWait(Duration.ofSeconds(20)).epochs(12).build();
      BlockingQueue<TrainingOutcome> outcomes = new LinkedBlockingQueue<>();
      try (TrainerService trainer = TrainerService.create(config).onOutcome(outcomes::add)) {
        TrainingOutcome first = trainer.bootstrap("sea", t0);
        assertThat(first.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
        assertThat(first.version().orElseThrow().getVersion()).isEqualTo(1);
        outcomes.clear();
        trainer.start();

        DriftTrigger trigger = trigger("trigger-1", t1);
        triggers.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, "sea", trigger)).get();
        TrainingOutcome retrained = outcomes.poll(120, TimeUnit.SECONDS);
        assertThat(retrained).isNotNull();
        assertThat(retrained.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
        assertThat(retrained.challengerAccuracy().getAsDouble())
            .isGreaterThan(retrained.servingAccuracy().getAsDouble() + 0.1);
        ModelVersion v2 = retrained.version().orElseThrow();
        assertThat(v2.getVersion()).isEqualTo(2);
        assertThat(v2.getLineage().getTriggerId()).isEqualTo("trigger-1");
        assertThat(v2.getLineage().getParentVersion()).isEqualTo(1);
        // no strategy configured: the default policy answers a strong concept drift with a small search
        assertThat(v2.getLineage().getStrategy()).isEqualTo("search:evolution");
        assertThat(v2.getLineage().getReason()).isEqualTo("CONCEPT drift, severity 1.00 >= 0.50 (default rule):"
            + " the task changed, searching architectures from the champion's with evolution; trains on the events"
            + " since the change that have arrived (at least two drift windows) to serve soon");
        TrainingProgress started = progress("trigger-1", TrainingPhase.STARTED);
        assertThat(started.getStrategy()).isEqualTo("search:evolution");
        assertThat(started.getMessage()).startsWith("search:evolution, at most 6 trainings of up to 4 epochs in 60 s")
            .endsWith("Why: " + v2.getLineage().getReason());
        assertThat(v2.getReference().getFeatures()).extracting(f -> f.getName()).containsExactly("x1", "x2", "x3");
        // the new concept labels about 90.25 / 200 of the events positive
        assertThat(v2.getReference().getLabelDistribution().get(1)).isBetween(0.40, 0.50);

        triggers.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, "sea", trigger)).get();
        TrainingOutcome retried = outcomes.poll(60, TimeUnit.SECONDS);
        assertThat(retried).isNotNull();
        assertThat(retried.status()).isEqualTo(TrainingOutcome.Status.ALREADY_TRAINED);
        assertThat(retried.version().orElseThrow().getVersion()).isEqualTo(2);
        assertThat(client.versions("sea")).hasSize(2);
        // outcomes are announced before the commit: wait for it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (committedTriggers() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(committedTriggers()).isEqualTo(2);
      }
    }
  }

  @Test
  void neverTrainsOrRegistersANetworkThatViolatesTheModelsConstraints() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<String, LabelledEvent> events = producer(AvroSerde.of(LabelledEvent.class))) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("tiny");
      long t0 = 1_600_000_000_000L;
      for (LabelledEvent e : SeaEvents.generate("tiny", 300, 7.0, 4, t0)) {
        events.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, e.getEventTime(), e.getEventId(), e));
      }
      events.flush();
      // the default [32, 32] network on 3 features has 1,250 parameters
      TrainerConfig config = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
          .constraints(TestConstraints.BUSY_MACHINE)
          .groupId("constrained-trainer").trainingEvents(300).minTrainingEvents(100).dataWait(Duration.ofSeconds(20))
          .constraints("tiny", List.of(new Constraint.MaxParameters(1000))).build();

      try (TrainerService trainer = TrainerService.create(config)) {
        TrainingOutcome outcome = trainer.bootstrap("tiny", t0, 300);

        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.INFEASIBLE);
        assertThat(outcome.version()).isEmpty();
        assertThat(outcome.challengerAccuracy()).isEmpty();
        assertThat(outcome.message()).contains("1250 parameters exceed the limit of 1000");
        assertThat(client.versions("tiny")).isEmpty();
      }
    }
  }

  private static DriftTrigger trigger(String id, long windowStart) {
    return DriftTrigger.newBuilder()
        .setTriggerId(id).setModel("sea").setBaseVersion(1).setKind(DriftKind.CONCEPT).setEvidence(List.of())
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(windowStart)
            .setEndTime(windowStart + 500).setEventCount(500).setOffsets(List.of()).build())
        .setSeverity(1.0).setDetectedAt(System.currentTimeMillis()).build();
  }

  /** The first progress event of {@code phase} for {@code triggerId} on the progress topic. */
  private static TrainingProgress progress(String triggerId, TrainingPhase phase) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<String, TrainingProgress> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), AvroSerde.of(TrainingProgress.class))) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.TRAINING_PROGRESS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key().equals(triggerId) && record.value().getPhase() == phase) {
            return record.value();
          }
        }
      }
    }
    throw new AssertionError("no " + phase + " progress for " + triggerId);
  }

  private static long committedTriggers() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets("plasticity-trainer").partitionsToOffsetAndMetadata().get();
      return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.DRIFT_TRIGGERS))
          .mapToLong(e -> e.getValue().offset()).sum();
    }
  }

  private static <T> KafkaProducer<String, T> producer(org.apache.kafka.common.serialization.Serializer<T> serializer) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return new KafkaProducer<>(props, new StringSerializer(), serializer);
  }
}
