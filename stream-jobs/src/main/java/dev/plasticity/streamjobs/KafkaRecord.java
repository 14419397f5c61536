package dev.plasticity.streamjobs;

import dev.plasticity.schemas.DeadLetter;
import java.nio.ByteBuffer;

/**
 * A Kafka record as it came off the wire, before decoding: kept whole so that a record that fails
 * to decode can go to the dead-letter topic byte for byte.
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset offset in that partition
 * @param timestamp Kafka record timestamp, epoch millis
 * @param key key bytes, or null
 * @param value value bytes, or null (a tombstone)
 */
public record KafkaRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {

  /** This record as a dead letter: where it came from, its bytes unchanged, and why it failed. */
  DeadLetter deadLetter(String error, long failedAt) {
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setError(error)
        .setFailedAt(failedAt)
        .build();
  }
}
