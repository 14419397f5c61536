package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.LabelledEvent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class LabelledEventDecoderTest {
  private final LabelledEventDecoder decoder = new LabelledEventDecoder();

  @Test
  void theFastPathReadsWhatAvroReads() {
    Random random = new Random(11);
    for (int i = 0; i < 500; i++) {
      Map<String, Double> features = new LinkedHashMap<>();
      int n = 1 + random.nextInt(40); // more than one map block is possible for large maps
      for (int f = 0; f < n; f++) {
        features.put((random.nextBoolean() ? "x" : "größe_") + random.nextInt(50), random.nextGaussian() * 1e3);
      }
      Map<String, String> categorical = random.nextInt(4) == 0 ? Map.of("colour", "red" + i, "ü", "ß") : Map.of();
      LabelledEvent event = LabelledEvent.newBuilder()
          .setEventId("e" + i).setModel(random.nextBoolean() ? "sea" : "agrawal").setEventTime(random.nextLong())
          .setFeatures(features).setCategorical(categorical).setLabel(random.nextInt(5))
          .setPrediction(random.nextBoolean() ? random.nextInt(5) : null)
          .setPredictionVersion(random.nextBoolean() ? random.nextInt(9) : null)
          .build();
      byte[] payload = ObservedEvent.CODEC.encode(event);
      ObservedEventSerializerTest.assertSameFields(new ObservedEvent(event, payload, 3, i),
          decoder.decode(payload, 3, i));
    }
  }

  @Test
  void eventsWithTheSameNamesShareOneLayout() {
    ObservedEvent a = decoder.decode(ObservedEvent.CODEC.encode(event("a", Map.of("x1", 1.0, "x2", 2.0))), 0, 0);
    ObservedEvent b = decoder.decode(ObservedEvent.CODEC.encode(event("b", Map.of("x1", 3.0, "x2", 4.0))), 0, 1);
    ObservedEvent c = decoder.decode(ObservedEvent.CODEC.encode(event("c", Map.of("y", 5.0))), 0, 2);
    ObservedEvent d = decoder.decode(ObservedEvent.CODEC.encode(event("d", Map.of("x1", 6.0, "x2", 7.0))), 0, 3);
    assertSame(a.names(), b.names());
    assertSame(a.names(), d.names(), "a layout seen before is shared again");
    assertEquals(List.of("y"), c.names().asList());
    assertSame(a.model(), d.model());
  }

  @Test
  void thePayloadIsKeptAndTheEventIdDecodedFromItOnDemand() {
    byte[] payload = ObservedEvent.CODEC.encode(event("id-7", Map.of("x", 1.0)));
    ObservedEvent decoded = decoder.decode(payload, 1, 2);
    assertSame(payload, decoded.payload());
    assertEquals("id-7", decoded.event().getEventId());
  }

  @Test
  void corruptAndForeignPayloadsAreInvalidWithAReason() {
    byte[] payload = ObservedEvent.CODEC.encode(event("e", Map.of("x", 1.0)));
    byte[] truncated = Arrays.copyOf(payload, payload.length - 3);
    AvroCodec.InvalidPayloadException corrupt = assertThrows(AvroCodec.InvalidPayloadException.class,
        () -> decoder.decode(truncated, 0, 0));
    assertTrue(corrupt.getMessage().contains("corrupt LabelledEvent"), corrupt.getMessage());
    AvroCodec.InvalidPayloadException foreign = assertThrows(AvroCodec.InvalidPayloadException.class,
        () -> decoder.decode("not avro".getBytes(), 0, 0));
    assertTrue(foreign.getMessage().contains("not an Avro single-object payload"), foreign.getMessage());
    assertThrows(AvroCodec.InvalidPayloadException.class, () -> decoder.decode(null, 0, 0));
  }

  @Test
  void aPayloadOfAnotherSchemaGoesThroughAvro() throws Exception {
    Schema other = SchemaBuilder.record("Other").namespace("x").fields().requiredString("a").endRecord();
    GenericRecord record = new GenericData.Record(other);
    record.put("a", "b");
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), other).encode(record).array();
    AvroCodec.InvalidPayloadException unknown = assertThrows(AvroCodec.InvalidPayloadException.class,
        () -> decoder.decode(bytes, 0, 0));
    assertTrue(unknown.getMessage().contains("schema unknown"), unknown.getMessage());
  }

  @Test
  void theFastPathReadsTheSchemasFieldsInOrder() {
    List<String> schemaFields = LabelledEvent.getClassSchema().getFields().stream().map(Schema.Field::name).toList();
    assertEquals(schemaFields, LabelledEventDecoder.FIELDS,
        "LabelledEvent changed: LabelledEventDecoder's fast path must read the new fields, then list them in FIELDS");
  }

  private static LabelledEvent event(String id, Map<String, Double> features) {
    return LabelledEvent.newBuilder().setEventId(id).setModel("m").setEventTime(1L).setFeatures(features).setLabel(0)
        .build();
  }
}
