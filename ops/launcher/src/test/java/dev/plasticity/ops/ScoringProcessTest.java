package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plasticity scoring}'s wiring on a real broker and registry, configured from an environment
 * as the command reads it: both parts come up, an event of a model without a version yet is
 * dead-lettered by the scoring app and labelled by the join, and closing stops both.
 */
@Timeout(180)
class ScoringProcessTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path registryDir;
  @TempDir Path scoringState;
  @TempDir Path joinState;

  @Test
  void runsTheScoringAppAndTheJoinSideBySideAndStopsBoth() {
    String model = "fraud-" + UUID.randomUUID().toString().substring(0, 8);
    String eventId = model + "-e1";
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer())) {
      ScoringProcess.Config config = ScoringProcess.Config.from(EnumSet.allOf(ScoringPart.class), Map.of(
          "PLASTICITY_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
          "PLASTICITY_REGISTRY_URL", registry.baseUri().toString(),
          "PLASTICITY_SCORING_MODELS", model,
          "PLASTICITY_SCORING_APPLICATION_ID", "scoring-" + model,
          "PLASTICITY_SCORING_STATE_DIR", scoringState.toString(),
          "PLASTICITY_JOIN_APPLICATION_ID", "join-" + model,
          "PLASTICITY_JOIN_STATE_DIR", joinState.toString(),
          // no version will score the event and no later record moves stream time past a wait: label at once
          "PLASTICITY_JOIN_PREDICTION_WAIT", "0"));
      ScoringProcess process = ScoringProcess.start(config, Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100));
      try {
        await("both parts are up", () -> process.health().stream().allMatch(ServiceHealth::up));
        assertThat(process.health()).extracting(ServiceHealth::service).containsExactly("scoring", "join");
        assertThat(process.health().get(0).detail()).contains(model + " (no version yet)");

        long eventTime = System.currentTimeMillis() - 60_000;
        UnlabelledEvent event = UnlabelledEvent.newBuilder().setEventId(eventId).setModel(model).setEventTime(eventTime)
            .setFeatures(Map.of("amount", 12.5)).build();
        Label label = Label.newBuilder().setEventId(eventId).setModel(model).setLabel(1).setLabelTime(eventTime + 1_000)
            .build();
        producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, null, eventTime, key(eventId),
            AvroCodec.of(UnlabelledEvent.class).encode(event)));
        producer.send(new ProducerRecord<>(Topics.LABELS, null, eventTime + 1_000, key(eventId),
            AvroCodec.of(Label.class).encode(label)));
        producer.flush();

        LabelledEvent labelled = readFirst(Topics.EVENTS_LABELLED, AvroSerde.of(LabelledEvent.class),
            e -> e.getEventId().equals(eventId));
        assertThat(labelled.getModel()).isEqualTo(model);
        assertThat(labelled.getFeatures()).isEqualTo(Map.of("amount", 12.5));
        assertThat(labelled.getLabel()).isEqualTo(1);
        assertThat(labelled.getPredictionVersion()).as("no version scored it").isNull();
        DeadLetter letter = readFirst(Topics.EVENTS_DLQ, AvroSerde.of(DeadLetter.class),
            l -> l.getSourceTopic().equals(Topics.EVENTS_UNLABELLED) && l.getError().contains(eventId));
        assertThat(letter.getError()).startsWith("no-version-served: ");
      } finally {
        process.close();
      }
      assertThat(process.health()).as("after close").allMatch(ServiceHealth::stopped);
    }
  }

  private static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads {@code topic} from the start (committed records only) until a value matches. */
  private static <T> T readFirst(String topic, Deserializer<T> values, Predicate<T> wanted) {
    List<T> found = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await("a matching record on " + topic, () -> {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          T value = values.deserialize(topic, record.value());
          if (wanted.test(value)) {
            found.add(value);
          }
        }
        return !found.isEmpty();
      });
    }
    return found.get(0);
  }

  /** Waits (bounded, for liveness only) until {@code condition} holds. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }
}
