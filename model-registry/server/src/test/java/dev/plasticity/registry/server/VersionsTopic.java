package dev.plasticity.registry.server;

import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the versions topic as a consumer would, for tests of what the registry publishes. */
final class VersionsTopic {
  private VersionsTopic() {}

  /** Records under {@code key} on the versions topic, from the start, until one matches {@code last} (60 s at most). */
  static List<ConsumerRecord<String, ModelVersion>> readUntil(String bootstrapServers, String key,
      Predicate<ConsumerRecord<String, ModelVersion>> last) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, ModelVersion> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), AvroSerde.of(ModelVersion.class))) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODEL_VERSIONS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, ModelVersion>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, ModelVersion> record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(record.key())) {
            records.add(record);
            if (last.test(record)) {
              return records;
            }
          }
        }
      }
      throw new AssertionError("the last expected record under " + key + " did not arrive within 60 s; got " + records);
    }
  }
}
