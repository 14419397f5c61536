package dev.plasticity.ops;

import dev.plasticity.generators.Instance;
import dev.plasticity.generators.SeaGenerator;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TrainingProgress;
import dev.plasticity.schemas.TriggerSignal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Seeded events, a training request and the progress it leaves, shared by the fault cases that train. */
final class FaultFixtures {
  private static final AvroCodec<LabelledEvent> EVENTS = AvroCodec.of(LabelledEvent.class);
  private static final AvroCodec<DriftTrigger> TRIGGERS = AvroCodec.of(DriftTrigger.class);
  private static final AvroCodec<TrainingProgress> PROGRESS = AvroCodec.of(TrainingProgress.class);

  private FaultFixtures() {}

  /** {@code count} labelled SEA events (seeded) for {@code model}, event times {@code t0, t0+1, …}. */
  static void publishEvents(String bootstrap, String model, long t0, int count) {
    SeaGenerator sea = new SeaGenerator(1, false, 10, 5);
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      for (int i = 0; i < count; i++) {
        Instance x = sea.next();
        LabelledEvent event = LabelledEvent.newBuilder().setEventId(model + "-" + i).setModel(model)
            .setEventTime(t0 + i).setFeatures(Map.of("x1", x.feature(0), "x2", x.feature(1), "x3", x.feature(2)))
            .setLabel(x.label()).build();
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, event.getEventTime(),
            event.getEventId().toString().getBytes(StandardCharsets.UTF_8), EVENTS.encode(event)));
      }
    }
  }

  /**
   * Sends a request for {@code model}'s first version from its {@code count} events from {@code t0}
   * (what {@code plasticity train} sends), keyed by the model as every trigger is.
   *
   * @return where the broker put it
   */
  static RecordMetadata requestFirstVersion(String bootstrap, String model, String triggerId, long t0, int count)
      throws Exception {
    DriftTrigger trigger = DriftTrigger.newBuilder().setTriggerId(triggerId).setModel(model).setBaseVersion(0)
        .setKind(DriftKind.CONCEPT).setSeverity(1.0).setDetectedAt(System.currentTimeMillis()).setEvidence(List.of())
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(t0).setEndTime(t0)
            .setEventCount(count).setOffsets(List.of()).build())
        .setSignal(TriggerSignal.MANUAL).setAttempt(0).build();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      return producer.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, model.getBytes(StandardCharsets.UTF_8),
          TRIGGERS.encode(trigger))).get();
    }
  }

  /** The phases of every progress record for {@code triggerId} on the progress topic so far, in order. */
  static List<TrainingPhase> progress(String bootstrap, String triggerId) {
    List<TrainingPhase> phases = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.TRAINING_PROGRESS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("gave up reading " + Topics.TRAINING_PROGRESS + " to its end offsets " + end);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          TrainingProgress progress = PROGRESS.decode(record.value());
          if (progress.getTriggerId().toString().equals(triggerId)) {
            phases.add(progress.getPhase());
          }
        }
      }
    }
    return phases;
  }

  /** How many of {@code phases} are {@code phase}. */
  static long count(List<TrainingPhase> phases, TrainingPhase phase) {
    return phases.stream().filter(phase::equals).count();
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(),
        new ByteArraySerializer());
  }
}
