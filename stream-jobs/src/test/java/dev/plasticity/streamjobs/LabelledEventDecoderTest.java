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

  /** Avro's zig-zag varint of {@code n}. */
  static byte[] varint(long n) {
    long z = (n << 1) ^ (n >> 63);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    return out.toByteArray();
  }

  /** A current-schema LabelledEvent header, then an event id claiming ~2 GB, then 90 bytes. */
  static byte[] lengthBomb() {
    byte[] header = Arrays.copyOf(ObservedEvent.CODEC.encode(event("e", Map.of("x", 1.0))), 10);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(varint(2_000_000_000L));
    out.writeBytes(new byte[90]);
    return out.toByteArray();
  }

  @Test
  void aLengthClaimBeyondThePayloadIsRefusedOnTheFastPathBeforeItIsAllocated() {
    // the old fast path read it with Avro's BinaryDecoder, which reserved the claimed 2 GB first
    byte[] bomb = lengthBomb();
    byte[] model = Arrays.copyOf(bomb, bomb.length);
    AvroCodec.InvalidPayloadException refused = assertThrows(AvroCodec.InvalidPayloadException.class,
        () -> decoder.decode(model, 0, 0));
    assertEquals("corrupt LabelledEvent payload (" + bomb.length + " bytes): a string length of 2000000000 claimed at byte 0,"
        + " but only 90 bytes of the record remain", refused.getMessage());
  }

  @Test
  void aPayloadLargerThanTheMaximumRecordSizeIsRefused() {
    Map<String, Double> features = new LinkedHashMap<>();
    for (int i = 0; i < 800_000; i++) { // ~10 bytes a feature: over the default 8 MiB
      features.put("f" + i, (double) i);
    }
    byte[] big = ObservedEvent.CODEC.encode(event("big", features));
    assertTrue(big.length > AvroCodec.DEFAULT_MAX_RECORD_BYTES);
    AvroCodec.InvalidPayloadException refused = assertThrows(AvroCodec.InvalidPayloadException.class,
        () -> decoder.decode(big, 0, 0));
    assertTrue(refused.getMessage().contains("is larger than the maximum record size of 8388608 bytes"), refused.getMessage());
  }
}
