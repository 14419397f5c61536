package dev.plasticity.streamjobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChangeDetectorParametersTest {

  static Stream<Arguments> badParameters() {
    return Stream.of(
        bad("ADWIN delta must be in (0, 1), got 0.0", () -> new Adwin(0)),
        bad("ADWIN delta must be in (0, 1), got NaN", () -> new Adwin(Double.NaN)),
        bad("ADWIN clock must be >= 1 update, got 0", () -> new Adwin(0.002, true, 0, 10, 5, 5)),
        bad("ADWIN minWindowLength must be >= 0, got -1",
            () -> new Adwin(0.002, true, 32, -1, 5, 5)),
        bad("ADWIN minSubWindowLength must be >= 1, got 0",
            () -> new Adwin(0.002, true, 32, 10, 0, 5)),
        bad("ADWIN maxBucketsPerRow must be >= 1, got 0",
            () -> new Adwin(0.002, true, 32, 10, 5, 0)),
        bad("Page-Hinkley minNumInstances must be >= 0, got -1",
            () -> new PageHinkley(-1, 0.005, 50, 0.9999)),
        bad("Page-Hinkley delta must be finite and >= 0, got -0.1",
            () -> new PageHinkley(30, -0.1, 50, 0.9999)),
        bad("Page-Hinkley lambda must be finite and > 0, got 0.0",
            () -> new PageHinkley(30, 0.005, 0, 0.9999)),
        bad("Page-Hinkley alpha must be in (0, 1], got 1.5",
            () -> new PageHinkley(30, 0.005, 50, 1.5)),
        bad("DDM minNumInstances must be >= 1, got 0", () -> new Ddm(0, 2, 3)),
        bad("DDM warningLevel must be finite and > 0, got 0.0", () -> new Ddm(30, 0, 3)),
        bad("DDM outControlLevel must be finite and >= warningLevel (2.0), got 1.0",
            () -> new Ddm(30, 2, 1)),
        bad("EDDM warningLevel must be in (0, 1], got 1.2", () -> new Eddm(1.2, 0.9, 30, 30)),
        bad("EDDM outControlLevel must be in (0, warningLevel = 0.9], got 0.95",
            () -> new Eddm(0.9, 0.95, 30, 30)),
        bad("EDDM minNumInstances must be >= 0, got -1", () -> new Eddm(0.95, 0.9, -1, 30)),
        bad("EDDM minNumErrors must be >= 0, got -1", () -> new Eddm(0.95, 0.9, 30, -1)),
        bad("HDDM-A driftConfidence must be in (0, 1), got 0.0", () -> new HddmA(0, 0.005, true)),
        bad("HDDM-A warningConfidence must be in [driftConfidence = 0.01, 1), got 0.005",
            () -> new HddmA(0.01, 0.005, true)),
        bad("KSWIN alpha must be in (0, 1), got 1.0", () -> new Kswin(1, 100, 30, 0)),
        bad("KSWIN statSize must be >= 1, got 0", () -> new Kswin(0.005, 100, 0, 0)),
        bad("KSWIN windowSize must be >= 2 * statSize (60) so that statSize older values can be"
                + " sampled, got 59",
            () -> new Kswin(0.005, 59, 30, 0)));
  }

  private static Arguments bad(String message, ThrowingCallable construction) {
    return Arguments.of(message, construction);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badParameters")
  void rejectsParametersWithAMessageThatNamesTheRule(String message, ThrowingCallable construction) {
    assertThatIllegalArgumentException().isThrownBy(construction).withMessage(message);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(ChangeDetectorKind.ADWIN, Double.NaN, "ADWIN needs finite values, got NaN"),
        Arguments.of(
            ChangeDetectorKind.PAGE_HINKLEY,
            Double.POSITIVE_INFINITY,
            "Page-Hinkley needs finite values, got Infinity"),
        Arguments.of(
            ChangeDetectorKind.DDM,
            0.5,
            "DDM reads a binary error stream: values must be 0 or 1, got 0.5"),
        Arguments.of(
            ChangeDetectorKind.EDDM,
            2.0,
            "EDDM reads a binary error stream: values must be 0 or 1, got 2.0"),
        Arguments.of(
            ChangeDetectorKind.HDDM_A,
            1.5,
            "HDDM-A needs values in [0, 1] (Hoeffding's bound assumes that range), got 1.5"),
        Arguments.of(ChangeDetectorKind.KSWIN, Double.NaN, "KSWIN needs finite values, got NaN"));
  }

  @ParameterizedTest(name = "{0} rejects {1}")
  @MethodSource("badValues")
  void rejectsValuesOutsideItsDomain(ChangeDetectorKind kind, double value, String message) {
    ChangeDetector detector = kind.create(1);

    assertThatIllegalArgumentException().isThrownBy(() -> detector.update(value)).withMessage(message);
  }

  @Test
  void kindsCreateTheirDetectorsAndOnlyDdmEddmAndHddmAWarn() {
    assertThat(ChangeDetectorKind.valueOf("ADWIN").create(0)).isInstanceOf(Adwin.class);
    assertThat(ChangeDetectorKind.valueOf("PAGE_HINKLEY").create(0))
        .isInstanceOf(PageHinkley.class)
        .isNotInstanceOf(WarningDetector.class);
    assertThat(ChangeDetectorKind.valueOf("DDM").create(0)).isInstanceOf(Ddm.class);
    assertThat(ChangeDetectorKind.valueOf("EDDM").create(0)).isInstanceOf(Eddm.class);
    assertThat(ChangeDetectorKind.valueOf("HDDM_A").create(0)).isInstanceOf(HddmA.class);
    assertThat(ChangeDetectorKind.valueOf("KSWIN").create(0)).isInstanceOf(Kswin.class);
    assertThat(Stream.of(ChangeDetectorKind.values()).map(k -> k.create(0)))
        .filteredOn(d -> d instanceof WarningDetector)
        .hasSize(3)
        .allSatisfy(d -> assertThat(d).isInstanceOfAny(Ddm.class, Eddm.class, HddmA.class));
  }

  @Test
  void adwinKeepsLogarithmicallyManyBucketsForALongWindow() {
    Adwin adwin = new Adwin();
    double[] stream = SeededStreams.abruptErrors(5, 1 << 20, 1 << 20, 0.3, 0.3);
    for (double value : stream) {
      adwin.update(value);
    }

    // at most maxBucketsPerRow buckets in each of about log2(W / maxBucketsPerRow) rows
    assertThat(adwin.windowLength()).isGreaterThan(1 << 19);
    assertThat(adwin.buckets()).isLessThanOrEqualTo(5 * 20);
    assertThat(adwin.mean()).isCloseTo(0.3, Offset.offset(0.01));
  }
}
