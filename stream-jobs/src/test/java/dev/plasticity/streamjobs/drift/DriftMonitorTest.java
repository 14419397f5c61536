package dev.plasticity.streamjobs.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.ReferenceStatistics;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
  static final ReferenceStatistics REFERENCE = SeaData.oldConceptReference();
  static final DriftMonitor MONITOR = new DriftMonitor(REFERENCE, DriftSettings.defaults());

  static Set<String> alarms(DriftAssessment a) {
    return a.findings().stream().filter(f -> f.result().drifted())
        .map(f -> f.feature() + ":" + f.result().test()).collect(Collectors.toSet());
  }

  @Test
  void aWindowFromTheTrainingDistributionIsNotDrift() {
    for (long seed = 100; seed < 110; seed++) {
      DriftAssessment a = MONITOR.assess(SeaData.observations(SeaData.iid(seed, 500, SeaData.OLD_THRESHOLD, 0), 1), 1);
      assertFalse(a.drifted(), "seed " + seed + " alarms " + alarms(a));
      assertNull(a.kind());
      assertEquals(0.0, a.severity());
    }
  }

  @Test
  void aMovedSeaThresholdIsConceptDriftThatNoFeatureTestSees() {
    DriftAssessment a = MONITOR.assess(SeaData.observations(SeaData.iid(200, 500, SeaData.NEW_THRESHOLD, 0), 1), 1);
    assertTrue(a.drifted());
    assertEquals(DriftKind.CONCEPT, a.kind());
    assertTrue(alarms(a).contains("_error:ERROR_RATE"));
    assertTrue(alarms(a).stream().noneMatch(s -> s.startsWith("x")), "feature alarms " + alarms(a));
    assertTrue(a.severity() > 0 && a.severity() <= 1);
    // 3 features x (PSI, KS), the label and the error test
    assertEquals(8, a.findings().size());
  }

  @Test
  void aShiftOfAnIrrelevantFeatureIsCovariateDrift() {
    DriftAssessment a = MONITOR.assess(SeaData.observations(SeaData.iid(300, 500, SeaData.OLD_THRESHOLD, 2.0), 1), 1);
    assertEquals(DriftKind.COVARIATE, a.kind());
    assertEquals(Set.of("x3:PSI", "x3:KS"), alarms(a));
  }

  @Test
  void withoutPredictionsAConceptDriftShowsOnlyInTheLabelShares() {
    DriftAssessment a = MONITOR.assess(SeaData.observations(SeaData.iid(400, 500, SeaData.NEW_THRESHOLD, 0), null), 1);
    assertEquals(DriftKind.PRIOR, a.kind());
    assertEquals(Set.of("_label:CHI_SQUARE"), alarms(a));
  }

  @Test
  void predictionsOfAnotherVersionDoNotCountTowardsTheErrorRate() {
    List<Observation> byVersionOne = SeaData.observations(SeaData.iid(500, 500, SeaData.NEW_THRESHOLD, 0), 1);
    DriftAssessment a = MONITOR.assess(byVersionOne, 2);
    assertTrue(a.findings().stream().noneMatch(f -> f.feature().equals(DriftAssessment.ERROR)));
    assertEquals(DriftKind.PRIOR, a.kind());
  }

  @Test
  void bonferroniSplitsTheKsLevelAcrossFeatures() {
    DriftAssessment a = MONITOR.assess(SeaData.observations(SeaData.iid(600, 500, SeaData.OLD_THRESHOLD, 0), 1), 1);
    a.findings().stream().filter(f -> f.result().test().equals(TestResult.KS))
        .forEach(f -> assertEquals(DriftSettings.defaults().ksAlpha() / 3, f.result().threshold(), 1e-15));
  }

  @Test
  void everyConfiguredTestReportsAndAShiftedFeatureIsCovariateDriftForEach() {
    DriftSettings all = DriftSettings.builder()
        .tests(WindowTest.WASSERSTEIN, WindowTest.JENSEN_SHANNON, WindowTest.DRIFTED_FEATURE_SHARE, WindowTest.MMD)
        .build();
    DriftMonitor monitor = new DriftMonitor(REFERENCE, all);
    DriftAssessment calm = monitor.assess(SeaData.observations(SeaData.iid(300, 500, SeaData.OLD_THRESHOLD, 0), 1), 1);
    assertEquals(false, calm.drifted(), calm.findings().toString());
    DriftAssessment shifted = monitor.assess(SeaData.observations(SeaData.iid(301, 500, SeaData.OLD_THRESHOLD, 3.0), 1), 1);
    assertEquals(DriftKind.COVARIATE, shifted.kind());
    java.util.Map<String, Boolean> x3 = new java.util.HashMap<>();
    shifted.findings().forEach(f -> x3.merge(f.feature() + "/" + f.result().test(), f.result().drifted(), Boolean::logicalOr));
    assertEquals(true, x3.get("x3/WASSERSTEIN"), x3.toString());
    assertEquals(true, x3.get("x3/JENSEN_SHANNON"), x3.toString());
    assertEquals(false, x3.get("x1/WASSERSTEIN"), x3.toString());
    assertEquals(true, x3.get(DriftAssessment.ALL_FEATURES + "/MMD"), x3.toString());
    assertEquals(false, x3.get(DriftAssessment.ALL_FEATURES + "/DRIFTED_FEATURE_SHARE"), "one of three features is under the 0.5 share");
  }

  /** The window of {@code observations} with the label of its first event replaced. */
  static List<Observation> withFirstLabel(List<Observation> window, int label) {
    List<Observation> changed = new java.util.ArrayList<>(window);
    Observation first = window.get(0);
    changed.set(0, new Observation(first.names(), first.values(), label, first.prediction(), first.predictionVersion()));
    return changed;
  }

  @Test
  void aLabelAsLargeAsAnIntCanBeIsCountedWithoutAllocatingByItsValue() {
    List<Observation> window = SeaData.observations(SeaData.iid(500, 500, SeaData.OLD_THRESHOLD, 0), null);
    // on the old code: NegativeArraySizeException from new long[Integer.MAX_VALUE + 1]
    DriftAssessment huge = MONITOR.assess(withFirstLabel(window, Integer.MAX_VALUE), 1);
    DriftAssessment small = MONITOR.assess(withFirstLabel(window, 2), 1);
    assertEquals(small.findings().toString(), huge.findings().toString(),
        "an unseen class counts the same whatever its index");
    Observation any = window.get(0);
    List<Observation> labels = java.util.stream.IntStream.of(Integer.MAX_VALUE, 1, 7, 7, 0)
        .mapToObj(l -> new Observation(any.names(), any.values(), l, null, null)).toList();
    org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {1, 1, 2, 1}, DriftMonitor.labelCounts(labels, 2),
        "classes 0 and 1 of the reference, then the unseen labels 7 and 2147483647 in label order");
  }
}
