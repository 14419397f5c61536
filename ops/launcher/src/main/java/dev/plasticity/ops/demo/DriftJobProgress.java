package dev.plasticity.ops.demo;

import dev.plasticity.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the drift job has read, as Kafka sees it: the drift job commits its consumer group's
 * offsets on the events topic when a checkpoint completes, so committed offsets past the topic's
 * last record mean every labelled event has been read into a completed checkpoint. A positive signal to wait for
 * before concluding that no trigger came. Stateless; thread-safe.
 */
final class DriftJobProgress {
  private DriftJobProgress() {}

  /**
   * Waits until at least {@code expected} labelled events are committed on the events topic (the
   * label join writes them in transactions), or {@code deadline} (a {@link System#nanoTime()})
   * passes.
   *
   * @return the offsets of the labelled events committed by then, per partition, in order
   */
  static Map<TopicPartition, long[]> awaitLabelled(String bootstrapServers, long expected, long deadline)
      throws InterruptedException {
    while (true) {
      Map<TopicPartition, long[]> records = recordOffsets(bootstrapServers, Topics.EVENTS_LABELLED);
      if (total(records) >= expected || System.nanoTime() > deadline) {
        return records;
      }
      Thread.sleep(200);
    }
  }

  /** How many records {@code records} holds, over all partitions. */
  static long total(Map<TopicPartition, long[]> records) {
    return records.values().stream().mapToLong(offsets -> offsets.length).sum();
  }

  /**
   * How many of {@code records} (labelled events' offsets, as {@link #awaitLabelled} returns them)
   * the drift job's group has read and committed: those below its committed offsets. Records, not
   * offsets: a topic written in transactions also holds commit markers, which take offsets but are
   * no events.
   */
  static long eventsRead(String bootstrapServers, String groupId, Map<TopicPartition, long[]> records) {
    return countBelow(records, committedOffsets(bootstrapServers, groupId));
  }

  /**
   * Waits until the drift job's group has committed, on every partition of the events topic, an
   * offset past every one of {@code records}.
   *
   * @return the events read, over all partitions
   * @throws IllegalStateException when {@code deadline} (a {@link System#nanoTime()}) passes first, with both counts
   */
  static long awaitReadPastEnd(String bootstrapServers, String groupId, Map<TopicPartition, long[]> records,
      long deadline) throws InterruptedException {
    long total = total(records);
    while (true) {
      Map<TopicPartition, Long> committed = committedOffsets(bootstrapServers, groupId);
      long read = countBelow(records, committed);
      if (read >= total) {
        return read;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the drift job (group " + groupId + ") had read " + read + " of the " + total
            + " events on " + Topics.EVENTS_LABELLED + " (committed " + committed + ") before the demo's timeout");
      }
      Thread.sleep(100);
    }
  }

  private static long countBelow(Map<TopicPartition, long[]> records, Map<TopicPartition, Long> committed) {
    long count = 0;
    for (Map.Entry<TopicPartition, long[]> partition : records.entrySet()) {
      long below = committed.getOrDefault(partition.getKey(), 0L);
      int at = Arrays.binarySearch(partition.getValue(), below);
      count += at >= 0 ? at : -at - 1;
    }
    return count;
  }

  /** The offsets of the committed records of each partition of {@code topic}, in order, up to its end now. */
  private static Map<TopicPartition, long[]> recordOffsets(String bootstrapServers, String topic) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      Map<TopicPartition, List<Long>> offsets = new HashMap<>();
      partitions.forEach(p -> offsets.put(p, new ArrayList<>()));
      long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > giveUp) {
          throw new IllegalStateException("cannot read " + topic + " up to " + ends + " within 60 s");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < ends.get(partition)) {
            offsets.get(partition).add(record.offset());
          }
        }
      }
      Map<TopicPartition, long[]> result = new HashMap<>();
      offsets.forEach((p, list) -> result.put(p, list.stream().mapToLong(Long::longValue).toArray()));
      return result;
    }
  }

  /** The end of each partition of {@code topic} a read_committed consumer sees. */
  static Map<TopicPartition, Long> committedEnds(String bootstrapServers, String topic) {
    return ends(bootstrapServers, topic, IsolationLevel.READ_COMMITTED);
  }

  private static Map<TopicPartition, Long> ends(String bootstrapServers, String topic, IsolationLevel isolation) {
    try (Admin admin = admin(bootstrapServers)) {
      Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get()
          .get(topic).partitions().stream()
          .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get()
          .forEach((partition, info) -> ends.put(partition, info.offset()));
      return ends;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the end offsets of " + topic, e);
    }
  }

  private static Map<TopicPartition, Long> committedOffsets(String bootstrapServers, String groupId) {
    try (Admin admin = admin(bootstrapServers)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> committed = new HashMap<>();
      offsets.forEach((partition, offset) -> {
        if (offset != null && partition.topic().equals(Topics.EVENTS_LABELLED)) {
          committed.put(partition, offset.offset());
        }
      });
      return committed;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the committed offsets of group " + groupId + ": "
          + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the offsets of group " + groupId, e);
    }
  }

  private static Admin admin(String bootstrapServers) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }
}
