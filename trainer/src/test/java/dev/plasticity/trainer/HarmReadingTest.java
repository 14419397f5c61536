package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TriggerSignal;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the policy reads the harm a trigger's evidence shows, and what it plans from it: record a
 * shift that did not hurt, explain a performance decay, train briefly after an abrupt change.
 */
class HarmReadingTest {
  private static final double REGISTERED_ERROR = 0.10;

  private static TrainerConfig config(String policy) {
    return TrainerConfig.builder("unused:9092", URI.create("http://unused")).trainingEvents(4000)
        .minTrainingEvents(500).policy(RetrainingPolicy.parse(policy)).build();
  }

  private static Evidence error(double served, boolean rose) {
    return Evidence.newBuilder().setFeature("_error").setTest("ERROR_RATE").setStatistic(served).setPValue(rose
        ? 0.001 : 0.4).setThreshold(0.01).setDrifted(rose).build();
  }

  private static Evidence feature(String name, boolean drifted) {
    return Evidence.newBuilder().setFeature(name).setTest("PSI").setStatistic(drifted ? 0.4 : 0.02)
        .setThreshold(0.2).setDrifted(drifted).build();
  }

  private static RetrainingPolicy.Drift drift(DriftKind kind, List<Evidence> evidence) {
    DriftTrigger trigger = DriftTrigger.newBuilder().setTriggerId("t").setModel("m").setBaseVersion(1).setKind(kind)
        .setEvidence(evidence).setSeverity(0.3).setDetectedAt(0)
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(0).setEndTime(1)
            .setEventCount(1000).setOffsets(List.of()).build())
        .build();
    return RetrainingPolicy.Drift.of(trigger).withRegisteredError(REGISTERED_ERROR);
  }

  @Test
  void aCovariateShiftThatDidNotRaiseTheServedErrorIsRecordedNotRetrained() {
    RetrainingPolicy.Drift harmless = drift(DriftKind.COVARIATE, List.of(feature("x1", true), error(0.11, false)));

    RetrainingPlan plan = config("").plan("sea", harmless, true);

    assertThat(harmless.reading()).isEqualTo(RetrainingPolicy.Reading.HARMLESS_SHIFT);
    assertThat(plan.course()).isEqualTo(RetrainingPlan.Course.RECORD);
    assertThat(plan.reason()).startsWith("COVARIATE drift, severity 0.30: recorded, not retrained; read as harmless"
        + " shift (served error 0.110 vs registered 0.100 on 1000 events, the error did not rise significantly, the"
        + " inputs or label shares moved)");
    assertThat(plan.describe()).isEqualTo("record only, no training");
  }

  @Test
  void aRuleMayTrainOnAHarmlessShiftAnyway() {
    RetrainingPolicy.Drift harmless = drift(DriftKind.COVARIATE, List.of(feature("x1", true), error(0.11, false)));

    RetrainingPlan plan = config("COVARIATE=fine-tune:head(harmless=train)").plan("sea", harmless, true);

    assertThat(plan.course()).isEqualTo(RetrainingPlan.Course.TRAIN);
    assertThat(plan.strategy().wireName()).isEqualTo("fine-tune:head");
    assertThat(plan.reason()).contains("read as harmless shift");
    assertThat(RetrainingPolicy.parse("COVARIATE=fine-tune:head(harmless=train)").toString())
        .isEqualTo("COVARIATE=fine-tune:head(harmless=train)");
  }

  @Test
  void aShiftWithoutErrorEvidenceIsTrainedOnAsBefore() {
    RetrainingPolicy.Drift unjudged = drift(DriftKind.COVARIATE, List.of(feature("x1", true)));

    RetrainingPlan plan = config("").plan("sea", unjudged, true);

    assertThat(unjudged.reading()).isEqualTo(RetrainingPolicy.Reading.UNJUDGED_SHIFT);
    assertThat(plan.course()).isEqualTo(RetrainingPlan.Course.TRAIN);
    assertThat(plan.strategy().wireName()).isEqualTo("importance-weighting");
  }

  @Test
  void aShiftThatRaisedTheErrorIsAHarmfulShiftTrainedOnTheLongWindowWithThePastMixedIn() {
    RetrainingPolicy.Drift harmful = drift(DriftKind.COVARIATE, List.of(feature("x1", true), error(0.25, true)));

    RetrainingPlan plan = config("").plan("sea", harmful, true);

    assertThat(plan.course()).isEqualTo(RetrainingPlan.Course.TRAIN);
    assertThat(plan.reason()).startsWith("COVARIATE drift, severity 0.30 (default rule)")
        .contains("read as harmful shift (served error 0.250 vs registered 0.100");
    assertThat(plan.strategy().wireName()).isEqualTo("importance-weighting");
    assertThat(plan.events()).isZero(); // all the configured events, and the parent's by importance weighting
    assertThat(plan.describe()).endsWith("from fresh weights");
  }

  @Test
  void aRisingErrorWithNoFeatureMovedIsExplainedAsPerformanceDecay() {
    RetrainingPolicy.Drift decay = drift(DriftKind.CONCEPT, List.of(feature("x1", false), error(0.30, true)));

    RetrainingPlan plan = config("").plan("sea", decay, true);

    assertThat(decay.reading()).isEqualTo(RetrainingPolicy.Reading.PERFORMANCE_DECAY);
    assertThat(plan.course()).isEqualTo(RetrainingPlan.Course.TRAIN);
    assertThat(plan.reason()).contains("read as performance decay (served error 0.300 vs registered 0.100 on 1000"
        + " events, the error rose significantly, no feature moved)");
    assertThat(plan.strategy().wireName()).isEqualTo("ewc");
    assertThat(plan.describe()).endsWith("warm-started from the champion");
  }

  @Test
  void anAbruptConceptChangeIsNamedAndTrainsOnTheEventsSinceTheChange() {
    RetrainingPolicy.Drift change = drift(DriftKind.CONCEPT, List.of(feature("x1", true), error(0.40, true)));

    RetrainingPlan plan = config("").plan("sea", change, true);

    assertThat(change.reading()).isEqualTo(RetrainingPolicy.Reading.CONCEPT_CHANGE);
    assertThat(plan.reason()).contains("read as abrupt concept change")
        .contains("trains on the events since the change that have arrived (at least two drift windows) to serve soon");
    // it reads up to the configured 4,000 events but waits only for two windows of 1,000 (within 500 to 4,000)
    assertThat(plan.eventsFor(4000)).isEqualTo(4000);
    assertThat(plan.waitsFor(4000)).isEqualTo(2000);
    assertThat(plan.describe()).contains("as soon as 2000 have arrived");
  }

  @Test
  void aPerformanceDecayAlsoTrainsOnTheEventsSinceTheChangeButAShiftOnTheConfiguredSpan() {
    RetrainingPolicy.Drift decay = drift(DriftKind.CONCEPT, List.of(feature("x1", false), error(0.30, true)));
    RetrainingPolicy.Drift shift = drift(DriftKind.COVARIATE, List.of(feature("x1", true), error(0.30, true)));

    assertThat(config("").plan("sea", decay, true).waitsFor(4000)).isEqualTo(2000);
    assertThat(config("").plan("sea", shift, true).waitsFor(4000)).isEqualTo(4000);
  }

  @Test
  void theSignalIsNamedInTheReading() {
    RetrainingPolicy.Drift warning = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3, TriggerSignal.WARNING,
        RetrainingPolicy.Harm.UNKNOWN);

    assertThat(warning.reading()).isEqualTo(RetrainingPolicy.Reading.WARNING);
    assertThat(config("").plan("sea", warning, true).reason()).startsWith("WARNING of CONCEPT drift")
        .contains("read as warning");
  }
}
