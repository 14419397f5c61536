package dev.plasticity.streamjobs;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.BoundedBinaryDecoder;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.streamjobs.drift.FeatureNames;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.util.Utf8;

/**
 * Decodes labelled events straight into the drift job's {@link ObservedEvent}, on the job's
 * hottest path. A payload written with the current {@link LabelledEvent} schema (checked by its
 * single-object fingerprint) is read field by field with a {@link BoundedBinaryDecoder}, which
 * refuses any length the record claims beyond its own bytes before allocating it: feature
 * names are compared as bytes with the previous event's and shared ({@link FeatureNames.Cache}),
 * values go to a {@code double[]}, and the event id is skipped. No record, map, boxed double or
 * name string is made per event. Any other payload (an older writer schema, a foreign or corrupt
 * one), and one larger than the codec's maximum record size, goes through {@link AvroCodec}, which
 * resolves known schemas and explains failures.
 *
 * <p>Reads the fields in the order of {@link #FIELDS}; a test fails when the schema's order
 * differs. Not thread-safe: one per operator instance.
 */
final class LabelledEventDecoder {
  /** The schema fields in the order the fast path reads them. */
  static final List<String> FIELDS = List.of(
      "eventId", "model", "eventTime", "features", "categorical", "label", "prediction", "predictionVersion");

  private static final int HEADER = 10; // 0xC3 0x01, then the 8-byte little-endian fingerprint
  private final byte[] fingerprint;
  private final AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
  private final FeatureNames.Cache names = new FeatureNames.Cache();
  private final BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(new byte[0], 0, 0);
  private final int maxRecordBytes = codec.maxRecordBytes();
  private Utf8 scratch = new Utf8();
  private double[] values = new double[16];
  private final RepeatedString models = new RepeatedString();

  LabelledEventDecoder() {
    this(LabelledEvent.getClassSchema());
  }

  LabelledEventDecoder(Schema schema) {
    long f = SchemaNormalization.parsingFingerprint64(schema);
    fingerprint = new byte[8];
    for (int i = 0; i < 8; i++) {
      fingerprint[i] = (byte) (f >>> (8 * i));
    }
  }

  /**
   * The event in {@code payload}.
   *
   * @throws AvroCodec.InvalidPayloadException when the bytes are not a labelled event
   */
  ObservedEvent decode(byte[] payload, int partition, long offset) {
    if (payload == null || payload.length < HEADER || payload.length > maxRecordBytes || (payload[0] & 0xFF) != 0xC3 || payload[1] != 0x01
        || !Arrays.equals(payload, 2, HEADER, fingerprint, 0, 8)) {
      // rare (an older writer schema), or an error: Avro resolves or explains it
      return new ObservedEvent(codec.decode(payload), payload, partition, offset);
    }
    try {
      decoder.reset(payload, HEADER, payload.length - HEADER);
      decoder.skipString(); // eventId: only a dead letter's message needs it, and it decodes the payload
      scratch = decoder.readString(scratch);
      String model = models.of(scratch.getBytes(), scratch.getByteLength());
      long eventTime = decoder.readLong();
      names.begin();
      int n = 0;
      for (long block = decoder.readMapStart(); block != 0; block = decoder.mapNext()) {
        for (long i = 0; i < block; i++) {
          scratch = decoder.readString(scratch);
          names.add(scratch.getBytes(), 0, scratch.getByteLength());
          if (n == values.length) {
            values = Arrays.copyOf(values, 2 * n);
          }
          values[n++] = decoder.readDouble();
        }
      }
      FeatureNames layout = names.end();
      Map<String, String> categorical = Map.of();
      long block = decoder.readMapStart();
      if (block != 0) {
        Map<String, String> read = new HashMap<>();
        for (; block != 0; block = decoder.mapNext()) {
          for (long i = 0; i < block; i++) {
            read.put(decoder.readString(), decoder.readString());
          }
        }
        categorical = Map.copyOf(read);
      }
      int label = decoder.readInt();
      Integer prediction = nullableInt();
      Integer predictionVersion = nullableInt();
      return new ObservedEvent(model, eventTime, layout, Arrays.copyOf(values, n), categorical, label, prediction,
          predictionVersion, payload, partition, offset);
    } catch (AvroCodec.InvalidPayloadException e) {
      throw new AvroCodec.InvalidPayloadException(
          "corrupt LabelledEvent payload (" + payload.length + " bytes): " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new AvroCodec.InvalidPayloadException(
          "corrupt LabelledEvent payload (" + payload.length + " bytes): " + e, e);
    }
  }

  /** A ["null", "int"] union. */
  private Integer nullableInt() throws IOException {
    int branch = decoder.readIndex();
    if (branch == 0) {
      return null;
    }
    if (branch != 1) {
      throw new IOException("union branch " + branch + " of [\"null\", \"int\"]");
    }
    return decoder.readInt();
  }
}
