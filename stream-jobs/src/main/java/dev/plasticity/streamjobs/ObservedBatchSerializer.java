package dev.plasticity.streamjobs;

import dev.plasticity.streamjobs.drift.FeatureNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a batch of one model's events ({@link BatchByModel}) for the shuffle to the drift
 * operator: the model name once, a layout of feature names only when it differs from the previous
 * event's, and per event its position, time, values and the rest as {@link ObservedEventSerializer}
 * writes them. Reading costs no name comparison per event, and the batch is a fraction smaller
 * than its events one by one. Batches only cross the network; they are never state.
 *
 * <p>Not thread-safe (it remembers the last layout); {@link #duplicate()} gives each user its own.
 */
final class ObservedBatchSerializer extends TypeSerializer<List<ObservedEvent>> {
  private static final long serialVersionUID = 1L;
  private static final byte SAME_LAYOUT = 0;
  private static final byte NEW_LAYOUT = 1;

  /** Reading side: shared layouts, model names and scratch bytes. */
  private transient ObservedEventSerializer reader;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<List<ObservedEvent>> duplicate() {
    return new ObservedBatchSerializer();
  }

  @Override
  public List<ObservedEvent> createInstance() {
    return new ArrayList<>();
  }

  @Override
  public List<ObservedEvent> copy(List<ObservedEvent> from) {
    return new ArrayList<>(from); // the events are immutable
  }

  @Override
  public List<ObservedEvent> copy(List<ObservedEvent> from, List<ObservedEvent> reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(List<ObservedEvent> batch, DataOutputView target) throws IOException {
    target.writeInt(batch.size());
    if (batch.isEmpty()) {
      return;
    }
    String model = batch.get(0).model();
    ObservedEventSerializer.writeUtf8(model.getBytes(StandardCharsets.UTF_8), target);
    FeatureNames layout = null;
    for (ObservedEvent event : batch) {
      if (!event.model().equals(model)) {
        throw new IllegalArgumentException("a batch holds one model's events; found " + event.model() + " among " + model);
      }
      if (event.names() == layout) {
        target.writeByte(SAME_LAYOUT);
      } else {
        layout = event.names();
        target.writeByte(NEW_LAYOUT);
        ObservedEventSerializer.writeLayout(layout, target);
      }
      target.writeInt(event.partition());
      target.writeLong(event.offset());
      target.writeLong(event.eventTime());
      for (double v : event.values()) {
        target.writeDouble(v);
      }
      ObservedEventSerializer.writeTail(event, target);
    }
  }

  @Override
  public List<ObservedEvent> deserialize(DataInputView source) throws IOException {
    if (reader == null) {
      reader = new ObservedEventSerializer();
    }
    int size = source.readInt();
    List<ObservedEvent> batch = new ArrayList<>(size);
    if (size == 0) {
      return batch;
    }
    String model = reader.readModel(source);
    FeatureNames layout = null;
    for (int e = 0; e < size; e++) {
      if (source.readByte() == NEW_LAYOUT) {
        layout = reader.readLayout(source.readInt(), source);
      } else if (layout == null) {
        throw new IOException("a batch's first event must carry its layout");
      }
      int partition = source.readInt();
      long offset = source.readLong();
      long eventTime = source.readLong();
      double[] values = new double[layout.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = source.readDouble();
      }
      batch.add(ObservedEventSerializer.readTail(model, eventTime, layout, values, partition, offset, source));
    }
    return batch;
  }

  @Override
  public List<ObservedEvent> deserialize(List<ObservedEvent> reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof ObservedBatchSerializer;
  }

  @Override
  public int hashCode() {
    return ObservedBatchSerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<List<ObservedEvent>> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer has no configuration. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<List<ObservedEvent>> {
    public Snapshot() {
      super(ObservedBatchSerializer::new);
    }
  }

  /** The type of the batched stream, handing out this serializer. */
  @SuppressWarnings("unchecked")
  static final TypeInformation<List<ObservedEvent>> TYPE = new SerializerTypeInfo<>(
      (Class<List<ObservedEvent>>) (Class<?>) List.class, "List<ObservedEvent>(one model, layouts written once)",
      ObservedBatchSerializer::new);
}
