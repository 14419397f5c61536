package dev.plasticity.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
  @Test
  void aConsumedRecordBecomesALetterWithItsOriginAndBytesUnchanged() {
    byte[] key = "sea".getBytes(StandardCharsets.UTF_8);
    byte[] value = {1, 2, 3};
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(Topics.MODEL_VERSIONS, 2, 41L, key, value);

    DeadLetter letter = DeadLetters.of(record, "not an Avro single-object payload", 1_700_000_000_000L);

    assertThat(letter.getSourceTopic()).isEqualTo(Topics.MODEL_VERSIONS);
    assertThat(letter.getPartition()).isEqualTo(2);
    assertThat(letter.getOffset()).isEqualTo(41L);
    assertThat(letter.getKey()).isEqualTo(ByteBuffer.wrap(key));
    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(value));
    assertThat(letter.getError()).isEqualTo("not an Avro single-object payload");
    assertThat(letter.getFailedAt()).isEqualTo(1_700_000_000_000L);
    assertThat(AvroCodec.of(DeadLetter.class).decode(AvroCodec.of(DeadLetter.class).encode(letter))).isEqualTo(letter);
  }

  @Test
  void aTombstoneWithoutAKeyKeepsBothNull() {
    DeadLetter letter = DeadLetters.of("t", 0, 0L, null, null, "a tombstone", 1L);

    assertThat(letter.getKey()).isNull();
    assertThat(letter.getValue()).isNull();
  }

  @Test
  void aLetterSaysWhy() {
    assertThatThrownBy(() -> DeadLetters.of("t", 0, 0L, null, null, " ", 1L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
  }
}
