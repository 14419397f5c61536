package dev.plasticity.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own test JVM started without {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} (see
 * the {@code untrusted-jvm} execution in this module's pom): Avro itself refuses the contract's
 * classes there, and {@link AvroCodec} still decodes every kind of record (flat, nested records in
 * arrays, enums).
 */
class UntrustedJvmCodecTest {
  @Test
  void thisJvmDoesNotTrustTheContractPackageForAvro() {
    assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
    assertThatThrownBy(() -> ClassSecurityValidator.validate(LabelledEvent.class))
        .isInstanceOf(SecurityException.class).hasMessageContaining("Forbidden dev.plasticity.schemas.LabelledEvent");
  }

  @Test
  void decodesAFlatRecord() {
    LabelledEvent event = LabelledEvent.newBuilder().setEventId("e-1").setModel("sea").setEventTime(1_700_000_000_000L)
        .setFeatures(Map.of("x1", 1.5)).setCategorical(Map.of("colour", "red")).setLabel(1).setPrediction(0)
        .setPredictionVersion(3).build();
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);

    assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
  }

  @Test
  void decodesNestedRecordsAndEnums() {
    DriftTrigger trigger = DriftTrigger.newBuilder().setTriggerId("t-1").setModel("sea").setBaseVersion(2)
        .setKind(DriftKind.CONCEPT)
        .setEvidence(List.of(Evidence.newBuilder().setFeature("_error").setTest("ERROR_RATE").setStatistic(0.4)
            .setThreshold(0.01).setPValue(0.001).setDrifted(true).build()))
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(1).setEndTime(2)
            .setEventCount(10).setOffsets(List.of(PartitionRange.newBuilder().setPartition(0).setStartOffset(5)
                .setEndOffset(14).build())).build())
        .setSeverity(0.7).setDetectedAt(3).setSignal(TriggerSignal.MANUAL).build();
    AvroCodec<DriftTrigger> codec = AvroCodec.of(DriftTrigger.class);

    DriftTrigger decoded = codec.decode(codec.encode(trigger));

    assertThat(decoded).isEqualTo(trigger);
    assertThat(decoded.getEvidence().get(0)).isInstanceOf(Evidence.class);
    assertThat(decoded.getKind()).isSameAs(DriftKind.CONCEPT);
  }
}
