package dev.plasticity.streamjobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import moa.classifiers.core.driftdetection.ADWIN;
import moa.classifiers.core.driftdetection.ADWINChangeDetector;
import moa.classifiers.core.driftdetection.AbstractChangeDetector;
import moa.classifiers.core.driftdetection.DDM;
import moa.classifiers.core.driftdetection.EDDM;
import moa.classifiers.core.driftdetection.HDDM_A_Test;
import moa.classifiers.core.driftdetection.PageHinkleyDM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our detectors report drifts (and warnings) at exactly the same indices as MOA's, the reference
 * implementation a benchmark compares them with, on seeded abrupt and gradual streams of 100 000
 * values. MOA is GPL-3.0 and only ever a test dependency.
 */
class MoaAgreementTest {
  private static final int LENGTH = 100_000;
  private static final long[] SEEDS = {1, 2, 3};

  /** A stream and a name for it, with its drifts at every 10 000 values. */
  record Named(String name, double[] values) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Named> errorStreams() {
    List<Named> streams = new ArrayList<>();
    for (long seed : SEEDS) {
      streams.add(
          new Named(
              "abrupt errors, seed " + seed,
              SeededStreams.errors(
                  seed, SeededStreams.levels(seed, LENGTH, 10_000, 0, 0.02, 0.5))));
      streams.add(
          new Named(
              "gradual errors, seed " + seed,
              SeededStreams.errors(
                  seed, SeededStreams.levels(seed, LENGTH, 10_000, 4_000, 0.02, 0.5))));
    }
    streams.add(
        new Named("errors 0.1 then 0.5", SeededStreams.abruptErrors(42, LENGTH, 50_000, 0.1, 0.5)));
    return streams;
  }

  static List<Named> lossStreams() {
    List<Named> streams = new ArrayList<>();
    for (long seed : SEEDS) {
      streams.add(
          new Named(
              "abrupt losses, seed " + seed,
              SeededStreams.losses(
                  seed, SeededStreams.levels(seed, LENGTH, 10_000, 0, 0.05, 0.5))));
      streams.add(
          new Named(
              "gradual losses, seed " + seed,
              SeededStreams.losses(
                  seed, SeededStreams.levels(seed, LENGTH, 10_000, 4_000, 0.05, 0.5))));
    }
    return streams;
  }

  static List<Named> numericStreams() {
    List<Named> streams = new ArrayList<>();
    for (long seed : SEEDS) {
      streams.add(
          new Named(
              "abrupt mean shifts, seed " + seed,
              SeededStreams.normals(seed, SeededStreams.levels(seed, LENGTH, 10_000, 0, -2, 2))));
      streams.add(
          new Named(
              "gradual mean shifts, seed " + seed,
              SeededStreams.normals(
                  seed, SeededStreams.levels(seed, LENGTH, 10_000, 4_000, -2, 2))));
    }
    return streams;
  }

  /** A pair of detectors that must agree, and a stream. */
  static Stream<Arguments> pairs() {
    List<Arguments> pairs = new ArrayList<>();
    List<Named> numeric = new ArrayList<>(errorStreams());
    numeric.addAll(lossStreams());
    numeric.addAll(numericStreams());
    List<Named> bounded = new ArrayList<>(errorStreams());
    bounded.addAll(lossStreams());
    for (Named stream : numeric) {
      pairs.add(pair("ADWIN", Adwin::new, () -> moa(new ADWINChangeDetector()), stream));
      pairs.add(
          pair(
              "ADWIN, both directions",
              () -> new Adwin(Adwin.DEFAULT_DELTA, false, 32, 10, 5, 5),
              MoaAgreementTest::moaAdwinBothDirections,
              stream));
      pairs.add(pair("Page-Hinkley", PageHinkley::new, () -> moa(new PageHinkleyDM()), stream));
    }
    for (Named stream : errorStreams()) {
      pairs.add(pair("DDM", Ddm::new, () -> moa(new DDM()), stream));
      pairs.add(pair("EDDM", Eddm::new, () -> moa(new EDDM()), stream));
    }
    for (Named stream : bounded) {
      pairs.add(pair("HDDM-A", HddmA::new, () -> moa(new HDDM_A_Test()), stream));
      pairs.add(
          pair(
              "HDDM-A ignoring decreases",
              () -> new HddmA(0.001, 0.005, false),
              () -> {
                HDDM_A_Test oneSided = new HDDM_A_Test();
                oneSided.oneSidedTestOption.setChosenIndex(0);
                return moa(oneSided);
              },
              stream));
    }
    return pairs.stream();
  }

  private static Arguments pair(
      String name,
      Supplier<ChangeDetector> ours,
      Supplier<ChangeDetector> moa,
      Named stream) {
    return Arguments.of(name, stream, ours, moa);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("pairs")
  void detectsDriftsAndWarningsAtTheSameIndicesAsMoa(
      String detector, Named stream, Supplier<ChangeDetector> ours, Supplier<ChangeDetector> moa) {
    Outcome expected = Outcome.of(moa.get(), stream.values());
    Outcome actual = Outcome.of(ours.get(), stream.values());

    assertThat(expected.drifts()).as("MOA detects drifts on this stream").isNotEmpty();
    assertThat(actual.drifts()).as("drift indices").isEqualTo(expected.drifts());
    assertThat(actual.warnings()).as("warning indices").isEqualTo(expected.warnings());
  }

  /** Drift and warning indices of one run. */
  record Outcome(List<Integer> drifts, List<Integer> warnings) {
    static Outcome of(ChangeDetector detector, double[] stream) {
      List<Integer> drifts = new ArrayList<>();
      List<Integer> warnings = new ArrayList<>();
      for (int i = 0; i < stream.length; i++) {
        detector.update(stream[i]);
        if (detector.driftDetected()) {
          drifts.add(i);
        }
        if (detector instanceof WarningDetector w && w.warningDetected()) {
          warnings.add(i);
        }
      }
      return new Outcome(drifts, warnings);
    }
  }

  private static ChangeDetector moa(AbstractChangeDetector detector) {
    detector.prepareForUse();
    return new MoaDetector(detector);
  }

  private static ChangeDetector moaAdwinBothDirections() {
    ADWIN adwin = new ADWIN(Adwin.DEFAULT_DELTA);
    return new ChangeDetector() {
      private boolean drift;

      @Override
      public void update(double value) {
        drift = adwin.setInput(value);
      }

      @Override
      public boolean driftDetected() {
        return drift;
      }
    };
  }

  /** A MOA detector seen through our interface. */
  private record MoaDetector(AbstractChangeDetector moa) implements WarningDetector {
    @Override
    public void update(double value) {
      moa.input(value);
    }

    @Override
    public boolean driftDetected() {
      return moa.getChange();
    }

    @Override
    public boolean warningDetected() {
      return moa.getWarningZone();
    }
  }
}
