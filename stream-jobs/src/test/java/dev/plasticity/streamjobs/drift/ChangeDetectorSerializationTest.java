package dev.plasticity.streamjobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The drift job checkpoints detectors (as a generic type, which Flink writes with Kryo) and restores
 * them mid-stream: a serialization round trip keeps their detections, and each is a public class,
 * which Kryo needs to create it on restore.
 */
class ChangeDetectorSerializationTest {
  private static final double[] ERRORS =
      SeededStreams.errors(9, SeededStreams.levels(9, 30_000, 5_000, 1_000, 0.05, 0.5));

  static Stream<ChangeDetectorKind> kinds() {
    return Stream.of(ChangeDetectorKind.values());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void continuesWithIdenticalDetectionsAfterASerializationRoundTripMidStream(
      ChangeDetectorKind kind) throws Exception {
    List<Integer> uninterrupted = SeededStreams.drifts(kind.create(3), ERRORS);

    ChangeDetector detector = kind.create(3);
    List<Integer> restored = new ArrayList<>();
    for (int i = 0; i < ERRORS.length; i++) {
      if (i % 7_777 == 0) {
        detector = roundTrip(detector);
      }
      detector.update(ERRORS[i]);
      if (detector.driftDetected()) {
        restored.add(i);
      }
      if (i > 0 && uninterrupted.contains(i - 1)) {
        detector = roundTrip(detector); // right after a drift, too
      }
    }

    assertThat(uninterrupted).isNotEmpty();
    assertThat(restored).isEqualTo(uninterrupted);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void isAPublicClassSoThatKryoCanRestoreItFromTheJobsState(ChangeDetectorKind kind) {
    Class<?> type = kind.create(3).getClass();

    assertThat(java.lang.reflect.Modifier.isPublic(type.getModifiers()))
        .as("%s is kept in Flink state as a generic type; Kryo's generated constructor access cannot create a"
            + " package-private class when a checkpoint is restored", type.getSimpleName()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void staysSmallWhenSerialized(ChangeDetectorKind kind) throws Exception {
    ChangeDetector detector = kind.create(3);
    for (double error : ERRORS) {
      detector.update(error);
    }

    assertThat(serialize(detector)).hasSizeLessThan(4_096);
  }

  private static ChangeDetector roundTrip(ChangeDetector detector)
      throws IOException, ClassNotFoundException {
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(serialize(detector)))) {
      return (ChangeDetector) in.readObject();
    }
  }

  private static byte[] serialize(ChangeDetector detector) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(detector);
    }
    return bytes.toByteArray();
  }
}
