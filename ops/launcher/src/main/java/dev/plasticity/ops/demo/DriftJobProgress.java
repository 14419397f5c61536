package dev.plasticity.ops.demo;

import dev.plasticity.schemas.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the drift job has read, as Kafka sees it: the drift job commits its consumer group's
 * offsets on the events topic when a checkpoint completes, so committed offsets at the topic's end
 * mean every event sent has been read into a completed checkpoint. A positive signal to wait for
 * before concluding that no trigger came. Stateless; thread-safe.
 */
final class DriftJobProgress {
  private DriftJobProgress() {}

  /** Events the drift job's group has committed on the events topic, over all partitions. */
  static long committed(String bootstrapServers, String groupId) {
    return committedOffsets(bootstrapServers, groupId).values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Waits until the drift job's group has committed, on every partition of the events topic, an
   * offset at or past the partition's end as it is now.
   *
   * @return the events committed, over all partitions
   * @throws IllegalStateException when {@code deadline} (a {@link System#nanoTime()}) passes first, with both offsets
   */
  static long awaitCommittedPastEnd(String bootstrapServers, String groupId, long deadline) throws InterruptedException {
    Map<TopicPartition, Long> ends = ends(bootstrapServers, Topics.EVENTS_LABELLED, IsolationLevel.READ_UNCOMMITTED);
    while (true) {
      Map<TopicPartition, Long> committed = committedOffsets(bootstrapServers, groupId);
      if (ends.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
        return committed.values().stream().mapToLong(Long::longValue).sum();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the drift job (group " + groupId + ") had committed " + committed
            + " on " + Topics.EVENTS_LABELLED + " but not the end " + ends + " before the demo's timeout");
      }
      Thread.sleep(100);
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
