package dev.plasticity.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Runs in its own test JVM started without {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} (the
 * {@code untrusted-jvm} execution in this module's pom): Avro alone refuses the contract's classes
 * there, and once a codec exists every kind of record (flat, nested records in arrays, enums) is
 * decoded and copied by its generated builder. Skipped in a JVM that has the property (every other
 * test JVM of the build).
 */
@DisabledIfSystemProperty(named = "org.apache.avro.SERIALIZABLE_PACKAGES", matches = ".*",
    disabledReason = "runs in the untrusted-jvm execution, started without the property")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UntrustedJvmCodecTest {
  @Test
  @Order(1)
  void avroAloneRefusesTheContractClassesHereAndACodecLetsItBuildThem() {
    assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
    assertThatThrownBy(() -> ClassSecurityValidator.validate(LabelledEvent.class))
        .isInstanceOf(SecurityException.class).hasMessageContaining("Forbidden dev.plasticity.schemas.LabelledEvent");

    AvroCodec.of(Label.class);

    ClassSecurityValidator.validate(LabelledEvent.class);
    ClassSecurityValidator.validate(DriftKind.class);
    assertThatThrownBy(() -> ClassSecurityValidator.validate(java.net.URL.class)).as("other classes stay untrusted")
        .isInstanceOf(SecurityException.class);
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
  void decodesAndCopiesNestedRecordsAndEnums() {
    AvroCodec<DriftTrigger> codec = AvroCodec.of(DriftTrigger.class);
    DriftTrigger trigger = DriftTrigger.newBuilder().setTriggerId("t-1").setModel("sea").setBaseVersion(2)
        .setKind(DriftKind.CONCEPT)
        .setEvidence(List.of(Evidence.newBuilder().setFeature("_error").setTest("ERROR_RATE").setStatistic(0.4)
            .setThreshold(0.01).setPValue(0.001).setDrifted(true).build()))
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(1).setEndTime(2)
            .setEventCount(10).setOffsets(List.of(PartitionRange.newBuilder().setPartition(0).setStartOffset(5)
                .setEndOffset(14).build())).build())
        .setSeverity(0.7).setDetectedAt(3).setSignal(TriggerSignal.MANUAL).build();

    DriftTrigger decoded = codec.decode(codec.encode(trigger));

    assertThat(decoded).isEqualTo(trigger);
    assertThat(decoded.getEvidence().get(0)).isInstanceOf(Evidence.class);
    assertThat(DriftTrigger.newBuilder(decoded).setBaseVersion(3).build().getWindow()).isEqualTo(trigger.getWindow());
  }
}
