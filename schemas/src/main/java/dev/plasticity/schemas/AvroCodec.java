package dev.plasticity.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DatumReader;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type with Avro single-object encoding: a two-byte marker, the
 * 8-byte fingerprint of the writer's schema, then the Avro binary body. The fingerprint lets a
 * reader tell a foreign or corrupt payload from a real one, and resolve older writer schemas
 * registered with {@link #withWriterSchema(Schema)}.
 *
 * <p>Decoding is bounded before it allocates: a payload larger than {@link #maxRecordBytes()} is
 * refused unread, and every length the record claims inside (strings, bytes, array and map blocks)
 * is checked against the bytes that remain ({@link BoundedBinaryDecoder}), so a crafted record
 * costs at most its own size. The maximum is the system property {@value #MAX_RECORD_BYTES_PROPERTY},
 * else the environment variable {@link #MAX_RECORD_BYTES}, else {@value
 * #DEFAULT_MAX_RECORD_BYTES} bytes (8 MiB), read when a codec is made; {@link
 * #withMaxRecordBytes(int)} overrides it for one codec.
 *
 * <p>The contract's own classes are decoded whether or not the JVM trusts their package for Avro
 * ({@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} is not needed): see {@link ContractClasses}.
 *
 * <p>Thread-safe: Avro's message encoder keeps per-thread buffers, and each decode uses its own
 * decoder.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecord> {
  /** System property with the largest payload, in bytes, a codec decodes. */
  static final String MAX_RECORD_BYTES_PROPERTY = "plasticity.max.record.bytes";
  /** The largest payload a codec decodes when neither is set: 8 MiB. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 8 << 20;
  /** Environment variable read when {@link #MAX_RECORD_BYTES_PROPERTY} is not set; every service reads it. */
  public static final Setting<Integer> MAX_RECORD_BYTES = Setting.of("PLASTICITY_MAX_RECORD_BYTES",
      String.valueOf(DEFAULT_MAX_RECORD_BYTES), "the largest Avro record decoded, in bytes, on every topic (-D"
          + MAX_RECORD_BYTES_PROPERTY + " wins)", AvroCodec::positiveBytes);

  static {
    ContractClasses.trust();
  }

  /** Marker of Avro's single-object encoding, then the 8-byte little-endian schema fingerprint. */
  private static final int HEADER = 10;

  private final Class<T> type;
  private final Schema schema;
  private final SpecificData model;
  private final BinaryMessageEncoder<T> encoder;
  /** Readers by the fingerprint of the writer schema they read. */
  private final Map<Long, DatumReader<T>> readers;
  private final int maxRecordBytes;

  private AvroCodec(Class<T> type, Map<Long, DatumReader<T>> readers, int maxRecordBytes) {
    this.type = type;
    this.model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.readers = readers;
    if (readers.isEmpty()) {
      addReader(schema);
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  /** A codec for a generated Avro class, e.g. {@code AvroCodec.of(LabelledEvent.class)}. */
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(Objects.requireNonNull(type, "type"), new ConcurrentHashMap<>(),
        configuredMaxRecordBytes(System::getProperty, System::getenv));
  }

  /**
   * The largest payload to decode, from the system property {@value #MAX_RECORD_BYTES_PROPERTY},
   * else the environment variable {@link #MAX_RECORD_BYTES}, else the default.
   *
   * @throws IllegalArgumentException when the value set is not a positive whole number of bytes
   */
  static int configuredMaxRecordBytes(UnaryOperator<String> properties, UnaryOperator<String> environment) {
    String value = properties.apply(MAX_RECORD_BYTES_PROPERTY);
    if (value == null || value.isBlank()) {
      return MAX_RECORD_BYTES.in(environment).orElse(DEFAULT_MAX_RECORD_BYTES);
    }
    try {
      return positiveBytes(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(MAX_RECORD_BYTES_PROPERTY + " " + e.getMessage() + ", got '" + value + "'", e);
    }
  }

  private static int positiveBytes(String value) {
    try {
      int bytes = Integer.parseInt(value.trim());
      if (bytes > 0) {
        return bytes;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("must be a positive number of bytes (at most " + Integer.MAX_VALUE + ")");
  }


  /** Lets this codec read payloads written with an older (compatible) schema. */
  AvroCodec<T> withWriterSchema(Schema writerSchema) {
    addReader(Objects.requireNonNull(writerSchema, "writerSchema"));
    return this;
  }

  private void addReader(Schema writerSchema) {
    @SuppressWarnings("unchecked")
    DatumReader<T> reader = (DatumReader<T>) model.createDatumReader(writerSchema, schema);
    readers.put(SchemaNormalization.parsingFingerprint64(writerSchema), reader);
  }

  /**
   * A codec like this one (sharing its writer schemas) that decodes payloads of at most {@code
   * maxRecordBytes} bytes.
   */
  AvroCodec<T> withMaxRecordBytes(int maxRecordBytes) {
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be >= 1, got " + maxRecordBytes);
    }
    return new AvroCodec<>(type, readers, maxRecordBytes);
  }

  /** The largest payload, in bytes, this codec decodes. */
  public int maxRecordBytes() {
    return maxRecordBytes;
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
   *     known schema, are larger than {@link #maxRecordBytes()}, claim a length longer than what
   *     remains of them, or are truncated or corrupt
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new InvalidPayloadException("null payload is not a " + type.getSimpleName());
    }
    if (bytes.length > maxRecordBytes) {
      throw new InvalidPayloadException(type.getSimpleName() + " payload of " + bytes.length
          + " bytes is larger than the maximum record size of " + maxRecordBytes + " bytes (" + MAX_RECORD_BYTES_PROPERTY
          + " / " + MAX_RECORD_BYTES.name() + ")");
    }
    if (bytes.length < HEADER || (bytes[0] & 0xFF) != 0xC3 || bytes[1] != 0x01) {
      throw new InvalidPayloadException("not an Avro single-object payload for " + type.getSimpleName() + ": "
          + (bytes.length < HEADER ? "only " + bytes.length + " bytes, fewer than the 10-byte header"
              : String.format("header bytes 0x%02x 0x%02x, not 0xc3 0x01", bytes[0], bytes[1])));
    }
    long fingerprint = 0;
    for (int i = 0; i < 8; i++) {
      fingerprint |= (bytes[2 + i] & 0xFFL) << (8 * i);
    }
    DatumReader<T> reader = readers.get(fingerprint);
    if (reader == null) {
      throw new InvalidPayloadException("written with a schema unknown to this reader of " + type.getSimpleName()
          + String.format(" (fingerprint %016x)", fingerprint));
    }
    try {
      return reader.read(null, new BoundedBinaryDecoder(bytes, HEADER, bytes.length - HEADER));
    } catch (InvalidPayloadException e) {
      throw new InvalidPayloadException(
          "corrupt " + type.getSimpleName() + " payload (" + bytes.length + " bytes): " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new InvalidPayloadException(failure(type.getSimpleName(), bytes.length, e), e);
    }
  }

  /** The system property Avro 1.12 reads for the packages whose generated classes it may build. */
  static final String TRUSTED_PACKAGES_PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";

  /**
   * Why a payload of {@code length} bytes did not decode into {@code type}: corrupt, or, when Avro
   * refused to build a generated class because this JVM does not trust its package, that and how to
   * fix it (then every record fails, not only this one).
   */
  static String failure(String type, int length, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SecurityException || String.valueOf(t.getMessage()).startsWith("Forbidden ")) {
        return "cannot decode " + type + " (" + length + " bytes): Avro refused a class outside its trusted packages;"
            + " start this JVM with -D" + TRUSTED_PACKAGES_PROPERTY + "=dev.plasticity (" + t + ")";
      }
    }
    return "corrupt " + type + " payload (" + length + " bytes): " + e;
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
