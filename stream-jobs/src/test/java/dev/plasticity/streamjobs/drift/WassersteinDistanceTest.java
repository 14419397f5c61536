package dev.plasticity.streamjobs.drift;

import static dev.plasticity.streamjobs.drift.DetectorsTest.empirical;
import static dev.plasticity.streamjobs.drift.DetectorsTest.normalSample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import org.junit.jupiter.api.Test;

class WassersteinDistanceTest {

  @Test
  void distanceBetweenTwoSamplesMatchesScipy() {
    // scipy.stats.wasserstein_distance(A, B) (scipy_reference_values.py)
    assertEquals(1.4066666666666667, WassersteinDistance.between(ScipyReferenceData.A, ScipyReferenceData.B), 1e-12);
    assertEquals(1.4066666666666667, WassersteinDistance.between(ScipyReferenceData.B, ScipyReferenceData.A), 1e-12);
    assertEquals(0.0, WassersteinDistance.between(ScipyReferenceData.A, ScipyReferenceData.A), 1e-15);
  }

  @Test
  void distanceToQuantileReferenceMatchesTheIntegralOfTheCdfGap() {
    // quad of |F_W - F_ref| over the interpolated Q101 (scipy_reference_values.py): 0.1422034528694766
    WassersteinDistance w = new WassersteinDistance(ScipyReferenceData.q101Reference(1000));
    assertEquals(0.1422034528694766, w.distance(ScipyReferenceData.window()), 1e-10);
    // the reference sample R behind Q101 gives scipy.stats.wasserstein_distance(W, R) = 0.14226989345198318:
    // 101 quantiles lose only 7e-5 of the distance here
    assertEquals(0.14226989345198318, WassersteinDistance.between(ScipyReferenceData.window(), ScipyReferenceData.referenceSample()), 1e-12);
  }

  @Test
  void normalisesByTheStandardDeviationOfTheInterpolatedReference() {
    // std of uniform mass 1/100 on each [q_k, q_k+1] of Q101 (scipy_reference_values.py): 1.1925695876272102
    ReferenceDistribution reference = ScipyReferenceData.q101Reference(1000);
    WassersteinDistance w = new WassersteinDistance(reference);
    assertEquals(1.1925695876272102, w.scale(), 1e-12);
    TestResult result = w.test(ScipyReferenceData.window());
    assertEquals(0.1422034528694766 / 1.1925695876272102, result.statistic(), 1e-10);
    assertEquals(TestResult.WASSERSTEIN, result.test());
    assertNull(result.pValue());
    assertEquals(200, result.sampleSize());
    // the window is the reference stretched by 10%: 0.119 of a standard deviation moved, past 0.1
    assertTrue(result.drifted());
    assertEquals((result.statistic() - 0.1) / 0.1, result.severity(), 1e-12);
  }

  @Test
  void normalisesByTheInterquartileRangeWhenAsked() {
    ReferenceDistribution reference = ScipyReferenceData.q101Reference(1000);
    WassersteinDistance w = new WassersteinDistance(reference, 0.1, WassersteinDistance.Scale.INTERQUARTILE_RANGE);
    assertEquals(4 * 0.75 * 0.75 - 4 * 0.25 * 0.25, w.scale(), 1e-12);
  }

  @Test
  void staysBelowTheThresholdOnASampleOfTheReferenceDistribution() {
    TestResult result = new WassersteinDistance(empirical(normalSample(1, 5000, 0, 1))).test(normalSample(2, 500, 0, 1));
    assertTrue(result.statistic() < 0.1, "W/std " + result.statistic());
    assertFalse(result.drifted());
    assertEquals(0.0, result.severity());
  }

  @Test
  void alarmsWhenTheMeanShiftsByHalfASigma() {
    // W1 between N(0, 1) and N(0.5, 1) is exactly 0.5, so the normalised distance is about 0.5
    TestResult result = new WassersteinDistance(empirical(normalSample(1, 5000, 0, 1))).test(normalSample(3, 500, 0.5, 1));
    assertEquals(0.5, result.statistic(), 0.1);
    assertTrue(result.drifted());
    assertEquals(1.0, result.severity()); // more than twice the threshold
  }

  @Test
  void aConstantReferenceDividesByTheMinimumScale() {
    ReferenceDistribution constant = new ReferenceDistribution(Collections.nCopies(101, 3.0), 100);
    WassersteinDistance w = new WassersteinDistance(constant);
    assertEquals(WassersteinDistance.MINIMUM_SCALE, w.scale());
    assertEquals(0.0, w.test(new double[] {3.0, 3.0}).statistic());
    assertEquals(0.5 / WassersteinDistance.MINIMUM_SCALE, w.test(new double[] {3.0, 4.0}).statistic(), 1e-9);
  }

  @Test
  void parametersAreValidatedOnConstruction() {
    ReferenceDistribution reference = ScipyReferenceData.q101Reference(1000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new WassersteinDistance(reference, 0, WassersteinDistance.Scale.STANDARD_DEVIATION));
    assertTrue(e.getMessage().contains("threshold must be"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new WassersteinDistance(reference).test(new double[0]));
    assertThrows(IllegalArgumentException.class, () -> WassersteinDistance.between(new double[] {1, Double.NaN}, new double[] {1}));
    assertThrows(NullPointerException.class, () -> new WassersteinDistance(reference, 0.1, null));
  }
}
