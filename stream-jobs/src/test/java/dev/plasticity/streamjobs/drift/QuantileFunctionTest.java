package dev.plasticity.streamjobs.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantileFunctionTest {
  /** sup |F − G| the slow way: both CDFs and their left limits at every value either could jump at. */
  private static double bruteForceKs(QuantileFunction f, QuantileFunction g, double[] candidates) {
    double d = 0;
    for (double x : candidates) {
      d = Math.max(d, Math.abs(f.cdf(x) - g.cdf(x)));
      d = Math.max(d, Math.abs(f.cdfBelow(x) - g.cdfBelow(x)));
    }
    return d;
  }

  @Test
  void theKnotSweepGivesExactlyTheStatisticOfEvaluatingEveryKnot() {
    Random random = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      double[] sample = new double[1 + random.nextInt(300)];
      for (int i = 0; i < sample.length; i++) { // rounded, so that values repeat
        sample[i] = Math.round(random.nextGaussian() * 20 + trial % 7) / 4.0;
      }
      double[] quantiles = new double[101];
      for (int k = 0; k < quantiles.length; k++) {
        quantiles[k] = Math.round(-15 + 30.0 * k / 100 + (k % 10 == 0 ? 0 : random.nextDouble())) / 2.0;
      }
      Arrays.sort(quantiles);
      QuantileFunction f = QuantileFunction.ofSample(sample);
      QuantileFunction g = QuantileFunction.ofEvenQuantiles(quantiles);
      double[] candidates = new double[sample.length + quantiles.length];
      System.arraycopy(sample, 0, candidates, 0, sample.length);
      System.arraycopy(quantiles, 0, candidates, sample.length, quantiles.length);
      assertEquals(bruteForceKs(f, g, candidates), QuantileFunction.kolmogorovSmirnov(f, g), 0.0, "trial " + trial);
      assertEquals(bruteForceKs(g, f, candidates), QuantileFunction.kolmogorovSmirnov(g, f), 0.0, "trial " + trial);
    }
  }

  @Test
  void twoStepFunctionsWithRepeatsAndSignedZerosGiveTheStatisticOfEvaluatingEveryKnot() {
    Random random = new Random(12);
    for (int trial = 0; trial < 200; trial++) {
      double[] a = new double[1 + random.nextInt(200)];
      double[] b = new double[1 + random.nextInt(200)];
      for (int i = 0; i < a.length; i++) {
        a[i] = random.nextInt(4) == 0 ? (random.nextBoolean() ? 0.0 : -0.0) : Math.round(random.nextGaussian() * 8) / 4.0;
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = random.nextInt(4) == 0 ? (random.nextBoolean() ? 0.0 : -0.0) : Math.round(random.nextGaussian() * 8 + 1) / 4.0;
      }
      double[] sortedB = b.clone();
      Arrays.sort(sortedB);
      long[] weights = new long[sortedB.length];
      for (int i = 0; i < weights.length; i++) { // a sketch's items after compactions carry unequal weights
        weights[i] = (i > 0 ? weights[i - 1] : 0) + 1 + random.nextInt(4);
      }
      QuantileFunction f = QuantileFunction.ofSample(a);
      QuantileFunction g = QuantileFunction.ofWeightedItems(sortedB, weights);
      double[] candidates = new double[a.length + b.length];
      System.arraycopy(a, 0, candidates, 0, a.length);
      System.arraycopy(b, 0, candidates, a.length, b.length);
      assertEquals(bruteForceKs(f, g, candidates), QuantileFunction.kolmogorovSmirnov(f, g), 0.0, "trial " + trial);
      assertEquals(bruteForceKs(g, f, candidates), QuantileFunction.kolmogorovSmirnov(g, f), 0.0, "trial " + trial);
    }
  }

  @Test
  void theKsStatisticNeedsAStepFunctionOnOneSide() {
    QuantileFunction reference = QuantileFunction.ofEvenQuantiles(new double[] {0, 1, 2});
    assertThrows(IllegalArgumentException.class, () -> QuantileFunction.kolmogorovSmirnov(reference, reference));
  }
}
