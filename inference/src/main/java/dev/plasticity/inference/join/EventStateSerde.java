package dev.plasticity.inference.join;

import dev.plasticity.inference.join.EventState.Awaiting;
import dev.plasticity.inference.join.EventState.HeldLabel;
import dev.plasticity.inference.join.EventState.LabelAwaitingPrediction;
import dev.plasticity.inference.join.EventState.Labelled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Stores an {@link EventState} in the join's store and its changelog: a format byte, a kind byte,
 * the expiry, then the records it holds in their own Avro single-object encoding (which carries
 * the schema fingerprint, so a state written before a compatible schema change still reads). A
 * held label keeps its input record's bytes unchanged, for its dead letter.
 *
 * <p>The format byte is the oldest format that can read the state: format 1 has the awaiting
 * event, the held label and the labelled mark; format 2 adds the label awaiting its prediction.
 * Each state is written in the oldest format that has its kind, so the states format 1 knows keep
 * their bytes (a join of the previous version restoring the changelog fails only on the new kind,
 * naming its format), and every format up to {@link #LATEST_FORMAT} reads. Thread-safe.
 */
final class EventStateSerde implements Serde<EventState>, Serializer<EventState>, Deserializer<EventState> {
  /** Awaiting events, held labels and labelled marks. */
  private static final byte FORMAT_1 = 1;
  /** Format 1 and labels awaiting their prediction. */
  private static final byte FORMAT_2 = 2;
  static final byte LATEST_FORMAT = FORMAT_2;
  private static final byte AWAITING = 1;
  private static final byte HELD_LABEL = 2;
  private static final byte LABELLED = 3;
  private static final byte LABEL_AWAITING_PREDICTION = 4;

  @Override
  public byte[] serialize(String topic, EventState state) {
    if (state == null) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (state instanceof Awaiting awaiting) {
        out.writeByte(FORMAT_1);
        out.writeByte(AWAITING);
        out.writeLong(awaiting.expiresAt());
        writeOptional(out, awaiting.event() == null ? null : JoinCodecs.EVENTS.encode(awaiting.event()));
        writeOptional(out, awaiting.prediction() == null ? null : JoinCodecs.PREDICTIONS.encode(awaiting.prediction()));
      } else if (state instanceof HeldLabel held) {
        out.writeByte(FORMAT_1);
        out.writeByte(HELD_LABEL);
        out.writeLong(held.expiresAt());
        InputRecord input = held.input();
        out.writeUTF(input.topic());
        out.writeInt(input.partition());
        out.writeLong(input.offset());
        writeOptional(out, input.key());
        writeOptional(out, input.value());
      } else if (state instanceof LabelAwaitingPrediction waiting) {
        out.writeByte(FORMAT_2);
        out.writeByte(LABEL_AWAITING_PREDICTION);
        out.writeLong(waiting.expiresAt());
        writeOptional(out, JoinCodecs.EVENTS.encode(waiting.event()));
        writeOptional(out, JoinCodecs.LABELS.encode(waiting.label()));
      } else if (state instanceof Labelled labelled) {
        out.writeByte(FORMAT_1);
        out.writeByte(LABELLED);
        out.writeLong(labelled.expiresAt());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a join state", e);
    }
    return bytes.toByteArray();
  }

  @Override
  public EventState deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte format = in.readByte();
      if (format < FORMAT_1 || format > LATEST_FORMAT) {
        throw new SerializationException("join state written in format " + format + "; this version reads formats "
            + FORMAT_1 + " to " + LATEST_FORMAT);
      }
      byte kind = in.readByte();
      long expiresAt = in.readLong();
      switch (kind) {
        case AWAITING: {
          byte[] event = readOptional(in);
          byte[] prediction = readOptional(in);
          return new Awaiting(event == null ? null : JoinCodecs.EVENTS.decode(event),
              prediction == null ? null : JoinCodecs.PREDICTIONS.decode(prediction), expiresAt);
        }
        case HELD_LABEL: {
          InputRecord input = new InputRecord(in.readUTF(), in.readInt(), in.readLong(), readOptional(in), readOptional(in));
          return new HeldLabel(JoinCodecs.LABELS.decode(input.value()), input, expiresAt);
        }
        case LABELLED:
          return new Labelled(expiresAt);
        case LABEL_AWAITING_PREDICTION:
          return new LabelAwaitingPrediction(JoinCodecs.EVENTS.decode(readRequired(in)),
              JoinCodecs.LABELS.decode(readRequired(in)), expiresAt);
        default:
          throw new SerializationException("unknown join state kind " + kind);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof SerializationException serialization) {
        throw serialization;
      }
      throw new SerializationException("corrupt join state (" + data.length + " bytes): " + e, e);
    }
  }

  private static void writeOptional(DataOutputStream out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  private static byte[] readRequired(DataInputStream in) throws IOException {
    byte[] bytes = readOptional(in);
    if (bytes == null) {
      throw new IOException("a required field is missing");
    }
    return bytes;
  }

  private static byte[] readOptional(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    if (length > in.available()) {
      throw new IOException("a field claims " + length + " bytes; only " + in.available() + " remain");
    }
    return in.readNBytes(length);
  }

  @Override
  public Serializer<EventState> serializer() {
    return this;
  }

  @Override
  public Deserializer<EventState> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
