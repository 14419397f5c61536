package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.LabelledEvent;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
  /** What Avro 1.12's ClassSecurityValidator throws for a generated class outside the trusted packages. */
  private static final String FORBIDDEN = "Forbidden dev.plasticity.schemas.LabelledEvent! This class is not trusted"
      + " to be included in Avro schemas. You may either use the system properties"
      + " org.apache.avro.SERIALIZABLE_CLASSES and org.apache.avro.SERIALIZABLE_PACKAGES to set the comma separated"
      + " list of the classes or packages you trust, or you can set them via the API (see"
      + " org.apache.avro.util.ClassSecurityValidator).";

  @Test
  void tellsAJvmWithoutTrustedPackagesHowToTrustPlasticitysClasses() {
    SecurityException refused = new SecurityException(FORBIDDEN);
    AvroCodec.InvalidPayloadException e = new AvroCodec.InvalidPayloadException(
        "corrupt LabelledEvent payload (71 bytes): " + refused, refused);

    assertThat(DeadLetters.whyUndecodable(e))
        .startsWith("corrupt LabelledEvent payload (71 bytes): java.lang.SecurityException: Forbidden")
        .endsWith("Avro refused a class outside its trusted packages: start this JVM with"
            + " -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.plasticity");
  }

  @Test
  void saysWhatWasWrongWithBytesThatAreNotAnEvent() {
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    try {
      codec.decode(new byte[] {1, 2, 3});
      throw new AssertionError("three bytes decoded as an event");
    } catch (AvroCodec.InvalidPayloadException e) {
      assertThat(DeadLetters.whyUndecodable(e)).startsWith("not an Avro single-object payload for LabelledEvent")
          .doesNotContain("trusted packages");
    }
  }
}
