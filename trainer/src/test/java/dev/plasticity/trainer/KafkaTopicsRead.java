package dev.plasticity.trainer;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what the trainer wrote to a topic back from its start, for tests. */
public final class KafkaTopicsRead {
  private KafkaTopicsRead() {}

  /** The first {@code count} dead letters on {@code topic} that {@code wanted} accepts, waiting up to 30 s for them. */
  public static List<DeadLetter> deadLetters(String bootstrapServers, String topic, Predicate<DeadLetter> wanted, int count) {
    List<DeadLetter> found = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = fromTheStart(bootstrapServers, topic)) {
      AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (found.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          DeadLetter letter = codec.decode(record.value());
          if (wanted.test(letter)) {
            found.add(letter);
          }
        }
      }
    }
    if (found.size() < count) {
      throw new AssertionError("only " + found.size() + " of " + count + " dead letters on " + topic + ": " + found);
    }
    return found;
  }

  /** A consumer of every partition of {@code topic}, at its start. */
  static KafkaConsumer<byte[], byte[]> fromTheStart(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  public static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
