package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TrainingProgress;
import dev.plasticity.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triggers the trainer cannot train, against a real broker and a real registry: none is lost.
 * Each test consumes in a group of its own that starts at the end of the triggers topic.
 */
class TriggerFailuresTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  @Test
  void deadLettersAnUndecodableTriggerWithTheReasonAndTrainsTheNextOne() throws Exception {
    try (RegistryServer registry = registry();
        KafkaProducer<byte[], byte[]> producer = producer()) {
      long t0 = 1_710_000_000_000L;
      new RegistryClient(registry.baseUri()).ensureModel("garbled");
      publishEvents(producer, "garbled", 400, t0);
      TrainerConfig config = config(registry, "garbled-trainer").build();
      BlockingQueue<TrainingOutcome> outcomes = new LinkedBlockingQueue<>();
      try (ServiceMetrics metrics = ServiceMetrics.create();
          MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics);
          TrainerService trainer = TrainerService.create(config, metrics.registry()).onOutcome(outcomes::add)) {
        assertThat(trainer.bootstrap("garbled", t0, 400).status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
        outcomes.clear();
        joinAtTheEndOfTheTriggers("garbled-trainer");
        trainer.start();

        byte[] garbage = "{\"triggerId\": \"not avro\"}".getBytes(StandardCharsets.UTF_8);
        RecordMetadata bad = send(producer, Topics.DRIFT_TRIGGERS, "garbled", garbage);
        RecordMetadata good = send(producer, Topics.DRIFT_TRIGGERS, "garbled",
            AvroCodec.of(DriftTrigger.class).encode(trigger("after-the-garbage", "garbled", 1, t0)));

        TrainingOutcome trained = outcomes.poll(120, TimeUnit.SECONDS);
        assertThat(trained).isNotNull();
        assertThat(trained.triggerId()).isEqualTo("after-the-garbage");
        assertThat(trained.version()).isPresent();

        DeadLetter letter = deadLetter(Topics.DRIFT_TRIGGERS_DLQ, l -> l.getOffset() == bad.offset()
            && l.getPartition() == bad.partition());
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.DRIFT_TRIGGERS);
        assertThat(KafkaTopicsRead.bytes(letter.getKey())).isEqualTo("garbled".getBytes(StandardCharsets.UTF_8));
        assertThat(KafkaTopicsRead.bytes(letter.getValue())).isEqualTo(garbage);
        assertThat(letter.getError()).startsWith("trainer: undecodable trigger: not an Avro single-object payload");
        awaitCommitted("garbled-trainer", new TopicPartition(Topics.DRIFT_TRIGGERS, good.partition()),
            good.offset() + 1);

        // the same story in the trainer's metrics, as Prometheus reads them
        String strategy = trained.version().get().getLineage().getStrategy();
        String scrape = scrape(endpoint);
        assertThat(scrape)
            .contains("plasticity_trainer_dead_letters_total{reason=\"undecodable\"} 1.0")
            .contains("plasticity_trainer_triggers_total{kind=\"CONCEPT\",signal=\"DRIFT\"} 1.0")
            .contains("plasticity_trainer_versions_registered_total{alias=\"champion\",model=\"garbled\"} ")
            .contains("plasticity_trainer_runs_total{outcome=\"" + trained.status().name().toLowerCase(java.util.Locale.ROOT)
                + "\",strategy=\"" + strategy + "\"} 1.0")
            .contains("plasticity_trainer_run_duration_seconds_count{strategy=\"" + strategy + "\"}")
            .containsPattern("plasticity_trainer_runs_total\\{outcome=\"champion\",strategy=\"[a-z:-]+\"} 1.0");
      }
    }
  }

  @Test
  void retriesAFailingTriggerWithBackoffThenDeadLettersItBeforeCommitting() throws Exception {
    try (RegistryServer registry = registry();
        KafkaProducer<byte[], byte[]> producer = producer()) {
      // no model 'ghost' has events: every attempt waits its second for data and fails the same way
      // a search needs no serving version, so every attempt is planned as one before it fails on the data
      TrainerConfig config = config(registry, "doomed-trainer").strategy("search:random")
          .dataWait(Duration.ofSeconds(1)).maxAttempts(3)
          .retryBackoff(Duration.ofMillis(200), Duration.ofMillis(300)).build();
      BlockingQueue<TrainingOutcome> outcomes = new LinkedBlockingQueue<>();
      joinAtTheEndOfTheTriggers("doomed-trainer");
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      try (TrainerService trainer = TrainerService.create(config, meters).onOutcome(outcomes::add).start()) {
        byte[] doomed = AvroCodec.of(DriftTrigger.class).encode(trigger("doomed", "ghost", 1, 4_000_000_000_000L));
        RecordMetadata sent = send(producer, Topics.DRIFT_TRIGGERS, "ghost", doomed);

        TrainingOutcome failed = outcomes.poll(120, TimeUnit.SECONDS);
        assertThat(failed).isNotNull();
        assertThat(failed.status()).isEqualTo(TrainingOutcome.Status.FAILED);
        assertThat(failed.message()).contains("after 3 attempts").contains("only 0 events of model 'ghost'")
            .endsWith("sent to " + Topics.DRIFT_TRIGGERS_DLQ);

        // three attempts, each started and reported, then one FAILED that says where the trigger went
        List<TrainingProgress> progress = progress("doomed", TrainingPhase.FAILED);
        assertThat(progress).extracting(TrainingProgress::getPhase).containsExactly(
            TrainingPhase.STARTED, TrainingPhase.STARTED, TrainingPhase.STARTED, TrainingPhase.FAILED);
        // the FAILED report names the strategy the attempts were planned with, like their STARTED ones
        assertThat(progress).extracting(TrainingProgress::getStrategy).containsOnly("search:random");
        DeadLetter letter = deadLetter(Topics.DRIFT_TRIGGERS_DLQ, l -> l.getOffset() == sent.offset()
            && l.getPartition() == sent.partition());
        assertThat(letter.getError()).startsWith("trainer gave up on trigger doomed of ghost after 3 attempts;"
            + " last error: java.lang.IllegalStateException: only 0 events of model 'ghost'");
        assertThat(KafkaTopicsRead.bytes(letter.getValue())).isEqualTo(doomed);
        assertThat(KafkaTopicsRead.bytes(letter.getKey())).isEqualTo("ghost".getBytes(StandardCharsets.UTF_8));
        // the letter was written after the last attempt started and before the FAILED report
        assertThat(letter.getFailedAt()).isBetween(progress.get(2).getTimestamp(), progress.get(3).getTimestamp());
        awaitCommitted("doomed-trainer", new TopicPartition(Topics.DRIFT_TRIGGERS, sent.partition()), sent.offset() + 1);
        assertThat(trainer.isRunning()).isTrue();
        // the first two attempts were retried; the third gave up
        assertThat(meters.get("plasticity.trainer.retries").counter().count()).isEqualTo(2.0);
        assertThat(meters.get("plasticity.trainer.dead.letters").tag("reason", "gave-up").counter().count()).isEqualTo(1.0);
      }
    }
  }

  @Test
  void anErrorStopsTheServiceAndLeavesTheTriggerUncommitted() throws Exception {
    try (RegistryServer registry = registry();
        KafkaProducer<byte[], byte[]> producer = producer()) {
      long t0 = 1_720_000_000_000L;
      new RegistryClient(registry.baseUri()).ensureModel("fragile");
      publishEvents(producer, "fragile", 400, t0);
      TrainerConfig config = config(registry, "fragile-trainer").build();
      try (TrainerService trainer = TrainerService.create(config)) {
        assertThat(trainer.bootstrap("fragile", t0, 400).status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
        OutOfMemoryError error = new OutOfMemoryError("injected: the run ran out of memory");
        trainer.onOutcome(outcome -> {
          throw error;
        });
        joinAtTheEndOfTheTriggers("fragile-trainer");
        trainer.start();
        // the bootstrap's own id: answered at once, already trained
        RecordMetadata sent = send(producer, Topics.DRIFT_TRIGGERS, "fragile",
            AvroCodec.of(DriftTrigger.class).encode(trigger("bootstrap-fragile", "fragile", 1, t0)));

        assertThat(trainer.awaitTermination(Duration.ofMinutes(2))).isTrue();
        assertThat(trainer.failure()).containsSame(error);
        assertThat(trainer.isRunning()).isFalse();
        TopicPartition tp = new TopicPartition(Topics.DRIFT_TRIGGERS, sent.partition());
        assertThat(committed("fragile-trainer").get(tp).offset()).isEqualTo(sent.offset());
        // the next consumer of the group is handed the same trigger
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "fragile-trainer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, DriftTrigger> next =
            new KafkaConsumer<>(props, new StringDeserializer(), AvroSerde.of(DriftTrigger.class))) {
          next.subscribe(List.of(Topics.DRIFT_TRIGGERS));
          ConsumerRecord<String, DriftTrigger> redelivered = null;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (redelivered == null && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, DriftTrigger> record : next.poll(Duration.ofMillis(200))) {
              redelivered = record;
            }
          }
          assertThat(redelivered).isNotNull();
          assertThat(redelivered.offset()).isEqualTo(sent.offset());
          assertThat(redelivered.value().getTriggerId()).isEqualTo("bootstrap-fragile");
        }
      }
    }
  }

  private RegistryServer registry() {
    return RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
        .kafkaBootstrapServers(kafka.bootstrapServers()).build());
  }

  /** A small, quick training: one network, a few epochs, few events. */
  private static TrainerConfig.Builder config(RegistryServer registry, String group) {
    return TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri()).groupId(group)
        .constraints(TestConstraints.BUSY_MACHINE)
        .strategy("retrain").trainingEvents(400).minTrainingEvents(100).dataWait(Duration.ofSeconds(20))
        .epochs(3).hiddenUnits(List.of(8));
  }

  static DriftTrigger trigger(String id, String model, int baseVersion, long windowStart) {
    return DriftTrigger.newBuilder()
        .setTriggerId(id).setModel(model).setBaseVersion(baseVersion).setKind(DriftKind.CONCEPT)
        .setEvidence(List.of())
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(windowStart)
            .setEndTime(windowStart + 500).setEventCount(500).setOffsets(List.of()).build())
        .setSeverity(1.0).setDetectedAt(System.currentTimeMillis()).build();
  }

  private static String scrape(MetricsEndpoint endpoint) throws Exception {
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(endpoint.uri()).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static void publishEvents(KafkaProducer<byte[], byte[]> producer, String model, int n, long t0)
      throws Exception {
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    for (LabelledEvent e : SeaEvents.generate(model, n, 7.0, 3, t0)) {
      producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, e.getEventTime(),
          e.getEventId().getBytes(StandardCharsets.UTF_8), codec.encode(e)));
    }
    producer.flush();
  }

  private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value)
      throws Exception {
    return producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
  }

  /** Commits {@code group}'s offsets at the current end of the triggers topic, so it sees only what comes next. */
  private static void joinAtTheEndOfTheTriggers(String group) throws Exception {
    try (Admin admin = admin()) {
      List<TopicPartition> partitions = admin.describeTopics(List.of(Topics.DRIFT_TRIGGERS)).allTopicNames().get()
          .get(Topics.DRIFT_TRIGGERS).partitions().stream()
          .map(p -> new TopicPartition(Topics.DRIFT_TRIGGERS, p.partition())).toList();
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
      Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
      ends.forEach((tp, end) -> offsets.put(tp, new OffsetAndMetadata(end.offset())));
      admin.alterConsumerGroupOffsets(group, offsets).all().get();
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
    try (Admin admin = admin()) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }
  }

  /** Waits until {@code group} has committed {@code offset} on {@code tp}. */
  private static void awaitCommitted(String group, TopicPartition tp, long offset) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long seen = -1;
    while (System.nanoTime() < deadline) {
      OffsetAndMetadata committed = committed(group).get(tp);
      seen = committed == null ? -1 : committed.offset();
      if (seen == offset) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(group + " committed " + seen + " on " + tp + ", not " + offset);
  }

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  /** The first dead letter on {@code topic} that {@code wanted} accepts. */
  private static DeadLetter deadLetter(String topic, Predicate<DeadLetter> wanted) {
    return KafkaTopicsRead.deadLetters(kafka.bootstrapServers(), topic, wanted, 1).get(0);
  }

  /** The progress of {@code triggerId}, in order, up to its first event of phase {@code last}. */
  private static List<TrainingProgress> progress(String triggerId, TrainingPhase last) {
    List<TrainingProgress> seen = new ArrayList<>();
    AvroCodec<TrainingProgress> codec = AvroCodec.of(TrainingProgress.class);
    try (KafkaConsumer<byte[], byte[]> consumer = KafkaTopicsRead.fromTheStart(kafka.bootstrapServers(), Topics.TRAINING_PROGRESS)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          TrainingProgress p = codec.decode(record.value());
          if (p.getTriggerId().equals(triggerId)) {
            seen.add(p);
            if (p.getPhase() == last) {
              return seen;
            }
          }
        }
      }
    }
    throw new AssertionError("no " + last + " progress for " + triggerId + " among " + seen);
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
