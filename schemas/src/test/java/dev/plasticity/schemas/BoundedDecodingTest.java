package dev.plasticity.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A record is decoded only within its own bytes: a payload over the maximum record size is refused
 * unread, and a length claimed inside a record is checked against what remains before anything is
 * allocated for it.
 */
class BoundedDecodingTest {
  static final long TWO_GB = 2_000_000_000L;

  /** The 10-byte single-object header of {@code type}'s current schema. */
  static byte[] header(AvroCodec<?> codec) {
    return Arrays.copyOf(encodeSample(codec), 10);
  }

  @SuppressWarnings("unchecked")
  static <T extends org.apache.avro.specific.SpecificRecord> byte[] encodeSample(AvroCodec<T> codec) {
    Object record = codec.type() == LabelledEvent.class ? event() : trigger();
    return codec.encode((T) record);
  }

  static LabelledEvent event() {
    return LabelledEvent.newBuilder().setEventId("e-1").setModel("sea").setEventTime(1_700_000_000_000L)
        .setFeatures(Map.of("x1", 1.5, "x2", 7.25)).setCategorical(Map.of("colour", "red")).setLabel(1)
        .setPrediction(0).setPredictionVersion(3).build();
  }

  static DriftTrigger trigger() {
    return DriftTrigger.newBuilder().setTriggerId("t-1").setModel("sea").setBaseVersion(1).setKind(DriftKind.CONCEPT)
        .setEvidence(List.of(new Evidence("_error", "ERROR_RATE", 0.3, 1e-9, 1e-4, true)))
        .setWindow(new DataWindow(Topics.EVENTS_LABELLED, 1L, 2L, 500L, List.of(new PartitionRange(0, 0L, 499L))))
        .setSeverity(0.8).setDetectedAt(3L).build();
  }

  /** Avro's zig-zag varint of {@code n}. */
  static byte[] varint(long n) {
    long z = (n << 1) ^ (n >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A record whose first field, a string, claims {@code length} bytes, followed by 90 filler bytes. */
  static byte[] stringLengthBomb(AvroCodec<?> codec, long length) {
    byte[] filler = new byte[90];
    Arrays.fill(filler, (byte) 'a');
    return concat(header(codec), varint(length), filler);
  }

  @Test
  void aLabelledEventWhoseIdClaimsTwoGigabytesIsRefusedBeforeAnythingIsAllocated() {
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    byte[] bomb = stringLengthBomb(codec, TWO_GB);
    assertThat(bomb).hasSizeLessThan(110);
    assertThatThrownBy(() -> codec.decode(bomb))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class)
        .hasMessageContaining("corrupt LabelledEvent payload")
        .hasMessageContaining("a string length of 2000000000 claimed at byte 0, but only 90 bytes of the record remain");
  }

  @Test
  void aDriftTriggerWhoseIdClaimsTwoGigabytesIsRefusedBeforeAnythingIsAllocated() {
    AvroCodec<DriftTrigger> codec = AvroCodec.of(DriftTrigger.class);
    byte[] bomb = stringLengthBomb(codec, TWO_GB);
    assertThatThrownBy(() -> codec.decode(bomb))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class)
        .hasMessageContaining("corrupt DriftTrigger payload")
        .hasMessageContaining("a string length of 2000000000 claimed at byte 0, but only 90 bytes of the record remain");
    // the same through the Kafka deserializer the trainer uses
    assertThatThrownBy(() -> AvroSerde.of(DriftTrigger.class).deserialize(Topics.DRIFT_TRIGGERS, bomb))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class)
        .hasMessageContaining("only 90 bytes of the record remain");
  }

  @Test
  void aFeatureMapClaimingABillionEntriesIsRefusedBeforeItIsAllocated() {
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    byte[] bomb = concat(header(codec), varint(1), new byte[] {'e'}, varint(3), "sea".getBytes(),
        varint(1_700_000_000_000L), varint(1_000_000_000L), new byte[40]);
    assertThatThrownBy(() -> codec.decode(bomb))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class)
        .hasMessageContaining("a map block count of 1000000000 claimed")
        .hasMessageContaining("only 40 bytes of the record remain");
  }

  @Test
  void anArrayBlockSizeLargerThanTheRecordIsRefused() {
    AvroCodec<DriftTrigger> codec = AvroCodec.of(DriftTrigger.class);
    // triggerId, model, baseVersion, kind, then evidence as one block of -1 items claiming 2 GB of bytes
    byte[] bomb = concat(header(codec), varint(1), new byte[] {'t'}, varint(3), "sea".getBytes(), varint(1), varint(2),
        varint(-1), varint(TWO_GB), new byte[20]);
    assertThatThrownBy(() -> codec.decode(bomb))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class)
        .hasMessageContaining("an array block size of 2000000000 claimed");
  }

  @Test
  void aNegativeLengthIsRefused() {
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    assertThatThrownBy(() -> codec.decode(stringLengthBomb(codec, -5)))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class)
        .hasMessageContaining("a string length of -5 claimed");
  }

  @Test
  void aPayloadLargerThanTheMaximumRecordSizeIsRefusedUnread() {
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class).withMaxRecordBytes(64);
    byte[] big = codec.encode(LabelledEvent.newBuilder(event()).setEventId("x".repeat(100)).build());
    assertThatThrownBy(() -> codec.decode(big))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class)
        .hasMessageContaining("LabelledEvent payload of " + big.length + " bytes is larger than the maximum record size of 64 bytes")
        .hasMessageContaining(AvroCodec.MAX_RECORD_BYTES_PROPERTY);
    assertThat(codec.decode(codec.encode(LabelledEvent.newBuilder(event()).setFeatures(Map.of()).setCategorical(Map.of())
        .build()))).isNotNull();
  }

  @Test
  void theDefaultMaximumIsEightMebibytesAndCodecsReadTheirsFromThePropertyThenTheEnvironment() {
    assertThat(AvroCodec.of(LabelledEvent.class).maxRecordBytes()).isEqualTo(8 * 1024 * 1024);
    assertThat(AvroCodec.configuredMaxRecordBytes(k -> null, k -> null)).isEqualTo(AvroCodec.DEFAULT_MAX_RECORD_BYTES);
    assertThat(AvroCodec.configuredMaxRecordBytes(k -> null, k -> "1000")).isEqualTo(1000);
    assertThat(AvroCodec.configuredMaxRecordBytes(k -> "2000", k -> "1000")).isEqualTo(2000);
    assertThatThrownBy(() -> AvroCodec.configuredMaxRecordBytes(k -> "-1", k -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plasticity.max.record.bytes must be a positive number of bytes");
    assertThatThrownBy(() -> AvroCodec.configuredMaxRecordBytes(k -> null, k -> "lots"))
        .hasMessageContaining("PLASTICITY_MAX_RECORD_BYTES must be a positive number of bytes");
  }

  @Test
  void validRecordsStillDecodeToWhatWasEncoded() {
    AvroCodec<LabelledEvent> events = AvroCodec.of(LabelledEvent.class);
    AvroCodec<DriftTrigger> triggers = AvroCodec.of(DriftTrigger.class);
    assertThat(events.decode(events.encode(event()))).isEqualTo(event());
    assertThat(triggers.decode(triggers.encode(trigger()))).isEqualTo(trigger());
    LabelledEvent wide = LabelledEvent.newBuilder(event()).setFeatures(java.util.stream.IntStream.range(0, 5000).boxed()
        .collect(java.util.stream.Collectors.toMap(i -> "f" + i, i -> i / 7.0))).build();
    assertThat(events.decode(events.encode(wide))).isEqualTo(wide);
  }

  @Test
  void fieldsOnlyAnOlderWriterHadAreSkippedInPlace() throws Exception {
    // the writer's extra string, bytes, array and map come first, so a skip that lands wrong shows in every field after it
    org.apache.avro.Schema writer = org.apache.avro.SchemaBuilder.record("LabelledEvent").namespace("dev.plasticity.schemas")
        .fields()
        .requiredString("note")
        .requiredBytes("blob")
        .name("tags").type().array().items().stringType().noDefault()
        .name("attrs").type().map().values().stringType().noDefault()
        .requiredString("eventId").requiredString("model").requiredLong("eventTime")
        .name("features").type().map().values().doubleType().noDefault()
        .name("categorical").type().map().values().stringType().noDefault()
        .requiredInt("label")
        .name("prediction").type().optional().intType()
        .name("predictionVersion").type().optional().intType()
        .endRecord();
    org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(writer);
    LabelledEvent e = event();
    old.put("note", "written by an older producer");
    old.put("blob", java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
    old.put("tags", List.of("a", "bb", "ccc"));
    old.put("attrs", Map.of("k", "v", "kk", "vv"));
    old.put("eventId", e.getEventId());
    old.put("model", e.getModel());
    old.put("eventTime", e.getEventTime());
    old.put("features", e.getFeatures());
    old.put("categorical", e.getCategorical());
    old.put("label", e.getLabel());
    old.put("prediction", e.getPrediction());
    old.put("predictionVersion", e.getPredictionVersion());
    byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
        org.apache.avro.generic.GenericData.get(), writer).encode(old).array();
    assertThat(AvroCodec.of(LabelledEvent.class).withWriterSchema(writer).decode(bytes)).isEqualTo(e);
  }
}
