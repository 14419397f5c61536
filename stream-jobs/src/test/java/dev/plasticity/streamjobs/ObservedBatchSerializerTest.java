package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plasticity.schemas.LabelledEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ObservedBatchSerializerTest {
  private final ObservedBatchSerializer serializer = new ObservedBatchSerializer();

  private static ObservedEvent event(int i, Map<String, Double> features, Map<String, String> categorical, Integer version) {
    LabelledEvent event = LabelledEvent.newBuilder()
        .setEventId("e-" + i).setModel("m").setEventTime(100L + i).setFeatures(features).setCategorical(categorical)
        .setLabel(i % 3).setPrediction(version == null ? null : (i + 1) % 3).setPredictionVersion(version).build();
    return new ObservedEvent(event, i % 2, 7000L + i);
  }

  private List<ObservedEvent> roundTrip(List<ObservedEvent> batch) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(batch, out);
    return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }

  @Test
  void everyEventSurvivesAcrossLayoutChangesCategoricalsAndMissingPredictions() throws Exception {
    List<ObservedEvent> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Map<String, Double> features = i < 4 || i >= 8 ? Map.of("a", i * 1.5, "b", -i * 1.0) : Map.of("c_" + "x".repeat(90), 0.5 + i);
      batch.add(event(i, features, i % 4 == 1 ? Map.of("colour", "red") : Map.of(), i % 3 == 0 ? null : 2));
    }
    List<ObservedEvent> back = roundTrip(batch);
    assertEquals(batch.size(), back.size());
    for (int i = 0; i < batch.size(); i++) {
      ObservedEventSerializerTest.assertSameFields(batch.get(i), back.get(i));
      assertArrayEquals(batch.get(i).payload(), back.get(i).payload());
      assertEquals(batch.get(i).event(), back.get(i).event());
    }
    assertSame(back.get(0).names(), back.get(3).names(), "one layout is one instance");
    assertSame(back.get(0).names(), back.get(9).names(), "and stays so when it comes back");
    assertSame(back.get(0).model(), back.get(9).model());
  }

  @Test
  void anEmptyBatchSurvives() throws Exception {
    assertEquals(List.of(), roundTrip(List.of()));
  }

  @Test
  void aBatchOfSeveralModelsIsRefused() {
    LabelledEvent other = LabelledEvent.newBuilder()
        .setEventId("o").setModel("other").setEventTime(1L).setFeatures(Map.of("a", 1.0)).setLabel(0).build();
    List<ObservedEvent> mixed = List.of(event(1, Map.of("a", 1.0), Map.of(), 1), new ObservedEvent(other, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> serializer.serialize(mixed, new DataOutputSerializer(64)));
  }
}
