package dev.plasticity.streamjobs.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftedFeatureShareTest {
  static final double[] P = {0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.001, 0.04};

  @Test
  void benjaminiHochbergMatchesScipysFalseDiscoveryControl() {
    // scipy.stats.false_discovery_control(P, method="bh") (scipy_reference_values.py)
    double[] expected = {0.026666666666666665, 0.05333333333333333, 0.05333333333333333, 0.02,
        0.22857142857142856, 0.5, 0.008, 0.05333333333333333};
    assertArrayEquals(expected, MultipleTesting.BENJAMINI_HOCHBERG.adjust(P), 1e-15);
  }

  @Test
  void holmMatchesTheStepDownAdjustmentByHand() {
    // Holm by hand in scipy_reference_values.py (statsmodels is not installed); ties at 0.04 share 0.16
    double[] expected = {0.06, 0.16, 0.15, 0.035, 0.4, 0.5, 0.008, 0.16};
    assertArrayEquals(expected, MultipleTesting.HOLM.adjust(P), 1e-15);
  }

  @Test
  void holmRejectsFewerThanBenjaminiHochberg() {
    assertArrayEquals(new boolean[] {false, false, false, true, false, false, true, false}, MultipleTesting.HOLM.rejected(P, 0.05));
    assertArrayEquals(new boolean[] {true, false, false, true, false, false, true, false},
        MultipleTesting.BENJAMINI_HOCHBERG.rejected(P, 0.05));
  }

  @Test
  void shareIsTheFractionOfFeaturesDriftedAfterCorrection() {
    TestResult result = new DriftedFeatureShare().test(P); // BH at 0.05: 3 of 8
    assertEquals(TestResult.DRIFTED_FEATURE_SHARE, result.test());
    assertEquals(0.375, result.statistic());
    assertEquals(0.5, result.threshold());
    assertEquals(8, result.sampleSize());
    assertFalse(result.drifted());
    assertEquals(0.0, result.severity());
  }

  @Test
  void alarmsWhenTheShareReachesTheThreshold() {
    TestResult result = new DriftedFeatureShare(MultipleTesting.BENJAMINI_HOCHBERG, 0.06, 0.5).test(P); // 6 of 8
    assertEquals(0.75, result.statistic());
    assertTrue(result.drifted());
    assertEquals(0.5, result.severity(), 1e-12); // halfway from 0.5 to 1
    assertTrue(new DriftedFeatureShare(MultipleTesting.HOLM, 0.05, 0.25).test(P).drifted()); // 2 of 8 = 0.25
  }

  @Test
  void takesThePValuesOfPerFeatureResults() {
    List<TestResult> results = List.of(
        new TestResult(TestResult.KS, 0.3, 1e-6, 0.05, true, 0.5, 500),
        new TestResult(TestResult.KS, 0.01, 0.8, 0.05, false, 0.0, 500));
    assertEquals(0.5, new DriftedFeatureShare().test(results).statistic());
    TestResult psi = new TestResult(TestResult.PSI, 0.3, null, 0.2, true, 0.5, 500);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DriftedFeatureShare().test(List.of(psi)));
    assertTrue(e.getMessage().contains("has no p-value"), e.getMessage());
  }

  @Test
  void benjaminiHochbergKeepsTheFalseDiscoveryRateOnSeededNulls() {
    // 20 features, 5 truly drifted (p ~ U(0, 1e-4)), 15 not (p ~ U(0, 1)); over 2000 seeded trials the
    // share of false discoveries among discoveries stays below alpha = 0.1 (BH guarantees (15/20) 0.1)
    Random random = new Random(21);
    double falseDiscoveryProportions = 0;
    int trials = 2000;
    for (int t = 0; t < trials; t++) {
      double[] p = new double[20];
      for (int i = 0; i < 20; i++) {
        p[i] = i < 5 ? 1e-4 * random.nextDouble() : random.nextDouble();
      }
      boolean[] rejected = MultipleTesting.BENJAMINI_HOCHBERG.rejected(p, 0.1);
      int all = 0;
      int wrong = 0;
      for (int i = 0; i < 20; i++) {
        all += rejected[i] ? 1 : 0;
        wrong += rejected[i] && i >= 5 ? 1 : 0;
      }
      falseDiscoveryProportions += all == 0 ? 0 : (double) wrong / all;
    }
    assertTrue(falseDiscoveryProportions / trials < 0.1, "FDR " + falseDiscoveryProportions / trials);
  }

  @Test
  void parametersAreValidatedOnConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new DriftedFeatureShare(MultipleTesting.HOLM, 0, 0.5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DriftedFeatureShare(MultipleTesting.HOLM, 0.05, 0));
    assertTrue(e.getMessage().contains("share threshold must be in (0, 1]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MultipleTesting.HOLM.adjust(new double[] {0.5, 1.5}));
    assertThrows(IllegalArgumentException.class, () -> MultipleTesting.HOLM.adjust(new double[0]));
  }
}
