package dev.plasticity.streamjobs.drift;

import static dev.plasticity.streamjobs.drift.DetectorsTest.empirical;
import static dev.plasticity.streamjobs.drift.DetectorsTest.normalSample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JensenShannonDistanceTest {

  @Test
  void distanceOnReferenceQuantileBinsMatchesScipy() {
    // scipy.spatial.distance.jensenshannon(base=2) on smoothed decile shares (scipy_reference_values.py)
    TestResult result = new JensenShannonDistance(ScipyReferenceData.q101Reference(1000)).test(ScipyReferenceData.window());
    assertEquals(0.06082239539332489, result.statistic(), 1e-12);
    assertEquals(TestResult.JENSEN_SHANNON, result.test());
    assertNull(result.pValue());
    assertFalse(result.drifted());
    assertEquals(0.0, result.severity());
  }

  @Test
  void distanceOnEqualWidthBinsMatchesScipy() {
    // scipy_reference_values.py: 10 equal-width bins over [q(0), q(1)] = [0, 4]
    JensenShannonDistance js = new JensenShannonDistance(ScipyReferenceData.q101Reference(1000), 0.1,
        JensenShannonDistance.Binning.EQUAL_WIDTH, 10, JensenShannonDistance.DEFAULT_EPSILON);
    assertEquals(0.07306179949754807, js.test(ScipyReferenceData.window()).statistic(), 1e-12);
  }

  @Test
  void distanceBetweenShareVectorsIsZeroForEqualAndOneForDisjointShares() {
    // scipy_reference_values.py: jensenshannon([0.5, 0.5], [0.5, 0.5], base=2) = 0, ([1, 0], [0, 1]) = 1
    assertEquals(0.0, JensenShannonDistance.between(new double[] {0.5, 0.5}, new double[] {50, 50}), 1e-15);
    assertEquals(1.0, JensenShannonDistance.between(new double[] {1, 0}, new double[] {0, 7}), 1e-15);
  }

  @Test
  void staysBelowTheThresholdOnASampleOfTheReferenceDistribution() {
    TestResult result = new JensenShannonDistance(empirical(normalSample(1, 5000, 0, 1))).test(normalSample(2, 500, 0, 1));
    assertTrue(result.statistic() < 0.1, "JS " + result.statistic());
    assertFalse(result.drifted());
  }

  @Test
  void alarmsWhenTheMeanShiftsByOneSigma() {
    TestResult result = new JensenShannonDistance(empirical(normalSample(1, 5000, 0, 1))).test(normalSample(3, 500, 1, 1));
    assertTrue(result.drifted(), "JS " + result.statistic());
    assertTrue(result.severity() > 0);
  }

  @Test
  void categoricalDistanceMatchesScipyWithANewClass() {
    // scipy_reference_values.py: jensenshannon(smooth([0.5, 0.3, 0.2, 0]), smooth([40, 35, 20, 5] / 100), base=2)
    TestResult result = new CategoricalJensenShannonDistance(List.of(0.5, 0.3, 0.2)).test(new long[] {40, 35, 20, 5});
    assertEquals(0.17300817600377924, result.statistic(), 1e-12);
    assertTrue(result.drifted());
    assertEquals(100, result.sampleSize());
  }

  @Test
  void categoricalDistanceStaysLowOnCountsDrawnFromTheReference() {
    Random random = new Random(7);
    long[] counts = new long[3];
    for (int i = 0; i < 500; i++) {
      double u = random.nextDouble();
      counts[u < 0.2 ? 0 : u < 0.7 ? 1 : 2]++;
    }
    assertFalse(new CategoricalJensenShannonDistance(List.of(0.2, 0.5, 0.3)).test(counts).drifted());
  }

  @Test
  void parametersAreValidatedOnConstruction() {
    ReferenceDistribution reference = ScipyReferenceData.q101Reference(1000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new JensenShannonDistance(reference, 1.5, JensenShannonDistance.Binning.REFERENCE_QUANTILES, 10, 1e-4));
    assertTrue(e.getMessage().contains("threshold must be in (0, 1)"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new JensenShannonDistance(reference, 0.1, JensenShannonDistance.Binning.EQUAL_WIDTH, 1, 1e-4));
    assertThrows(IllegalArgumentException.class,
        () -> new JensenShannonDistance(reference, 0.1, JensenShannonDistance.Binning.EQUAL_WIDTH, 10, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new CategoricalJensenShannonDistance(List.of(0.5, 0.6)));
    assertThrows(IllegalArgumentException.class, () -> new CategoricalJensenShannonDistance(List.of(1.0)).test(new long[] {0}));
    assertThrows(IllegalArgumentException.class, () -> JensenShannonDistance.between(new double[] {1}, new double[] {1, 0}));
  }
}
