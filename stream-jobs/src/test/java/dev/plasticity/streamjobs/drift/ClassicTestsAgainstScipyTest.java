package dev.plasticity.streamjobs.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The existing KS and chi-square tests against scipy, all values from
 * src/test/resources/reference/scipy_reference_values.py. Where they differ by design, the test
 * pins the difference.
 */
class ClassicTestsAgainstScipyTest {

  @Test
  void ksStatisticAgainstQuantilesIsScipysOneSampleStatisticAgainstTheInterpolatedCdf() {
    // scipy.stats.kstest(W, F_ref) with F_ref = np.interp over Q101
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest(ScipyReferenceData.q101Reference(1000), 0.05);
    assertEquals(0.052093080324522756, ks.statistic(ScipyReferenceData.window()), 1e-12);
  }

  @Test
  void ksAgainstOneHundredAndOneQuantilesDiffersFromKs2sampOnTheFullReferenceSampleByLittle() {
    // ks_2samp(W, R): D = 0.052, p = 0.7451715292350013 (exact), 0.7370709284246273 (method="asymp").
    // Against R's 101 quantiles (np.quantile, linear) kstest gives D = 0.052581831890897934 and
    // kstwobign.sf(sqrt(en) D) = 0.7461289454281577: D is 5.8e-4 larger, p within 0.001 of the exact one.
    TestResult result = new KolmogorovSmirnovTest(DetectorsTest.empirical(ScipyReferenceData.referenceSample()), 0.05)
        .test(ScipyReferenceData.window());
    assertEquals(0.052581831890897934, result.statistic(), 1e-12);
    assertEquals(0.7461289454281577, result.pValue(), 1e-9);
    assertEquals(0.052, result.statistic(), 1e-3);
    assertEquals(0.7451715292350013, result.pValue(), 0.01);
  }

  @Test
  void ksAgainstAnExactSketchIsKs2sampWithTheLimitingPValue() {
    // ks_2samp(A, B): D = 0.55; p exact 0.048886098421702134, asymp 0.059696249999999965;
    // this class uses kstwobign.sf(sqrt(en) D) = 0.0737626336003375, conservative at these tiny sizes
    FeatureSketch b = FeatureSketchTest.sketchOf(ScipyReferenceData.B);
    TestResult result = new KolmogorovSmirnovTest(ReferenceDistribution.fromSketch(b), 0.05)
        .test(FeatureSketchTest.sketchOf(ScipyReferenceData.A));
    assertEquals(0.55, result.statistic(), 1e-12);
    assertEquals(0.0737626336003375, result.pValue(), 1e-9);
  }

  @Test
  void ksDoesNotReadAReferencePointMassAsDrift() {
    // 30% of the reference sits at 0; the window matches it (3 of 10 at 0, the rest evenly spread), so
    // sup |F_W - F_ref| = 0.05. scipy.stats.kstest, which assumes a continuous CDF, reports 0.3 here
    // (scipy_reference_values.py), as this class did before it compared the CDFs from both sides.
    List<Double> q = new ArrayList<>();
    for (int k = 0; k <= 100; k++) {
      q.add(k <= 30 ? 0.0 : (k - 30) / 70.0);
    }
    double[] window = new double[10];
    for (int k = 1; k <= 7; k++) {
      window[2 + k] = (k - 0.5) / 7;
    }
    assertEquals(0.05, new KolmogorovSmirnovTest(new ReferenceDistribution(q, 1000), 0.05).statistic(window), 1e-12);
  }

  @Test
  void chiSquareGoodnessOfFitIsScipysChisquare() {
    // scipy.stats.chisquare([30, 45, 25], f_exp=100 * [0.25, 0.5, 0.25]) = (1.5, 0.4723665527410149)
    TestResult result = new ChiSquareTest(List.of(0.25, 0.5, 0.25), 0.05).test(new long[] {30, 45, 25});
    assertEquals(1.5, result.statistic(), 1e-12);
    assertEquals(0.4723665527410149, result.pValue(), 1e-12);
  }

  @Test
  void chiSquareAgainstAnEstimatedReferenceIsCloseToScipysContingencyTest() {
    // chi2_contingency([[30, 45, 25], [100, 200, 100]], correction=False) = (1.1773940345368916, 0.5550500343770423);
    // ChiSquareTest scales the goodness-of-fit statistic by m / (n + m) instead: 1.2, p = 0.5488116360940265
    TestResult result = new ChiSquareTest(List.of(0.25, 0.5, 0.25), 0.05, 400).test(new long[] {30, 45, 25});
    assertEquals(1.2, result.statistic(), 1e-12);
    assertEquals(0.5488116360940265, result.pValue(), 1e-12);
    assertEquals(1.1773940345368916, result.statistic(), 0.03);
  }
}
