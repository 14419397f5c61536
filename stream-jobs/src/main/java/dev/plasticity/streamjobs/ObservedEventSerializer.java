package dev.plasticity.streamjobs;

import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.streamjobs.drift.FeatureNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Writes an {@link ObservedEvent} field by field (position, the fields the drift operator reads,
 * the original bytes) and reads it back without Avro: the drift operator, which sees every event
 * of a model on one thread, gets each event for a few reads instead of an Avro decode. Names are
 * written as UTF-8 bytes and, read back, compared as bytes with the previous event's, so a repeated
 * layout or model name is the same shared instance ({@link FeatureNames.Cache}) and no string is
 * made. Copies between chained operators cost nothing, since the event is immutable. {@link
 * #FIELDS} names the {@link LabelledEvent} fields it accounts for (the event id travels only in
 * the original bytes); a test fails when the schema gains one it does not.
 *
 * <p>Format 2 (array features, no event id); checkpoints of format 1 do not restore ({@link
 * Format2Snapshot}). Not thread-safe (it remembers the last names read); {@link #duplicate()} gives
 * each user its own.
 */
final class ObservedEventSerializer extends TypeSerializer<ObservedEvent> {
  private static final long serialVersionUID = 3L;
  /** The fields of LabelledEvent this serializer writes, in order. */
  static final List<String> FIELDS = List.of(
      "eventId", "model", "eventTime", "features", "categorical", "label", "prediction", "predictionVersion");

  // per-instance reuse on the reading side; all null after Java deserialization of the serializer
  private transient FeatureNames.Cache names;
  private transient byte[] scratch;
  private transient RepeatedString models;

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
    writeUtf8(record.model().getBytes(StandardCharsets.UTF_8), target);
    target.writeLong(record.eventTime());
    FeatureNames names = record.names();
    double[] values = record.values();
    target.writeInt(names.size());
    for (int i = 0; i < values.length; i++) {
      writeUtf8(names.utf8(i), target);
      target.writeDouble(values[i]);
    }
    writeTail(record, target);
  }

  /** The fields after the features: categorical, label, prediction, its version, the bytes. */
  static void writeTail(ObservedEvent record, DataOutputView target) throws IOException {
    target.writeInt(record.categorical().size());
    for (Map.Entry<String, String> c : record.categorical().entrySet()) {
      StringValue.writeString(c.getKey(), target);
      StringValue.writeString(c.getValue(), target);
    }
    target.writeInt(record.label());
    writeNullableInt(record.prediction(), target);
    writeNullableInt(record.predictionVersion(), target);
    target.writeInt(record.payload().length);
    target.write(record.payload());
  }

  /** This reader's shared layouts. */
  private FeatureNames.Cache names() {
    if (names == null) {
      names = new FeatureNames.Cache();
    }
    return names;
  }

  /** Reads a model name written with {@link #writeUtf8}: the same instance while it repeats. */
  String readModel(DataInputView source) throws IOException {
    if (models == null) {
      models = new RepeatedString();
    }
    int length = readUtf8(source); // fills scratch, so read before passing it
    return models.of(scratch, length);
  }

  /** Writes a layout's names, for {@link #readLayout}. */
  static void writeLayout(FeatureNames layout, DataOutputView target) throws IOException {
    target.writeInt(layout.size());
    for (int i = 0; i < layout.size(); i++) {
      writeUtf8(layout.utf8(i), target);
    }
  }

  /** Reads {@code n} feature names written by {@link #writeLayout} after its count, as a shared layout. */
  FeatureNames readLayout(int n, DataInputView source) throws IOException {
    FeatureNames.Cache names = names();
    names.begin();
    for (int i = 0; i < n; i++) {
      int length = readUtf8(source); // may grow scratch: read before passing it
      names.add(scratch, 0, length);
    }
    return names.end();
  }

  @Override
  public ObservedEvent deserialize(DataInputView source) throws IOException {
    FeatureNames.Cache names = names();
    int partition = source.readInt();
    long offset = source.readLong();
    String model = readModel(source);
    long eventTime = source.readLong();
    int n = source.readInt();
    double[] values = new double[n];
    names.begin();
    for (int i = 0; i < n; i++) {
      int nameLength = readUtf8(source); // may grow scratch: read before passing it
      names.add(scratch, 0, nameLength);
      values[i] = source.readDouble();
    }
    FeatureNames layout = names.end();
    return readTail(model, eventTime, layout, values, partition, offset, source);
  }

  /** Reads what {@link #writeTail} wrote and makes the event. */
  static ObservedEvent readTail(String model, long eventTime, FeatureNames layout, double[] values, int partition,
      long offset, DataInputView source) throws IOException {
    int m = source.readInt();
    Map<String, String> categorical = Map.of();
    if (m > 0) {
      @SuppressWarnings("unchecked")
      Map.Entry<String, String>[] entries = new Map.Entry[m];
      for (int i = 0; i < m; i++) {
        entries[i] = Map.entry(StringValue.readString(source), StringValue.readString(source));
      }
      categorical = Map.ofEntries(entries);
    }
    int label = source.readInt();
    Integer prediction = readNullableInt(source);
    Integer predictionVersion = readNullableInt(source);
    byte[] payload = new byte[source.readInt()];
    source.readFully(payload);
    return new ObservedEvent(model, eventTime, layout, values, categorical, label, prediction, predictionVersion,
        payload, partition, offset);
  }

  static void writeUtf8(byte[] bytes, DataOutputView target) throws IOException {
    target.writeInt(bytes.length);
    target.write(bytes);
  }

  /** Reads length-prefixed bytes into {@link #scratch}; returns the length. */
  private int readUtf8(DataInputView source) throws IOException {
    int length = source.readInt();
    if (scratch == null || scratch.length < length) {
      scratch = new byte[Math.max(64, length)];
    }
    source.readFully(scratch, 0, length);
    return length;
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
    return new Format2Snapshot();
  }

  /** Format 2; format 1's snapshot class is gone, so its checkpoints fail to restore by name, not silently. */
  public static final class Format2Snapshot extends SimpleTypeSerializerSnapshot<ObservedEvent> {
    public Format2Snapshot() {
      super(ObservedEventSerializer::new);
    }
  }

  /** The type of events, handing out this serializer. */
  static final TypeInformation<ObservedEvent> TYPE =
      new SerializerTypeInfo<>(ObservedEvent.class, "ObservedEvent(field by field, with its Avro bytes)", ObservedEventSerializer::new);

  /** Flink finds this through {@code @TypeInfo} on {@link ObservedEvent}. */
  public static final class TypeInfoFactory extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<ObservedEvent> {
    @Override
    public TypeInformation<ObservedEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
      return TYPE;
    }
  }
}
