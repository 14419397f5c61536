package dev.plasticity.inference.scoring;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value of the recent-labels store: a model's newest labels, oldest first, as a count and then
 * one big-endian int per label. Written once per label read, so it costs one small array rather than
 * a stream per element.
 */
final class LabelHistorySerde implements Serde<List<Integer>> {
  private static final int MAX_LABELS = 1 << 16;

  @Override
  public Serializer<List<Integer>> serializer() {
    return (topic, labels) -> {
      if (labels == null) {
        return null;
      }
      ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES * (1 + labels.size())).putInt(labels.size());
      labels.forEach(bytes::putInt);
      return bytes.array();
    };
  }

  @Override
  public Deserializer<List<Integer>> deserializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      ByteBuffer bytes = ByteBuffer.wrap(data);
      int count = data.length >= Integer.BYTES ? bytes.getInt() : -1;
      if (count < 0 || count > MAX_LABELS || data.length != Integer.BYTES * (1 + count)) {
        throw new SerializationException("not a label history: " + data.length + " bytes"
            + (count >= 0 ? " announcing " + count + " labels" : ""));
      }
      List<Integer> labels = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        labels.add(bytes.getInt());
      }
      return labels;
    };
  }
}
