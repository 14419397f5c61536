package dev.plasticity.streamjobs;

import dev.plasticity.schemas.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Raw Kafka writes and complete, committed-only reads for the job tests. */
final class KafkaIO implements AutoCloseable {
  private final String bootstrapServers;
  private final KafkaProducer<byte[], byte[]> producer;

  KafkaIO(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  void send(String topic, Integer partition, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, partition, key == null ? null : utf8(key), value));
  }

  <T extends SpecificRecord> void send(String topic, Integer partition, String key, T record, Class<T> type) {
    send(topic, partition, key, AvroCodec.of(type).encode(record));
  }

  /** Sends and waits for the broker's acknowledgement; returns where the record landed. */
  org.apache.kafka.clients.producer.RecordMetadata sendAndWait(String topic, Integer partition, String key, byte[] value)
      throws ExecutionException, InterruptedException {
    return producer.send(new ProducerRecord<>(topic, partition, key == null ? null : utf8(key), value)).get();
  }

  void flush() {
    producer.flush();
  }

  /** Every committed record of {@code topic} (read_committed, up to the end offsets as of now). */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(java.time.Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** Waits until {@code group} has committed offsets summing to {@code offsets} over the partitions of {@code topic}. */
  void awaitCommitted(String group, String topic, long offsets, java.time.Duration timeout) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      long committed = 0;
      while (System.nanoTime() < deadline) {
        committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
            .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
            .mapToLong(e -> e.getValue().offset()).sum();
        if (committed >= offsets) {
          return;
        }
        Thread.sleep(100);
      }
      throw new AssertionError(group + " committed " + committed + " of " + offsets + " offsets of " + topic + " within " + timeout);
    }
  }

  <T> List<T> readAll(String topic, Function<byte[], T> decode) {
    return readAll(topic).stream().map(r -> decode.apply(r.value())).toList();
  }

  @Override
  public void close() throws ExecutionException, InterruptedException {
    producer.close();
  }
}
