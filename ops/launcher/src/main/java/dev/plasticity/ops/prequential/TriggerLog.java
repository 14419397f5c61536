package dev.plasticity.ops.prequential;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the triggers topic from its beginning (committed triggers only) on its own thread, noting for each trigger how
 * many rows had been published when it was read. Thread-safe.
 */
final class TriggerLog implements AutoCloseable {
  /** A trigger, the rows published when it was read, and when ({@link System#nanoTime()}). */
  record Seen(DriftTrigger trigger, int rowsPublished, long nanos) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroCodec<DriftTrigger> codec = AvroCodec.of(DriftTrigger.class);
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<String> undecodable = new CopyOnWriteArrayList<>();
  private final IntSupplier rowsPublished;
  private final Thread thread;
  private volatile boolean running = true;

  TriggerLog(String bootstrapServers, IntSupplier rowsPublished) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.rowsPublished = rowsPublished;
    List<TopicPartition> partitions = new ArrayList<>();
    consumer.partitionsFor(Topics.DRIFT_TRIGGERS)
        .forEach(p -> partitions.add(new TopicPartition(Topics.DRIFT_TRIGGERS, p.partition())));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::read, "prequential-trigger-log");
    thread.setDaemon(true);
    thread.start();
  }

  private void read() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
          int rows = rowsPublished.getAsInt();
          long now = System.nanoTime();
          try {
            seen.add(new Seen(codec.decode(record.value()), rows, now));
          } catch (RuntimeException e) { // counted and reported, never dropped silently
            undecodable.add("offset " + record.offset() + ": " + e.getMessage());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  List<String> undecodable() {
    return List.copyOf(undecodable);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
