package dev.plasticity.streamjobs;

import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DeadLetters;

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
    return DeadLetters.of(topic, partition, offset, key, value, error, failedAt);
  }
}
