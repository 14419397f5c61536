package dev.plasticity.inference.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The join on a real broker with exactly-once processing: stopped mid-stream and started again
 * with the same application id and state directory, it neither loses nor repeats a labelled event,
 * and labels left waiting for their prediction get it after the restart.
 */
class LabelJoinAppTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  private static final String MODEL = "churn";
  private static final int SCORED = 2_000;
  private static final int EARLY = 100;
  private static final int REPEATED = 50;
  /** Events whose labels meet them before their predictions, which come only after the restart. */
  private static final int WAITING = 50;
  private static final Duration PREDICTION_WAIT = Duration.ofMinutes(5);
  private static final List<String> INPUTS = List.of(Topics.EVENTS_UNLABELLED, Topics.PREDICTIONS, Topics.LABELS);

  @TempDir Path stateDir;

  @Test
  @Timeout(300) // a guard against a hang, not a measure: it takes 15-20 s on an idle 2-core machine
  void restartedWithTheSameIdAndStateItNeitherLosesNorRepeatsAJoinedEvent() throws Exception {
    String applicationId = "label-join-test-" + UUID.randomUUID();
    String run = UUID.randomUUID().toString().substring(0, 8);
    long t0 = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
    Map<String, Object> overrides = Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    JoinSettings settings = JoinSettings.defaults().withPredictionWait(PREDICTION_WAIT);
    int all = SCORED + EARLY + WAITING;
    Map<String, LabelledEvent> seen = new HashMap<>();
    List<String> written = new ArrayList<>();

    try (KafkaProducer<String, byte[]> producer = producer();
        KafkaConsumer<byte[], byte[]> labelled = committedReader(Topics.EVENTS_LABELLED)) {
      // first instance: SCORED events with predictions, labels for the first half of them, labels
      // for EARLY events that have not arrived yet, and WAITING events with their labels but not
      // yet their predictions
      LabelJoinApp first = LabelJoinApp.start(kafka.bootstrapServers(), applicationId, stateDir, settings, overrides);
      try {
        for (int i = 0; i < SCORED; i++) {
          sendEvent(producer, run, i, t0 + i);
          sendPrediction(producer, run, i, t0 + i);
        }
        for (int i = SCORED + EARLY; i < all; i++) {
          sendEvent(producer, run, i, t0 + i);
        }
        sendLabels(producer, run, SCORED, all, t0 + 10_000);
        sendLabels(producer, run, 0, SCORED / 2, t0 + 20_000);
        producer.flush();
        await("the first half is labelled and committed", () -> read(labelled, seen, written) >= SCORED / 2);
        await("the waiting labels met their events", () -> first.counters().labelsAwaitingPrediction() >= WAITING);
        // the next quarter of labels: the first instance stops once it has begun joining them, and
        // the rest of them arrive while no instance runs
        sendLabels(producer, run, SCORED / 2, SCORED / 2 + 100, t0 + 30_000);
        producer.flush();
        await("the first instance has begun joining them", () -> first.counters().joined() > SCORED / 2);
      } finally {
        first.close();
      }
      sendLabels(producer, run, SCORED / 2 + 100, SCORED * 3 / 4, t0 + 30_000);
      producer.flush();

      try (LabelJoinApp second =
          LabelJoinApp.start(kafka.bootstrapServers(), applicationId, stateDir, settings, overrides)) {
        for (int i = SCORED + EARLY; i < all; i++) { // the predictions the waiting labels wait for
          sendPrediction(producer, run, i, t0 + i);
        }
        sendLabels(producer, run, SCORED * 3 / 4, SCORED, t0 + 40_000);
        for (int i = SCORED; i < SCORED + EARLY; i++) { // the events whose labels came first, never scored
          sendEvent(producer, run, i, t0 + i);
        }
        sendLabels(producer, run, 0, REPEATED, t0 + 50_000);
        // a later event on every partition moves stream time past the prediction wait of the early labels
        for (PartitionInfo partition : producer.partitionsFor(Topics.EVENTS_UNLABELLED)) {
          String id = run + "-tick-" + partition.partition();
          long time = t0 + Duration.ofMinutes(20).toMillis();
          producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, partition.partition(), time, id,
              JoinCodecs.EVENTS.encode(UnlabelledEvent.newBuilder().setEventId(id).setModel(MODEL).setEventTime(time)
                  .setFeatures(Map.of("x", 0.0)).build())));
        }
        producer.flush();
        await("the join has committed every input record", () -> caughtUp(applicationId));
        readToEnd(labelled, seen, written);

        assertThat(written).as("one labelled event per labelled event id, none twice").doesNotHaveDuplicates();
        assertThat(seen.keySet()).as("every labelled event id, none lost")
            .isEqualTo(IntStream.range(0, all).mapToObj(i -> id(run, i)).collect(Collectors.toSet()));
        for (int i = 0; i < all; i++) {
          LabelledEvent event = seen.get(id(run, i));
          assertThat(event.getLabel()).isEqualTo(i % 2);
          assertThat(event.getFeatures()).isEqualTo(Map.of("x", (double) i));
          boolean scored = i < SCORED || i >= SCORED + EARLY;
          assertThat(event.getPredictionVersion()).as("event %d: scored events carry their version", i)
              .isEqualTo(scored ? 1 : null);
        }
        assertThat(first.counters().labelsHeld()).as("the early labels came before their events")
            .isGreaterThanOrEqualTo(EARLY);
        assertThat(second.counters().predictionWaitsExpired())
            .as("the early events were never scored: their labels waited, then were joined without")
            .isEqualTo(EARLY);
        assertThat(second.counters().duplicateLabels())
            .as("the second instance remembers labels joined by the first").isEqualTo(REPEATED);
        assertThat(first.counters().deadLettered() + second.counters().deadLettered()).isZero();
      }
    }
  }

  @Test
  void refusesAProcessingGuaranteeWeakerThanExactlyOnce(@TempDir Path otherStateDir) {
    assertThatThrownBy(() -> LabelJoinApp.start(kafka.bootstrapServers(), "label-join-weak", otherStateDir,
        JoinSettings.defaults(), Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly_once_v2");
  }

  private static void sendLabels(KafkaProducer<String, byte[]> producer, String run, int from, int to, long labelTime) {
    for (int i = from; i < to; i++) {
      sendLabel(producer, run, i, labelTime + i);
    }
  }

  private static String id(String run, int i) {
    return run + "-" + i;
  }

  private static void sendEvent(KafkaProducer<String, byte[]> producer, String run, int i, long eventTime) {
    String id = id(run, i);
    producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, null, eventTime, id,
        JoinCodecs.EVENTS.encode(UnlabelledEvent.newBuilder().setEventId(id).setModel(MODEL).setEventTime(eventTime)
            .setFeatures(Map.of("x", (double) i)).build())));
  }

  private static void sendPrediction(KafkaProducer<String, byte[]> producer, String run, int i, long eventTime) {
    String id = id(run, i);
    producer.send(new ProducerRecord<>(Topics.PREDICTIONS, null, eventTime, id,
        JoinCodecs.PREDICTIONS.encode(Prediction.newBuilder().setEventId(id).setModel(MODEL).setVersion(1)
            .setPredictedClass(0).setProbabilities(List.of(0.6f, 0.4f)).setEventTime(eventTime)
            .setScoringTime(eventTime).setFeatures(Map.of("x", (double) i)).build())));
  }

  private static void sendLabel(KafkaProducer<String, byte[]> producer, String run, int i, long labelTime) {
    String id = id(run, i);
    producer.send(new ProducerRecord<>(Topics.LABELS, null, labelTime, id, JoinCodecs.LABELS.encode(
        Label.newBuilder().setEventId(id).setModel(MODEL).setLabel(i % 2).setLabelTime(labelTime).build())));
  }

  /** Reads what is committed on the output so far; returns how many labelled events were read in all. */
  private static int read(KafkaConsumer<byte[], byte[]> consumer, Map<String, LabelledEvent> seen, List<String> written) {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      LabelledEvent event = JoinCodecs.LABELLED.decode(record.value());
      seen.put(event.getEventId(), event);
      written.add(event.getEventId());
    }
    return written.size();
  }

  /** Reads the output up to its last committed record. */
  private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, Map<String, LabelledEvent> seen,
      List<String> written) throws InterruptedException {
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
    await("the output is read to its end", () -> {
      read(consumer, seen, written);
      return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    });
  }

  /** Whether the join's group has committed offsets at the end of every input partition. */
  private static boolean caughtUp(String group) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      Set<TopicPartition> partitions = admin.describeTopics(INPUTS).allTopicNames().get().values().stream()
          .flatMap(topic -> topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())))
          .collect(Collectors.toSet());
      Map<TopicPartition, OffsetSpec> latest = partitions.stream()
          .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((p, info) -> ends.put(p, info.offset()));
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get();
      return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
          || (committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue()));
    } catch (Exception e) {
      return false;
    }
  }

  private static KafkaProducer<String, byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> committedReader(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what);
      }
      Thread.sleep(50);
    }
  }
}
