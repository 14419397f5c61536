package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.Topics;
import java.nio.ByteBuffer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {
  static final DeadLetter LETTER = DeadLetter.newBuilder()
      .setSourceTopic(Topics.EVENTS_LABELLED).setPartition(1).setOffset(7L)
      .setKey(ByteBuffer.wrap(KafkaIO.utf8("sea"))).setValue(ByteBuffer.wrap(new byte[] {1, 2}))
      .setError("late event").setFailedAt(42L).build();

  @Test
  void aLetterGoesToTheDeadLetterTopicUnderItsOriginalKeyWithItsTimestamp() {
    ProducerRecord<byte[], byte[]> record = new DriftJob.DeadLetterSerializer().serialize(LETTER, null, 1_000L);
    assertEquals(Topics.EVENTS_DLQ, record.topic());
    assertEquals("sea", new String(record.key(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(1_000L, record.timestamp());
  }

  @Test
  void aNegativeEventTimeIsNoKafkaTimestamp() {
    // a late event from before 1970 carries its time; Kafka would refuse it and fail the sink
    assertNull(new DriftJob.DeadLetterSerializer().serialize(LETTER, null, -1L).timestamp());
    assertNull(new DriftJob.DeadLetterSerializer().serialize(LETTER, null, null).timestamp());
  }
}
