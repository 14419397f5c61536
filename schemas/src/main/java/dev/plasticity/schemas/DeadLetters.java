package dev.plasticity.schemas;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Builds the {@link DeadLetter} of a record that could not be decoded or used: where it came from
 * (topic, partition, offset), its key and value bytes unchanged, why it failed and when. Every
 * module that dead-letters a record builds the letter here, so all dead letters read alike.
 *
 * <p>{@link #of(ConsumerRecord, String, long)} needs kafka-clients on the class path (a {@code
 * provided} dependency of this module); {@link #of(String, int, long, byte[], byte[], String,
 * long)} does not, for runtimes that carry a record's parts themselves (such as Flink's Kafka
 * source). Stateless and thread-safe.
 */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * The dead letter of a record read with a Kafka consumer.
   *
   * @param reason why the record cannot be used, for whoever reads the dead-letter topic
   * @param failedAt when it failed, epoch millis
   */
  public static DeadLetter of(ConsumerRecord<byte[], byte[]> record, String reason, long failedAt) {
    Objects.requireNonNull(record, "record");
    return of(record.topic(), record.partition(), record.offset(), record.key(), record.value(), reason, failedAt);
  }

  /**
   * The dead letter of a record given by its parts.
   *
   * @param key the record's key bytes, or null
   * @param value the record's value bytes, or null (a tombstone)
   * @param reason why the record cannot be used
   * @param failedAt when it failed, epoch millis
   */
  public static DeadLetter of(String topic, int partition, long offset, byte[] key, byte[] value, String reason,
      long failedAt) {
    Objects.requireNonNull(topic, "topic");
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a dead letter says why the record failed; the reason was blank");
    }
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setError(reason)
        .setFailedAt(failedAt)
        .build();
  }
}
