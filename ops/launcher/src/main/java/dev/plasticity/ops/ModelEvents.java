package dev.plasticity.ops;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the launcher's model commands read of a model's events on Kafka: the first events, to
 * infer its features and classes, and where its newest labelled events start, so a training
 * request can name them. Records that do not decode, and other models' events, are passed over.
 * Each call opens and closes its own consumer; thread-safe.
 */
final class ModelEvents {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Records read per partition per step when reading a partition backwards from its end. */
  private static final int STEP = 10_000;

  private ModelEvents() {}

  /**
   * What the first events of a model say about it.
   *
   * @param numeric numeric feature names seen, sorted
   * @param categorical categorical feature names seen, sorted
   * @param classes the highest label seen plus one; 0 when no labelled event was read
   * @param labelled labelled events read
   * @param unlabelled unlabelled events read
   */
  record Inferred(List<String> numeric, List<String> categorical, int classes, int labelled, int unlabelled) {
    int events() {
      return labelled + unlabelled;
    }
  }

  /** Reads up to {@code n} of the model's events from the start of the labelled and of the unlabelled topic. */
  static Inferred infer(String bootstrapServers, String model, int n) {
    AvroCodec<LabelledEvent> labelledCodec = AvroCodec.of(LabelledEvent.class);
    AvroCodec<UnlabelledEvent> unlabelledCodec = AvroCodec.of(UnlabelledEvent.class);
    TreeSet<String> numeric = new TreeSet<>();
    TreeSet<String> categorical = new TreeSet<>();
    int maxLabel = -1;
    int labelled = 0;
    for (ConsumerRecord<byte[], byte[]> record : fromStart(bootstrapServers, Topics.EVENTS_LABELLED, model, n,
        value -> decoded(labelledCodec, value).map(LabelledEvent::getModel))) {
      LabelledEvent event = labelledCodec.decode(record.value());
      numeric.addAll(event.getFeatures().keySet());
      categorical.addAll(event.getCategorical().keySet());
      maxLabel = Math.max(maxLabel, event.getLabel());
      labelled++;
    }
    int unlabelled = 0;
    for (ConsumerRecord<byte[], byte[]> record : fromStart(bootstrapServers, Topics.EVENTS_UNLABELLED, model, n,
        value -> decoded(unlabelledCodec, value).map(UnlabelledEvent::getModel))) {
      UnlabelledEvent event = unlabelledCodec.decode(record.value());
      numeric.addAll(event.getFeatures().keySet());
      categorical.addAll(event.getCategorical().keySet());
      unlabelled++;
    }
    return new Inferred(List.copyOf(numeric), List.copyOf(categorical), maxLabel + 1, labelled, unlabelled);
  }

  /**
   * The event time from which the newest {@code n} labelled events of {@code model} are (read
   * backwards from each partition's end), and how many there are, up to {@code n}; empty when the
   * model has none.
   */
  static Optional<Newest> newest(String bootstrapServers, String model, int n) {
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    List<Long> times = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
      List<TopicPartition> partitions = partitions(consumer, Topics.EVENTS_LABELLED);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      for (TopicPartition tp : partitions) {
        consumer.assign(List.of(tp));
        long upTo = end.get(tp);
        int found = 0;
        while (found < n && upTo > begin.get(tp)) {
          long from = Math.max(begin.get(tp), upTo - STEP);
          consumer.seek(tp, from);
          long position = from;
          long deadline = System.nanoTime() + TIMEOUT.toNanos();
          while (position < upTo && System.nanoTime() < deadline) {
            var records = consumer.poll(Duration.ofMillis(500));
            if (records.isEmpty() && consumer.position(tp) >= upTo) {
              break;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
              if (record.offset() < upTo) {
                Optional<LabelledEvent> event = decoded(codec, record.value());
                if (event.isPresent() && model.equals(event.get().getModel())) {
                  times.add(event.get().getEventTime());
                  found++;
                }
              }
            }
            position = consumer.position(tp);
          }
          upTo = from;
        }
      }
    }
    if (times.isEmpty()) {
      return Optional.empty();
    }
    times.sort(java.util.Comparator.reverseOrder());
    int count = Math.min(n, times.size());
    return Optional.of(new Newest(times.get(count - 1), count));
  }

  /** The newest events of a model: from {@code startTime} on, {@code count} of them. */
  record Newest(long startTime, int count) {}

  private static <T extends org.apache.avro.specific.SpecificRecord> Optional<T> decoded(AvroCodec<T> codec,
      byte[] value) {
    try {
      return Optional.of(codec.decode(value));
    } catch (AvroCodec.InvalidPayloadException e) {
      return Optional.empty();
    }
  }

  /** Up to {@code n} records of {@code model} from the start of {@code topic}, as far as its end is now. */
  private static List<ConsumerRecord<byte[], byte[]>> fromStart(String bootstrapServers, String topic, String model,
      int n, java.util.function.Function<byte[], Optional<? extends CharSequence>> modelOf) {
    List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
      end.entrySet().removeIf(e -> e.getValue() == 0);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (found.size() < n && !end.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          Optional<? extends CharSequence> owner = modelOf.apply(record.value());
          if (found.size() < n && owner.isPresent() && model.contentEquals(owner.get())) {
            found.add(record);
          }
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
    return found;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    return consumer.partitionsFor(topic, TIMEOUT).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
