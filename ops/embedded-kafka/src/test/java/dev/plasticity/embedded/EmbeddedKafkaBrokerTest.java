package dev.plasticity.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plasticity.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {
  @TempDir Path dir;

  @Test
  void servesTransactionalProduceAndCommittedReadsAndCompactsTheVersionsTopic() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
      KafkaTopics.ensure(broker.bootstrapServers(), 2, (short) 1);

      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-test");
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, "m", "hello"));
        producer.commitTransaction();
      }

      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-test");
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of(Topics.DRIFT_TRIGGERS));
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        long deadline = System.currentTimeMillis() + 30_000;
        while (records.isEmpty() && System.currentTimeMillis() < deadline) {
          records = consumer.poll(Duration.ofMillis(500));
        }
        assertThat(records.count()).isEqualTo(1);
        assertThat(records.iterator().next().value()).isEqualTo("hello");
      }

      assertThat(latestValuesAfterCompaction(broker.bootstrapServers(), Topics.MODEL_VERSIONS))
          .as("the versions topic keeps only the latest value of a key once the log cleaner has run")
          .containsEntry("sea", "v5");
    }
  }

  /**
   * Writes five values for one key to partition 0 of {@code topic}, rolls the segment with a later
   * record, and reads the partition from its start until the log cleaner has left one value of the
   * key (the topic's own cleanup policy decides; only the cleaner's timing is shortened here).
   */
  private static Map<String, String> latestValuesAfterCompaction(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(
          new AlterConfigOp(new ConfigEntry(TopicConfig.SEGMENT_MS_CONFIG, "1000"), AlterConfigOp.OpType.SET),
          new AlterConfigOp(new ConfigEntry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"), AlterConfigOp.OpType.SET),
          new AlterConfigOp(new ConfigEntry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0"), AlterConfigOp.OpType.SET))))
          .all().get();
    }
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
      for (int v = 1; v <= 5; v++) {
        producer.send(new ProducerRecord<>(topic, 0, now - 60_000, "sea", "v" + v)).get();
      }
      // a record a minute later rolls the segment (segment.ms 1 s by record time), so the cleaner may compact it
      producer.send(new ProducerRecord<>(topic, 0, now, "other", "rolls the segment")).get();
    }
    TopicPartition partition = new TopicPartition(topic, 0);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      long deadline = System.currentTimeMillis() + 60_000;
      while (true) {
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        List<String> seaValues = new java.util.ArrayList<>();
        Map<String, String> latest = new java.util.HashMap<>();
        while (consumer.position(partition) < end) {
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            latest.put(record.key(), record.value());
            if ("sea".equals(record.key())) {
              seaValues.add(record.value());
            }
          }
        }
        if (seaValues.size() == 1) {
          return latest;
        }
        assertThat(System.currentTimeMillis()).as("the log cleaner compacted within a minute; still %s", seaValues)
            .isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  @Test
  void aRestartedBrokerListensOnItsFormerAddressAndKeepsItsRecords() throws Exception {
    String address;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir)) {
      address = broker.bootstrapServers();
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("restart-check", "k", "before the restart")).get();
      }
    }

    try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.restart(dir)) {
      assertEquals(address, restarted.bootstrapServers());
      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-check");
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(java.util.List.of("restart-check"));
        java.util.List<String> values = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (values.isEmpty() && System.nanoTime() < deadline) {
          consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        }
        assertEquals(java.util.List.of("before the restart"), values);
      }
    }
  }

  @Test
  void restartingWhereNoBrokerRanSaysSo() {
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> EmbeddedKafkaBroker.restart(dir.resolve("empty")));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("no broker ran in"), e.getMessage());
  }
}
