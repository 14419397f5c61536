package dev.plasticity.inference.join;

import dev.plasticity.inference.join.EventState.Awaiting;
import dev.plasticity.inference.join.EventState.HeldLabel;
import dev.plasticity.inference.join.EventState.LabelAwaitingPrediction;
import dev.plasticity.inference.join.EventState.Labelled;
import dev.plasticity.schemas.Prediction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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
 * event (with at most one prediction), the held label and the labelled mark; format 2 adds the
 * label awaiting its prediction (having met the event); format 3 adds an awaiting event with
 * several predictions, or one that was not served, and a label awaiting the served prediction with
 * predictions of versions that scored without answering. Each state is written in the oldest format
 * that can hold it, so the states an older format knows keep their bytes (a join of a previous
 * version restoring the changelog fails only on the new kinds, naming their format), and every
 * format up to {@link #LATEST_FORMAT} reads. Thread-safe.
 */
final class EventStateSerde implements Serde<EventState>, Serializer<EventState>, Deserializer<EventState> {
  /** Awaiting events, held labels and labelled marks. */
  private static final byte FORMAT_1 = 1;
  /** Format 1 and labels awaiting their prediction. */
  private static final byte FORMAT_2 = 2;
  /** Formats 1 and 2 and the kinds that keep several predictions per event. */
  private static final byte FORMAT_3 = 3;
  static final byte LATEST_FORMAT = FORMAT_3;
  private static final byte AWAITING = 1;
  private static final byte HELD_LABEL = 2;
  private static final byte LABELLED = 3;
  private static final byte LABEL_AWAITING_PREDICTION = 4;
  private static final byte AWAITING_PREDICTIONS = 5;
  private static final byte LABEL_AWAITING_SERVED = 6;

  @Override
  public byte[] serialize(String topic, EventState state) {
    if (state == null) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (state instanceof Awaiting awaiting && fitsFormat1(awaiting)) {
        out.writeByte(FORMAT_1);
        out.writeByte(AWAITING);
        out.writeLong(awaiting.expiresAt());
        writeOptional(out, awaiting.event() == null ? null : JoinCodecs.EVENTS.encode(awaiting.event()));
        writeOptional(out, awaiting.prediction() == null ? null : JoinCodecs.PREDICTIONS.encode(awaiting.prediction()));
      } else if (state instanceof Awaiting awaiting) {
        out.writeByte(FORMAT_3);
        out.writeByte(AWAITING_PREDICTIONS);
        out.writeLong(awaiting.expiresAt());
        writeOptional(out, awaiting.event() == null ? null : JoinCodecs.EVENTS.encode(awaiting.event()));
        writePredictions(out, awaiting.predictions());
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
      } else if (state instanceof LabelAwaitingPrediction waiting && waiting.event() != null
          && waiting.predictions().isEmpty()) {
        out.writeByte(FORMAT_2);
        out.writeByte(LABEL_AWAITING_PREDICTION);
        out.writeLong(waiting.expiresAt());
        writeOptional(out, JoinCodecs.EVENTS.encode(waiting.event()));
        writeOptional(out, JoinCodecs.LABELS.encode(waiting.label()));
      } else if (state instanceof LabelAwaitingPrediction waiting) {
        out.writeByte(FORMAT_3);
        out.writeByte(LABEL_AWAITING_SERVED);
        out.writeLong(waiting.expiresAt());
        writeOptional(out, waiting.event() == null ? null : JoinCodecs.EVENTS.encode(waiting.event()));
        writeOptional(out, JoinCodecs.LABELS.encode(waiting.label()));
        writePredictions(out, waiting.predictions());
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
        case AWAITING_PREDICTIONS: {
          byte[] event = readOptional(in);
          return new Awaiting(event == null ? null : JoinCodecs.EVENTS.decode(event), readPredictions(in), expiresAt);
        }
        case LABEL_AWAITING_SERVED: {
          byte[] event = readOptional(in);
          return new LabelAwaitingPrediction(event == null ? null : JoinCodecs.EVENTS.decode(event),
              JoinCodecs.LABELS.decode(readRequired(in)), readPredictions(in), expiresAt);
        }
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

  /** Whether format 1 holds {@code awaiting}: it has at most one prediction, and that one was served. */
  private static boolean fitsFormat1(Awaiting awaiting) {
    return awaiting.predictions().isEmpty()
        || (awaiting.predictions().size() == 1 && awaiting.predictions().get(0).getServed());
  }

  private static void writePredictions(DataOutputStream out, List<Prediction> predictions)
      throws IOException {
    out.writeInt(predictions.size());
    for (Prediction prediction : predictions) {
      writeOptional(out, JoinCodecs.PREDICTIONS.encode(prediction));
    }
  }

  private static List<Prediction> readPredictions(DataInputStream in)
      throws IOException {
    int count = in.readInt();
    if (count < 0 || count > EventState.MAX_PREDICTIONS) {
      throw new IOException("a state claims " + count + " predictions; at most " + EventState.MAX_PREDICTIONS + " are kept");
    }
    List<Prediction> predictions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      predictions.add(JoinCodecs.PREDICTIONS.decode(readRequired(in)));
    }
    return predictions;
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
