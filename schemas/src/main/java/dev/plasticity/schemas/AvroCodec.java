package dev.plasticity.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type with Avro single-object encoding: a two-byte marker, the
 * 8-byte fingerprint of the writer's schema, then the Avro binary body. The fingerprint lets a
 * reader tell a foreign or corrupt payload from a real one, and resolve older writer schemas
 * registered with {@link #withWriterSchema(Schema)}.
 *
 * <p>Thread-safe: Avro's message encoders and decoders keep per-thread buffers.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecord> {
  private final Class<T> type;
  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroCodec(Class<T> type) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
  }

  /** A codec for a generated Avro class, e.g. {@code AvroCodec.of(LabelledEvent.class)}. */
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(Objects.requireNonNull(type, "type"));
  }

  /** Lets this codec read payloads written with an older (compatible) schema. */
  public AvroCodec<T> withWriterSchema(Schema writerSchema) {
    decoder.addSchema(writerSchema);
    return this;
  }

  public Class<T> type() {
    return type;
  }

  public Schema schema() {
    return schema;
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
    }
  }

  /**
   * Decodes bytes written by {@link #encode}.
   *
   * @throws InvalidPayloadException when the bytes are not a single-object encoded record of a
   *     known schema, or are truncated or corrupt
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new InvalidPayloadException("null payload is not a " + type.getSimpleName());
    }
    try {
      return decoder.decode(bytes);
    } catch (BadHeaderException e) {
      throw new InvalidPayloadException(
          "not an Avro single-object payload for " + type.getSimpleName() + ": " + e.getMessage(), e);
    } catch (MissingSchemaException e) {
      throw new InvalidPayloadException(
          "written with a schema unknown to this reader of " + type.getSimpleName(), e);
    } catch (IOException | RuntimeException e) {
      throw new InvalidPayloadException(
          "corrupt " + type.getSimpleName() + " payload (" + bytes.length + " bytes): " + e, e);
    }
  }

  /** Raised when bytes cannot be decoded into the codec's record type. */
  public static final class InvalidPayloadException extends RuntimeException {
    public InvalidPayloadException(String message) {
      super(message);
    }

    public InvalidPayloadException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
