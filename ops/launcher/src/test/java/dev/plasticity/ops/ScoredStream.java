package dev.plasticity.ops;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The stream the scoring process's fault tests drive through it, and how they count what came out:
 * events each followed by its label, then every prediction and labelled event of the model per event
 * id, so that a lost or repeated one shows.
 */
final class ScoredStream {
  private static final AvroCodec<Prediction> PREDICTIONS = AvroCodec.of(Prediction.class);
  private static final AvroCodec<LabelledEvent> LABELLED = AvroCodec.of(LabelledEvent.class);

  private ScoredStream() {}

  /**
   * Produces {@code events} events of {@code model} ({@code <model>-e<i>}), each followed by its label,
   * {@code batch} at a time with {@code pace} between batches, setting {@code produced} after each.
   */
  static void produce(String bootstrap, String model, int events, int batch, Duration pace, AtomicInteger produced) {
    AvroCodec<UnlabelledEvent> unlabelled = AvroCodec.of(UnlabelledEvent.class);
    AvroCodec<Label> labels = AvroCodec.of(Label.class);
    long t0 = System.currentTimeMillis() - 60_000;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        String id = model + "-e" + i;
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        long eventTime = t0 + i;
        producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, null, eventTime, key, unlabelled.encode(
            UnlabelledEvent.newBuilder().setEventId(id).setModel(model).setEventTime(eventTime)
                .setFeatures(Map.of("x1", (double) (i % 10), "x2", 5.0, "x3", (double) (i % 7))).build())));
        producer.send(new ProducerRecord<>(Topics.LABELS, null, eventTime + 1, key, labels.encode(
            Label.newBuilder().setEventId(id).setModel(model).setLabel(i % 2).setLabelTime(eventTime + 1).build())));
        if ((i + 1) % batch == 0) {
          producer.flush();
          produced.set(i + 1);
          Thread.sleep(pace.toMillis());
        }
      }
      producer.flush();
      produced.set(events);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing", e);
    }
  }

  /** A consumer of {@code topics} from their beginning, assigned all partitions, at {@code isolation}. */
  static KafkaConsumer<byte[], byte[]> reader(String bootstrap, String isolation, String... topics) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = Arrays.stream(topics)
        .flatMap(topic -> consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())))
        .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /** Polls once, counting {@code model}'s predictions and labelled events per event id; always true. */
  static boolean read(KafkaConsumer<byte[], byte[]> consumer, String model, Map<String, Integer> predicted,
      Map<String, Integer> labelled) {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
      if (record.topic().equals(Topics.PREDICTIONS)) {
        count(PREDICTIONS.decode(record.value()), Prediction::getModel, Prediction::getEventId, model, predicted);
      } else {
        count(LABELLED.decode(record.value()), LabelledEvent::getModel, LabelledEvent::getEventId, model, labelled);
      }
    }
    return true;
  }

  /** Reads until the consumer's position is the (last stable) end offset of every partition. */
  static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, String model, Map<String, Integer> predicted,
      Map<String, Integer> labelled) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up reading to the end offsets " + end);
      }
      read(consumer, model, predicted, labelled);
    }
  }

  private static <T> void count(T value, Function<T, CharSequence> modelOf, Function<T, CharSequence> idOf,
      String model, Map<String, Integer> counts) {
    if (modelOf.apply(value).toString().equals(model)) {
      counts.merge(idOf.apply(value).toString(), 1, Integer::sum);
    }
  }
}
