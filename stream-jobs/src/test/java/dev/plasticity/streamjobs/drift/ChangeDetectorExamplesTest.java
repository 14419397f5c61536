package dev.plasticity.streamjobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The drift indices every detector's Javadoc example shows, and those of each detector on both
 * example streams: errors at rate 0.1 then 0.5 from index 1000, and standard normal values whose
 * mean rises by 1 at index 1000 (both drawn from {@code new Random(42)}, 2000 values).
 */
class ChangeDetectorExamplesTest {
  private static final double[] ERRORS = SeededStreams.abruptErrors(42, 2000, 1000, 0.1, 0.5);
  private static final double[] MEAN_SHIFT = SeededStreams.meanShift(42, 2000, 1000, 1);

  static Stream<Arguments> examples() {
    return Stream.of(
        example("ADWIN (Javadoc)", Adwin::new, MEAN_SHIFT, 1055, 1087),
        example("ADWIN", Adwin::new, ERRORS, 1055, 1087, 1119),
        example("Page-Hinkley (Javadoc)", PageHinkley::new, MEAN_SHIFT, 1080),
        example("Page-Hinkley", PageHinkley::new, ERRORS, 1100),
        example("DDM (Javadoc)", Ddm::new, ERRORS, 72, 1034),
        example("EDDM (Javadoc)", Eddm::new, ERRORS, 418, 854, 1036, 1094, 1173, 1236, 1306),
        example("HDDM-A (Javadoc)", HddmA::new, ERRORS, 1034),
        example("KSWIN seeded 42 (Javadoc)", () -> new Kswin(42), MEAN_SHIFT, 121, 1027),
        example("KSWIN with alpha 0.0001 seeded 7 (Javadoc)",
            () -> new Kswin(0.0001, 100, 30, 7), MEAN_SHIFT, 1032),
        example("KSWIN seeded 7", () -> new Kswin(7), ERRORS, 1040, 1735));
  }

  private static Arguments example(
      String name, Supplier<ChangeDetector> detector, double[] stream, Integer... drifts) {
    String streamName = stream == ERRORS ? "error rate 0.1 to 0.5" : "mean shift of 1";
    return Arguments.of(name, streamName, detector, stream, List.of(drifts));
  }

  @ParameterizedTest(name = "{0} on {1} detects drifts at {4}")
  @MethodSource("examples")
  void detectsDriftAtTheDocumentedIndices(
      String detector,
      String streamName,
      Supplier<ChangeDetector> factory,
      double[] stream,
      List<Integer> drifts) {
    assertThat(SeededStreams.drifts(factory.get(), stream)).isEqualTo(drifts);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void everyKindDetectsTheRiseInErrorRateWithin100Values(ChangeDetectorKind kind) {
    List<Integer> drifts = SeededStreams.drifts(kind.create(7), ERRORS);

    assertThat(drifts).anySatisfy(i -> assertThat(i).isBetween(1000, 1100));
  }

  static Stream<ChangeDetectorKind> kinds() {
    return Stream.of(ChangeDetectorKind.values());
  }
}
