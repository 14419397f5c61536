package dev.plasticity.streamjobs.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaximumMeanDiscrepancyTest {
  /** Rows of two standard normal features with correlation rho. */
  static double[][] correlatedRows(long seed, int n, double rho) {
    Random random = new Random(seed);
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      rows[i] = new double[] {a, rho * a + Math.sqrt(1 - rho * rho) * b};
    }
    return rows;
  }

  static double[] column(double[][] rows, int f) {
    double[] c = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      c[i] = rows[i][f];
    }
    return c;
  }

  /** The reference's 101 quantiles of feature f, as the training job would publish them. */
  static ReferenceDistribution quantiles(double[][] rows, int f) {
    return DetectorsTest.empirical(column(rows, f));
  }

  @Test
  void unbiasedStatisticMatchesNumpyByHand() {
    // scipy_reference_values.py, "Maximum mean discrepancy": X, Y standardised by X, median-heuristic bandwidth
    double[][] x = {{0.0, 1.0}, {1.0, 0.5}, {2.0, 2.5}, {0.5, -1.0}, {1.5, 1.0}, {-0.5, 0.0}};
    double[][] y = {{1.0, 2.0}, {2.5, 3.0}, {0.0, 1.5}, {3.0, 2.0}, {1.5, 2.5}};
    MaximumMeanDiscrepancy mmd = new MaximumMeanDiscrepancy(x, 0.05, 100, 250, 1);
    assertEquals(0.17790549616000662, mmd.statistic(y), 1e-12);
  }

  @Test
  void detectsAChangeInCorrelationThatPerFeatureTestsMiss() {
    double[][] reference = correlatedRows(31, 2000, 0.0);
    double[][] window = correlatedRows(32, 500, 0.8); // same N(0, 1) marginals, correlation 0 -> 0.8
    List<TestResult> perFeature = new ArrayList<>();
    for (int f = 0; f < 2; f++) {
      perFeature.add(new KolmogorovSmirnovTest(quantiles(reference, f), 0.05).test(column(window, f)));
    }
    perFeature.forEach(r -> assertFalse(r.drifted(), "per-feature KS p " + r.pValue()));
    assertFalse(new DriftedFeatureShare().test(perFeature).drifted());

    TestResult result = new MaximumMeanDiscrepancy(reference).test(window);
    assertEquals(TestResult.MMD, result.test());
    assertTrue(result.drifted(), "MMD p " + result.pValue());
    assertEquals(1.0 / 201, result.pValue(), 1e-12); // no permutation reached the observed MMD
    assertEquals(250, result.sampleSize()); // capped
  }

  @Test
  void doesNotAlarmOnASampleOfTheReferenceDistribution() {
    double[][] reference = correlatedRows(31, 2000, 0.5);
    TestResult result = new MaximumMeanDiscrepancy(reference).test(correlatedRows(33, 500, 0.5));
    assertFalse(result.drifted(), "MMD p " + result.pValue());
    assertTrue(result.pValue() > 0.05, "MMD p " + result.pValue());
  }

  @Test
  void falseAlarmsStayNearAlphaOverSeededNullWindows() {
    double[][] reference = correlatedRows(34, 1000, 0.3);
    MaximumMeanDiscrepancy mmd = new MaximumMeanDiscrepancy(reference, 0.1, 99, 100, 5);
    int alarms = 0;
    for (int t = 0; t < 40; t++) {
      alarms += mmd.test(correlatedRows(100 + t, 100, 0.3)).drifted() ? 1 : 0;
    }
    assertTrue(alarms <= 10, alarms + " alarms in 40 null windows at alpha 0.1");
  }

  @Test
  void theSameSeedGivesTheSamePValue() {
    double[][] reference = correlatedRows(31, 600, 0.0);
    double[][] window = correlatedRows(35, 400, 0.3);
    assertEquals(new MaximumMeanDiscrepancy(reference).test(window), new MaximumMeanDiscrepancy(reference).test(window));
  }

  @Test
  void parametersAreValidatedOnConstruction() {
    double[][] reference = correlatedRows(31, 10, 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MaximumMeanDiscrepancy(reference, 0.001, 200, 250, 1));
    assertTrue(e.getMessage().contains("below the smallest p-value"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MaximumMeanDiscrepancy(new double[][] {{1.0}}));
    assertThrows(IllegalArgumentException.class, () -> new MaximumMeanDiscrepancy(new double[][] {{1.0}, {1.0, 2.0}}));
    assertThrows(IllegalArgumentException.class, () -> new MaximumMeanDiscrepancy(reference, 0.05, 200, 1, 1));
    MaximumMeanDiscrepancy mmd = new MaximumMeanDiscrepancy(reference);
    assertThrows(IllegalArgumentException.class, () -> mmd.test(new double[][] {{1.0, 2.0, 3.0}, {1.0, 2.0, 3.0}}));
    assertThrows(IllegalArgumentException.class, () -> mmd.test(new double[][] {{1.0, Double.NaN}, {1.0, 2.0}}));
  }
}
