package dev.plasticity.inference.scoring;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * An event read and checked but not yet scored, as the scoring topology keeps it in its pending
 * store until its batch is scored: the record's key and value bytes, its timestamp, and where it was
 * read (so that a dead letter written at scoring time still names its topic, partition and offset).
 *
 * @param key the record's key, may be null
 * @param value the record's value (an encoded {@code UnlabelledEvent})
 * @param timestamp the record's timestamp, which its prediction or dead letter keeps
 * @param topic the topic it was read from
 * @param partition its partition, -1 when unknown
 * @param offset its offset, -1 when unknown
 */
record PendingEvent(byte[] key, byte[] value, long timestamp, String topic, int partition, long offset) {
  PendingEvent {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(topic, "topic");
  }

  /** The store's value serde: a version byte, then the fields in order. */
  static Serde<PendingEvent> serde() {
    return Serdes.serdeFrom((topic, event) -> event == null ? null : write(event),
        (topic, bytes) -> bytes == null ? null : read(bytes));
  }

  private static final byte FORMAT = 1;

  private static byte[] write(PendingEvent event) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(event.value.length + 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeInt(event.key == null ? -1 : event.key.length);
      if (event.key != null) {
        out.write(event.key);
      }
      out.writeInt(event.value.length);
      out.write(event.value);
      out.writeLong(event.timestamp);
      out.writeUTF(event.topic);
      out.writeInt(event.partition);
      out.writeLong(event.offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static PendingEvent read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("a pending event is stored in format " + FORMAT + "; found format " + format);
      }
      int keyLength = in.readInt();
      byte[] key = keyLength < 0 ? null : in.readNBytes(keyLength);
      byte[] value = in.readNBytes(in.readInt());
      return new PendingEvent(key, value, in.readLong(), in.readUTF(), in.readInt(), in.readLong());
    } catch (IOException e) {
      throw new UncheckedIOException("a pending event's bytes are truncated", e);
    }
  }
}
