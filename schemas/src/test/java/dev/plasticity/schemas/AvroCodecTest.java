package dev.plasticity.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
  private final AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);

  private static LabelledEvent event() {
    return LabelledEvent.newBuilder()
        .setEventId("e-1")
        .setModel("sea")
        .setEventTime(1_700_000_000_000L)
        .setFeatures(Map.of("x1", 1.5, "x2", 7.25))
        .setLabel(1)
        .setPrediction(0)
        .setPredictionVersion(3)
        .build();
  }

  @Test
  void roundTripsALabelledEvent() {
    LabelledEvent decoded = codec.decode(codec.encode(event()));
    assertThat(decoded).isEqualTo(event());
    assertThat(decoded.getCategorical()).isEmpty();
  }

  @Test
  void rejectsBytesThatAreNotAnAvroPayloadWithAReason() {
    byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(garbage))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class)
        .hasMessageContaining("LabelledEvent");
  }

  @Test
  void rejectsATruncatedPayload() {
    byte[] bytes = codec.encode(event());
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 4);
    assertThatThrownBy(() -> codec.decode(truncated))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class);
  }

  @Test
  void rejectsAPayloadOfAnotherRecordType() {
    byte[] progress =
        AvroCodec.of(TrainingProgress.class)
            .encode(
                TrainingProgress.newBuilder()
                    .setTriggerId("t")
                    .setModel("m")
                    .setStrategy("retrain")
                    .setPhase(TrainingPhase.STARTED)
                    .setCandidatesTried(0)
                    .setCandidatesTotal(1)
                    .setEpoch(0)
                    .setEpochs(1)
                    .setBudgetUsed(0)
                    .setTimestamp(0)
                    .build());
    assertThatThrownBy(() -> codec.decode(progress))
        .isInstanceOf(AvroCodec.InvalidPayloadException.class)
        .hasMessageContaining("unknown");
  }

  @Test
  void kafkaSerdeMapsNullToATombstone() {
    AvroSerde<LabelledEvent> serde = AvroSerde.of(LabelledEvent.class);
    assertThat(serde.serialize("t", null)).isNull();
    assertThat(serde.deserialize("t", null)).isNull();
    assertThat(serde.deserialize("t", serde.serialize("t", event()))).isEqualTo(event());
  }

  /** What Avro 1.12's ClassSecurityValidator throws for a generated class outside the trusted packages. */
  private static final String FORBIDDEN = "Forbidden dev.plasticity.schemas.LabelledEvent! This class is not trusted"
      + " to be included in Avro schemas. You may either use the system properties"
      + " org.apache.avro.SERIALIZABLE_CLASSES and org.apache.avro.SERIALIZABLE_PACKAGES to set the comma separated"
      + " list of the classes or packages you trust, or you can set them via the API (see"
      + " org.apache.avro.util.ClassSecurityValidator).";

  @Test
  void tellsAJvmThatDoesNotTrustTheContractsPackageHowToTrustIt() {
    String why = AvroCodec.failure("LabelledEvent", 71,
        new org.apache.avro.AvroRuntimeException("cannot build", new SecurityException(FORBIDDEN)));

    assertThat(why).startsWith("cannot decode LabelledEvent (71 bytes): Avro refused a class outside its trusted packages;"
        + " start this JVM with -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.plasticity")
        .contains("Forbidden dev.plasticity.schemas.LabelledEvent");
  }

  @Test
  void callsOtherFailuresCorruptWithoutTheTrustHint() {
    String why = AvroCodec.failure("LabelledEvent", 12, new java.io.EOFException());

    assertThat(why).isEqualTo("corrupt LabelledEvent payload (12 bytes): java.io.EOFException").doesNotContain("trusted");
  }
}
