package dev.plasticity.schemas;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink (de)serialization schema for one Avro record type (single-object encoding), for use with
 * Flink's Kafka source and sink. With {@code flink-avro} on the classpath the produced type
 * information is Flink's Avro type, so records travel between operators without Kryo.
 */
public final class AvroFlinkSchema<T extends SpecificRecord>
    implements DeserializationSchema<T>, SerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private transient AvroCodec<T> codec;

  private AvroFlinkSchema(Class<T> type) {
    this.type = type;
  }

  public static <T extends SpecificRecord> AvroFlinkSchema<T> of(Class<T> type) {
    return new AvroFlinkSchema<>(type);
  }

  private AvroCodec<T> codec() {
    if (codec == null) {
      codec = AvroCodec.of(type);
    }
    return codec;
  }

  @Override
  public T deserialize(byte[] message) {
    return codec().decode(message);
  }

  @Override
  public boolean isEndOfStream(T nextElement) {
    return false;
  }

  @Override
  public byte[] serialize(T element) {
    return codec().encode(element);
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }
}
