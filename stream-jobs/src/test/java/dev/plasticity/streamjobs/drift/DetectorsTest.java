package dev.plasticity.streamjobs.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DetectorsTest {
  /** Reference quantiles of a uniform distribution on [lo, hi]: q(k/100) = lo + k(hi-lo)/100. */
  static ReferenceDistribution uniform(double lo, double hi, long count) {
    List<Double> q = new ArrayList<>();
    for (int k = 0; k <= 100; k++) {
      q.add(lo + k * (hi - lo) / 100);
    }
    return new ReferenceDistribution(q, count);
  }

  static double[] uniformSample(long seed, int n, double lo, double hi) {
    Random random = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * random.nextDouble();
    }
    return v;
  }

  static double[] normalSample(long seed, int n, double mean, double std) {
    Random random = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = mean + std * random.nextGaussian();
    }
    return v;
  }

  static ReferenceDistribution empirical(double[] sample) {
    double[] sorted = sample.clone();
    java.util.Arrays.sort(sorted);
    List<Double> q = new ArrayList<>();
    for (int k = 0; k <= 100; k++) {
      q.add(SeaData.quantile(sorted, k / 100.0));
    }
    return new ReferenceDistribution(q, sample.length);
  }

  // --- reference distribution

  @Test
  void referenceCdfInterpolatesBetweenQuantilesAndJumpsAtPointMasses() {
    ReferenceDistribution r = uniform(0, 10, 1000);
    assertEquals(0.0, r.cdf(-1));
    assertEquals(0.255, r.cdf(2.55), 1e-12);
    assertEquals(1.0, r.cdf(10));
    assertEquals(2.5, r.quantile(0.25), 1e-12);
    List<Double> q = new ArrayList<>();
    for (int k = 0; k <= 100; k++) {
      q.add(k <= 30 ? 0.0 : (k - 30) / 70.0); // 30% of the mass sits at 0
    }
    ReferenceDistribution massAtZero = new ReferenceDistribution(q, 100);
    assertEquals(0.30, massAtZero.cdf(0), 1e-12);
    assertEquals(0.0, massAtZero.cdf(-1e-9));
  }

  @Test
  void referenceRejectsDecreasingQuantiles() {
    assertThrows(IllegalArgumentException.class, () -> new ReferenceDistribution(List.of(1.0, 0.0), 10));
    assertThrows(IllegalArgumentException.class, () -> new ReferenceDistribution(List.of(0.0, Double.NaN), 10));
  }

  // --- PSI

  @Test
  void psiEqualsTheFormulaWithEpsilonForAnEmptyBin() {
    // deciles of U[0,10] cut at 1..9; 20 values in bin 0, none in bin 1, 10 in each of bins 2..9
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      values.add(0.5);
    }
    for (int bin = 2; bin < 10; bin++) {
      for (int i = 0; i < 10; i++) {
        values.add(bin + 0.5);
      }
    }
    TestResult result = new PopulationStabilityIndex(uniform(0, 10, 1000), 0.2)
        .test(values.stream().mapToDouble(Double::doubleValue).toArray());
    double eps = PopulationStabilityIndex.DEFAULT_EPSILON;
    double expected = (0.2 - 0.1) * Math.log(0.2 / 0.1) + (eps - 0.1) * Math.log(eps / 0.1);
    assertEquals(expected, result.statistic(), 1e-12);
    assertTrue(result.drifted());
    assertNull(result.pValue());
  }

  @Test
  void psiStaysLowOnASeededSampleOfTheReferenceDistribution() {
    double[] training = normalSample(1, 5000, 0, 1);
    TestResult result = new PopulationStabilityIndex(empirical(training), 0.2).test(normalSample(2, 500, 0, 1));
    assertTrue(result.statistic() < 0.1, "PSI " + result.statistic());
    assertFalse(result.drifted());
  }

  @Test
  void psiAlarmsWhenTheMeanShiftsByOneSigma() {
    double[] training = normalSample(1, 5000, 0, 1);
    TestResult result = new PopulationStabilityIndex(empirical(training), 0.2).test(normalSample(3, 500, 1, 1));
    assertTrue(result.drifted(), "PSI " + result.statistic());
    assertTrue(result.severity() > 0);
  }

  @Test
  void psiMergesDecileCutsThatFallOnAPointMass() {
    List<Double> q = new ArrayList<>();
    for (int k = 0; k <= 100; k++) {
      q.add(k <= 30 ? 0.0 : (k - 30) / 70.0);
    }
    PopulationStabilityIndex psi = new PopulationStabilityIndex(new ReferenceDistribution(q, 100), 0.2);
    double[] expected = psi.expectedShares();
    assertEquals(8, expected.length); // cuts at 0 (x3 merged), then 6 more, plus the top bin
    assertEquals(0.30, expected[0], 1e-12);
  }

  // --- KS

  @Test
  void ksStatisticMatchesTheOneSampleTestAgainstAUniformReference() {
    // scipy.stats.kstest([0.1, 0.2, 0.3, 0.9], "uniform").statistic == 0.45 (D+ at x=0.3: 3/4 - 0.3)
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest(uniform(0, 1, 1_000_000), 0.01);
    assertEquals(0.45, ks.statistic(new double[] {0.9, 0.1, 0.3, 0.2}), 1e-12);
  }

  @Test
  void ksPValueUsesTheEffectiveSampleSize() {
    // n = 500, m = 2000: en = 400, lambda = sqrt(400) * 0.05 = 1.0 -> kstwobign.sf(1.0)
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest(uniform(0, 1, 2000), 0.01);
    assertEquals(0.26999967167735456, ks.pValue(0.05, 500), 1e-12);
  }

  @Test
  void ksDoesNotAlarmOnASeededSampleOfTheReferenceDistribution() {
    double[] training = uniformSample(4, 5000, 0, 10);
    TestResult result = new KolmogorovSmirnovTest(empirical(training), 0.01).test(uniformSample(5, 500, 0, 10));
    assertFalse(result.drifted(), "p " + result.pValue());
    assertTrue(result.pValue() > 0.05);
  }

  @Test
  void ksAlarmsWhenTheMeanShiftsByHalfASigma() {
    double[] training = normalSample(1, 5000, 0, 1);
    TestResult result = new KolmogorovSmirnovTest(empirical(training), 0.01).test(normalSample(6, 500, 0.5, 1));
    assertTrue(result.drifted(), "p " + result.pValue());
    assertTrue(result.pValue() < 1e-6);
  }

  // --- chi-square

  @Test
  void chiSquareStatisticIsPearsonsSum() {
    // 30/70 against 50/50 of 100: (20^2 / 50) * 2 = 16; scipy.stats.chi2.sf(16, 1) = 6.334248366623996e-05
    TestResult result = new ChiSquareTest(List.of(0.5, 0.5), 0.001).test(new long[] {30, 70});
    assertEquals(16.0, result.statistic(), 1e-12);
    assertEquals(6.334248366623996e-05, result.pValue(), 1e-15);
    assertTrue(result.drifted());
  }

  @Test
  void chiSquareAgainstAnEstimatedReferenceScalesByItsSampleSize() {
    // 30/70 against 50/50: X2 = 16 as a goodness-of-fit test; a reference of m = 100 events
    // halves it (m / (n + m) = 100 / 200), the large-sample two-proportion z^2 for 0.3 vs 0.5.
    TestResult result = new ChiSquareTest(List.of(0.5, 0.5), 0.001, 100).test(new long[] {30, 70});
    assertEquals(8.0, result.statistic(), 1e-12);
  }

  @Test
  void chiSquareDoesNotAlarmOnSharesDrawnFromTheReference() {
    Random random = new Random(7);
    long[] counts = new long[3];
    for (int i = 0; i < 500; i++) {
      double u = random.nextDouble();
      counts[u < 0.2 ? 0 : u < 0.7 ? 1 : 2]++;
    }
    assertFalse(new ChiSquareTest(List.of(0.2, 0.5, 0.3), 0.001).test(counts).drifted());
  }

  @Test
  void chiSquareAlarmsOnAClassTheReferenceNeverSaw() {
    TestResult result = new ChiSquareTest(List.of(0.5, 0.5), 0.001).test(new long[] {240, 240, 20});
    assertTrue(result.drifted());
  }

  @Test
  void chiSquareRejectsSharesThatDoNotSumToOne() {
    assertThrows(IllegalArgumentException.class, () -> new ChiSquareTest(List.of(0.5, 0.6), 0.001));
  }

  // --- error rate

  @Test
  void errorRatePValueIsThatOfThePooledTwoProportionZAndItsStatisticTheWindowsRate() {
    // 40 errors in 200 against 10% measured on 1000
    double pooled = (40 + 0.1 * 1000) / 1200;
    double z = (0.2 - 0.1) / Math.sqrt(pooled * (1 - pooled) * (1.0 / 200 + 1.0 / 1000));
    ErrorRateTest test = new ErrorRateTest(0.1, 1000, 0.001, 0.05);
    TestResult result = test.test(40, 200);
    assertEquals(z, test.statistic(40, 200), 1e-12);
    assertEquals(0.2, result.statistic(), 1e-12, "the served error rate, comparable with the reference's 0.1");
    assertEquals(1 - new org.apache.commons.math3.distribution.NormalDistribution().cumulativeProbability(z), result.pValue(), 1e-9);
    assertTrue(result.drifted());
  }

  @Test
  void errorRateDoesNotAlarmOnTheReferenceRate() {
    Random random = new Random(8);
    long errors = 0;
    for (int i = 0; i < 500; i++) {
      errors += random.nextDouble() < 0.05 ? 1 : 0;
    }
    assertFalse(new ErrorRateTest(0.05, 2000, 0.001, 0.05).test(errors, 500).drifted());
  }

  @Test
  void errorRateNeedsTheMinimumEffectEvenWhenSignificant() {
    // 6% against 5% on a million events each side is significant, but only one point worse
    TestResult result = new ErrorRateTest(0.05, 1_000_000, 0.001, 0.05).test(60_000, 1_000_000);
    assertTrue(result.pValue() < 1e-10);
    assertFalse(result.drifted());
  }

  @Test
  void errorRateAlarmsWhenErrorsJumpFromFiveToTwentyFivePercent() {
    TestResult result = new ErrorRateTest(0.05, 2000, 0.001, 0.05).test(125, 500);
    assertTrue(result.drifted());
    assertEquals(1.0, result.severity(), 1e-12);
  }

  @Test
  void parametersAreValidatedOnConstruction() {
    assertThrows(IllegalArgumentException.class, () -> new ErrorRateTest(0.05, 0, 0.001, 0.05));
    assertThrows(IllegalArgumentException.class, () -> new KolmogorovSmirnovTest(uniform(0, 1, 10), 0));
    assertThrows(IllegalArgumentException.class, () -> new PopulationStabilityIndex(uniform(0, 1, 10), -1));
    assertThrows(IllegalArgumentException.class, () -> DriftSettings.defaults().withWindowSize(1));
  }
}
