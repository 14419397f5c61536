package dev.plasticity.streamjobs;

import dev.plasticity.schemas.LabelledEvent;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Writes an {@link ObservedEvent} field by field (position, the event's fields, its original
 * bytes) and reads it back without Avro: the drift operator, which sees every event of a model on
 * one thread, gets each event for a few reads instead of an Avro decode, with its feature map
 * already immutable (so the drift monitor need not copy it), and with the feature names of the
 * previous event reused when they repeat, as they do within a model. Copies between chained
 * operators cost nothing, since the event is immutable. {@link #FIELDS} names the {@link
 * LabelledEvent} fields it writes; a test fails when the schema gains one it does not.
 *
 * <p>Not thread-safe (it remembers the last names read); {@link #duplicate()} gives each user its own.
 */
final class ObservedEventSerializer extends TypeSerializer<ObservedEvent> {
  private static final long serialVersionUID = 2L;
  /** The fields of LabelledEvent this serializer writes, in order. */
  static final List<String> FIELDS = List.of(
      "eventId", "model", "eventTime", "features", "categorical", "label", "prediction", "predictionVersion");

  private transient String lastModel;
  private transient String[] lastNames; // null after Java deserialization of the serializer

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public TypeSerializer<ObservedEvent> duplicate() {
    return new ObservedEventSerializer();
  }

  @Override
  public ObservedEvent createInstance() {
    return null;
  }

  @Override
  public ObservedEvent copy(ObservedEvent from) {
    return from;
  }

  @Override
  public ObservedEvent copy(ObservedEvent from, ObservedEvent reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(ObservedEvent record, DataOutputView target) throws IOException {
    target.writeInt(record.partition());
    target.writeLong(record.offset());
    LabelledEvent e = record.event();
    StringValue.writeString(e.getEventId(), target);
    StringValue.writeString(e.getModel(), target);
    target.writeLong(e.getEventTime());
    target.writeInt(e.getFeatures().size());
    for (Map.Entry<String, Double> f : e.getFeatures().entrySet()) {
      StringValue.writeString(f.getKey(), target);
      target.writeDouble(f.getValue());
    }
    Map<String, String> categorical = e.getCategorical() == null ? Map.of() : e.getCategorical();
    target.writeInt(categorical.size());
    for (Map.Entry<String, String> c : categorical.entrySet()) {
      StringValue.writeString(c.getKey(), target);
      StringValue.writeString(c.getValue(), target);
    }
    target.writeInt(e.getLabel());
    writeNullableInt(e.getPrediction(), target);
    writeNullableInt(e.getPredictionVersion(), target);
    target.writeInt(record.payload().length);
    target.write(record.payload());
  }

  @Override
  public ObservedEvent deserialize(DataInputView source) throws IOException {
    int partition = source.readInt();
    long offset = source.readLong();
    String eventId = StringValue.readString(source);
    String model = StringValue.readString(source);
    if (model.equals(lastModel)) {
      model = lastModel;
    }
    lastModel = model;
    long eventTime = source.readLong();
    int n = source.readInt();
    if (lastNames == null || n != lastNames.length) {
      lastNames = new String[n];
    }
    @SuppressWarnings("unchecked")
    Map.Entry<String, Double>[] features = new Map.Entry[n];
    for (int i = 0; i < n; i++) {
      String name = StringValue.readString(source);
      if (!name.equals(lastNames[i])) { // a repeated name keeps the instance whose hash is known
        lastNames[i] = name;
      }
      features[i] = Map.entry(lastNames[i], source.readDouble());
    }
    int m = source.readInt();
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] categorical = new Map.Entry[m];
    for (int i = 0; i < m; i++) {
      categorical[i] = Map.entry(StringValue.readString(source), StringValue.readString(source));
    }
    int label = source.readInt();
    Integer prediction = readNullableInt(source);
    Integer predictionVersion = readNullableInt(source);
    byte[] payload = new byte[source.readInt()];
    source.readFully(payload);
    LabelledEvent event = new LabelledEvent(eventId, model, eventTime, Map.ofEntries(features),
        Map.ofEntries(categorical), label, prediction, predictionVersion);
    return new ObservedEvent(event, payload, partition, offset);
  }

  @Override
  public ObservedEvent deserialize(ObservedEvent reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  private static void writeNullableInt(Integer value, DataOutputView target) throws IOException {
    target.writeBoolean(value != null);
    if (value != null) {
      target.writeInt(value);
    }
  }

  private static Integer readNullableInt(DataInputView source) throws IOException {
    return source.readBoolean() ? source.readInt() : null;
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof ObservedEventSerializer;
  }

  @Override
  public int hashCode() {
    return ObservedEventSerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<ObservedEvent> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint; it has no configuration. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<ObservedEvent> {
    public Snapshot() {
      super(ObservedEventSerializer::new);
    }
  }

  /** Flink finds this through {@code @TypeInfo} on {@link ObservedEvent}. */
  public static final class TypeInfoFactory extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<ObservedEvent> {
    @Override
    public TypeInformation<ObservedEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new ObservedEventTypeInfo();
    }
  }

  /** The type information that hands out this serializer. */
  static final class ObservedEventTypeInfo extends TypeInformation<ObservedEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
      return false;
    }

    @Override
    public boolean isTupleType() {
      return false;
    }

    @Override
    public int getArity() {
      return 1;
    }

    @Override
    public int getTotalFields() {
      return 1;
    }

    @Override
    public Class<ObservedEvent> getTypeClass() {
      return ObservedEvent.class;
    }

    @Override
    public boolean isKeyType() {
      return false;
    }

    @Override
    public TypeSerializer<ObservedEvent> createSerializer(SerializerConfig config) {
      return new ObservedEventSerializer();
    }

    @Override
    public String toString() {
      return "ObservedEvent(field by field, with its Avro bytes)";
    }

    @Override
    public boolean equals(Object obj) {
      return obj instanceof ObservedEventTypeInfo;
    }

    @Override
    public int hashCode() {
      return ObservedEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
      return obj instanceof ObservedEventTypeInfo;
    }
  }
}
