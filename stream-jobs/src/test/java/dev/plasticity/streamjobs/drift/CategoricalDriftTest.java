package dev.plasticity.streamjobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.CategoryReference;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.ReferenceStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The drift monitor's tests of a categorical feature's shares against its reference counts. */
class CategoricalDriftTest {
  /** SEA's reference with colour counted red 500, green 300, blue 200 in its 1,000 training events. */
  private static ReferenceStatistics reference(long otherCount) {
    return ReferenceStatistics.newBuilder(SeaData.oldConceptReference())
        .setCategories(List.of(new CategoryReference("colour", List.of("red", "green", "blue"),
            List.of(500L, 300L, 200L), otherCount)))
        .build();
  }

  private static final DriftSettings BOTH = DriftSettings.builder().tests(WindowTest.KS,
      WindowTest.JENSEN_SHANNON).build();

  /** 500 SEA observations of the old concept whose colours are drawn with {@code shares}. */
  private static List<Observation> window(long seed, Map<String, Double> shares) {
    Random random = new Random(seed);
    List<Observation> window = new ArrayList<>();
    for (Observation o : SeaData.observations(SeaData.iid(seed, 500, SeaData.OLD_THRESHOLD, 0), 1)) {
      double u = random.nextDouble();
      String colour = null;
      for (Map.Entry<String, Double> share : shares.entrySet()) {
        u -= share.getValue();
        if (u < 0) {
          colour = share.getKey();
          break;
        }
      }
      window.add(new Observation(o.names(), o.values(), o.label(), o.prediction(), o.predictionVersion(),
          colour == null ? Map.of() : Map.of("colour", colour)));
    }
    return window;
  }

  private static final Map<String, Double> TRAINING = orderedShares("red", 0.5, "green", 0.3, "blue", 0.2);

  private static Map<String, Double> orderedShares(Object... pairs) {
    Map<String, Double> shares = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      shares.put((String) pairs[i], (Double) pairs[i + 1]);
    }
    return shares;
  }

  @Test
  void categorySharesAsInTrainingAreNoDrift() {
    DriftMonitor monitor = new DriftMonitor(reference(0), BOTH);
    for (long seed = 10; seed < 20; seed++) {
      DriftAssessment a = monitor.assess(window(seed, TRAINING), 1);
      assertThat(a.drifted()).as("seed %d: %s", seed, DriftMonitorTest.alarms(a)).isFalse();
      assertThat(a.findings()).filteredOn(f -> f.feature().equals("colour")).extracting(f -> f.result().test())
          .containsExactly(TestResult.CHI_SQUARE, TestResult.JENSEN_SHANNON);
    }
  }

  @Test
  void aNewCategoryIsCovariateDriftAndItsShareIsReportedAsEvidence() {
    DriftMonitor monitor = new DriftMonitor(reference(0), BOTH);

    DriftAssessment a = monitor.assess(window(30, orderedShares("red", 0.2, "green", 0.3, "blue", 0.2, "teal", 0.3)),
        1);

    assertThat(a.kind()).isEqualTo(DriftKind.COVARIATE);
    assertThat(DriftMonitorTest.alarms(a)).containsExactlyInAnyOrder("colour:CHI_SQUARE", "colour:JENSEN_SHANNON");
    DriftAssessment.Finding unseen = a.findings().stream()
        .filter(f -> f.result().test().equals(TestResult.NEW_CATEGORIES)).findFirst().orElseThrow();
    assertThat(unseen.feature()).isEqualTo("colour");
    assertThat(unseen.result().statistic()).isBetween(0.25, 0.35);
    assertThat(unseen.result().drifted()).isFalse();
    assertThat(unseen.result().sampleSize()).isEqualTo(500);
  }

  @Test
  void aShiftOfSharesAmongKnownCategoriesIsDriftWithoutNewCategories() {
    DriftMonitor monitor = new DriftMonitor(reference(0), DriftSettings.defaults());

    DriftAssessment a = monitor.assess(window(40, orderedShares("red", 0.2, "green", 0.3, "blue", 0.5)), 1);

    assertThat(a.kind()).isEqualTo(DriftKind.COVARIATE);
    assertThat(DriftMonitorTest.alarms(a)).containsExactly("colour:CHI_SQUARE");
    assertThat(a.findings()).noneMatch(f -> f.result().test().equals(TestResult.NEW_CATEGORIES));
  }

  @Test
  void valuesTheReferenceCountedTogetherAsRareAreTestedInThatBinAndStillReportedAsUnlisted() {
    DriftMonitor monitor = new DriftMonitor(reference(100), BOTH);

    DriftAssessment a = monitor.assess(window(50, orderedShares("red", 0.45, "green", 0.27, "blue", 0.18,
        "rare-1", 0.1)), 1);

    assertThat(a.drifted()).as("%s", DriftMonitorTest.alarms(a)).isFalse();
    assertThat(a.findings()).filteredOn(f -> f.result().test().equals(TestResult.NEW_CATEGORIES))
        .singleElement().satisfies(f -> assertThat(f.result().statistic()).isBetween(0.05, 0.15));
  }

  @Test
  void eventsWithoutTheFeatureAreNotCountedAndAReferenceWithoutCountsPerValueIsRefused() {
    DriftMonitor monitor = new DriftMonitor(reference(0), BOTH);

    DriftAssessment a = monitor.assess(window(60, orderedShares("red", 0.25, "green", 0.15, "blue", 0.1)), 1);

    assertThat(a.findings()).filteredOn(f -> f.feature().equals("colour"))
        .allSatisfy(f -> assertThat(f.result().sampleSize()).isBetween(200L, 300L));
    ReferenceStatistics broken = ReferenceStatistics.newBuilder(SeaData.oldConceptReference())
        .setCategories(List.of(new CategoryReference("colour", List.of("red", "green"), List.of(5L), 0L))).build();
    assertThatThrownBy(() -> new DriftMonitor(broken, BOTH)).hasMessageContaining("one count per value");
  }
}
