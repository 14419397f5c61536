package dev.plasticity.inference.join;

import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DeadLetters;

/**
 * Where an input record came from and its bytes as read, so that a record given up later (a held
 * label whose event never came) is dead-lettered byte for byte with its origin.
 *
 * @param key the key bytes, or null
 * @param value the value bytes as read
 */
record InputRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
  DeadLetter deadLetter(String reason, long failedAt) {
    return DeadLetters.of(topic, partition, offset, key, value, reason, failedAt);
  }
}
