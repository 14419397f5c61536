package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.streamjobs.drift.SeaData;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class ObservedEventSerializerTest {
  private final ObservedEventSerializer serializer = new ObservedEventSerializer();

  private static ObservedEvent observed(int i) {
    LabelledEvent event = Fixtures.event("sea", i, SeaData.iid(7, i + 1, SeaData.OLD_THRESHOLD, 0).get(i), 1);
    return new ObservedEvent(event, 1, 4000L + i);
  }

  @Test
  void aRoundTripGivesTheSameEventBytesAndPosition() throws Exception {
    ObservedEvent original = observed(3);
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(original, out);
    ObservedEvent back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertEquals(original.event(), back.event());
    assertSameFields(original, back);
    assertArrayEquals(original.payload(), back.payload());
    assertEquals(1, back.partition());
    assertEquals(4003L, back.offset());
  }

  @Test
  void everyFieldSurvivesIncludingCategoricalsAndMissingPredictions() throws Exception {
    LabelledEvent full = LabelledEvent.newBuilder()
        .setEventId("e-1").setModel("m").setEventTime(12L)
        .setFeatures(Map.of("a", 1.5, "b", -2.0)).setCategorical(Map.of("colour", "red", "size", "L"))
        .setLabel(2).setPrediction(1).setPredictionVersion(7).build();
    LabelledEvent bare = LabelledEvent.newBuilder()
        .setEventId("e-2").setModel("m").setEventTime(13L).setFeatures(Map.of("a", 0.0)).setLabel(0).build();
    for (LabelledEvent event : List.of(full, bare, full)) {
      DataOutputSerializer out = new DataOutputSerializer(64);
      serializer.serialize(new ObservedEvent(event, 0, 9), out);
      ObservedEvent back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
      assertEquals(event, back.event());
      assertSameFields(new ObservedEvent(event, 0, 9), back);
    }
  }

  @Test
  void aNameLongerThanAnyReadBeforeSurvives() throws Exception {
    String longName = "feature_" + "x".repeat(300);
    LabelledEvent event = LabelledEvent.newBuilder()
        .setEventId("e-3").setModel("m").setEventTime(14L).setFeatures(Map.of("a", 1.0, longName, 2.0)).setLabel(1)
        .build();
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(observed(1), out); // short names first: the reader's buffer starts small
    serializer.serialize(new ObservedEvent(event, 0, 9), out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    serializer.deserialize(in);
    ObservedEvent back = serializer.deserialize(in);
    assertSameFields(new ObservedEvent(event, 0, 9), back);
    assertTrue(back.names().indexOf(longName) >= 0);
  }

  @Test
  void eventsOfOneLayoutShareTheirNamesAndModel() throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(observed(1), out);
    serializer.serialize(observed(2), out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    ObservedEvent first = serializer.deserialize(in);
    ObservedEvent second = serializer.deserialize(in);
    assertSame(first.names(), second.names());
    assertSame(first.model(), second.model());
    assertNotSame(first.values(), second.values());
  }

  /** Everything the drift operator reads is the same. */
  static void assertSameFields(ObservedEvent expected, ObservedEvent actual) {
    assertEquals(expected.model(), actual.model());
    assertEquals(expected.eventTime(), actual.eventTime());
    assertEquals(expected.observation().names().asList().size(), actual.names().size());
    for (int i = 0; i < expected.names().size(); i++) {
      String name = expected.names().name(i);
      assertEquals(expected.values()[i], actual.values()[actual.names().indexOf(name)], name);
    }
    assertEquals(expected.categorical(), actual.categorical());
    assertEquals(expected.label(), actual.label());
    assertEquals(expected.prediction(), actual.prediction());
    assertEquals(expected.predictionVersion(), actual.predictionVersion());
    assertEquals(expected.partition(), actual.partition());
    assertEquals(expected.offset(), actual.offset());
    assertArrayEquals(expected.payload(), actual.payload());
  }

  @Test
  void theSerializerWritesEveryFieldTheSchemaHas() {
    List<String> schemaFields = LabelledEvent.getClassSchema().getFields().stream().map(Schema.Field::name).toList();
    assertEquals(schemaFields, ObservedEventSerializer.FIELDS,
        "LabelledEvent changed: ObservedEventSerializer must write and read the new fields, then list them in FIELDS");
  }

  @Test
  void aSerializerThatWasItselfSerializedStillReadsEvents() throws Exception {
    ObservedEventSerializer shipped = InstantiationUtil.clone(serializer);
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(observed(5), out);
    assertEquals(observed(5).event(), shipped.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())).event());
  }

  @Test
  void copyingBetweenViewsKeepsTheRecordReadable() throws Exception {
    DataOutputSerializer first = new DataOutputSerializer(64);
    serializer.serialize(observed(0), first);
    serializer.serialize(observed(1), first);
    DataOutputSerializer second = new DataOutputSerializer(64);
    DataInputDeserializer in = new DataInputDeserializer(first.getCopyOfBuffer());
    serializer.copy(in, second);
    serializer.copy(in, second);
    DataInputDeserializer copied = new DataInputDeserializer(second.getCopyOfBuffer());
    assertEquals(observed(0).event(), serializer.deserialize(copied).event());
    assertEquals(4001L, serializer.deserialize(copied).offset());
  }

  @Test
  void anImmutableEventIsSharedNotCopied() {
    ObservedEvent event = observed(2);
    assertTrue(serializer.isImmutableType());
    assertSame(event, serializer.copy(event));
  }

  @Test
  void aSnapshotRestoresACompatibleSerializer() throws Exception {
    TypeSerializerSnapshot<ObservedEvent> snapshot = serializer.snapshotConfiguration();
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
    TypeSerializerSnapshot<ObservedEvent> read = TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    TypeSerializerSchemaCompatibility<ObservedEvent> compatibility =
        serializer.snapshotConfiguration().resolveSchemaCompatibility(read);
    assertTrue(compatibility.isCompatibleAsIs());
    assertEquals(serializer, read.restoreSerializer());
    assertNotSame(serializer, serializer.duplicate(), "it keeps per-thread state, so each user needs its own");
  }
}
