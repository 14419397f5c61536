package dev.plasticity.streamjobs.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/**
 * Checks the distribution functions against closed forms, published values and commons-math3
 * 3.6.1 (on Flink's classpath, used here only as an oracle).
 */
class ProbabilityTest {

  @Test
  void chiSquareWithTwoDegreesOfFreedomIsAnExponentialTail() {
    // chi2(2) is Exp(1/2): P(X > x) = exp(-x/2)
    assertEquals(Math.exp(-5), Probability.chiSquareSurvival(10, 2), 1e-15);
    assertEquals(Math.exp(-0.25), Probability.chiSquareSurvival(0.5, 2), 1e-14);
  }

  @Test
  void chiSquareCriticalValueWithOneDegreeOfFreedomGivesFivePercent() {
    // scipy.stats.chi2.ppf(0.95, 1) = 3.841458820694124
    assertEquals(0.05, Probability.chiSquareSurvival(3.841458820694124, 1), 1e-12);
  }

  @Test
  void chiSquareMatchesCommonsMathAcrossDegreesOfFreedom() {
    for (int dof : new int[] {1, 2, 3, 5, 9, 30, 100}) {
      ChiSquaredDistribution oracle = new ChiSquaredDistribution(dof);
      for (double x : new double[] {0.01, 0.5, 1, dof, 2.0 * dof, 3.0 * dof + 10, 200}) {
        double expected = 1 - oracle.cumulativeProbability(x);
        assertEquals(expected, Probability.chiSquareSurvival(x, dof), 1e-12 + 1e-9 * expected, "dof=" + dof + " x=" + x);
      }
    }
  }

  @Test
  void logGammaMatchesCommonsMath() {
    for (double x : new double[] {0.1, 0.5, 1, 1.5, 2, 7.3, 50, 1000}) {
      assertEquals(Gamma.logGamma(x), Probability.logGamma(x), 1e-12 * Math.max(1, Math.abs(Gamma.logGamma(x))), "x=" + x);
    }
  }

  @Test
  void normalTailMatchesKnownQuantilesAndCommonsMath() {
    // scipy.stats.norm.ppf(0.975) = 1.959963984540054; norm.sf(3) = 0.0013498980316301035
    assertEquals(0.025, Probability.normalSurvival(1.959963984540054), 1e-14);
    assertEquals(0.0013498980316301035, Probability.normalSurvival(3), 1e-15);
    NormalDistribution oracle = new NormalDistribution();
    for (double z : new double[] {-4, -1.5, -0.1, 0, 0.3, 1, 2.5, 5, 8}) {
      double expected = 1 - oracle.cumulativeProbability(z);
      assertEquals(expected, Probability.normalSurvival(z), 1e-12 + 1e-7 * expected, "z=" + z);
    }
  }

  @Test
  void kolmogorovTailMatchesPublishedValues() {
    // scipy.stats.kstwobign.sf(1.0) = 0.26999967167735456 (P(K <= 1) = 0.7300003283);
    // the classic 5% critical value of K is 1.3580986393225505 (kstwobign.isf(0.05))
    assertEquals(0.26999967167735456, Probability.kolmogorovSurvival(1.0), 1e-12);
    assertEquals(0.05, Probability.kolmogorovSurvival(1.3580986393225505), 1e-10);
    assertEquals(1.0, Probability.kolmogorovSurvival(0.0));
  }

  @Test
  void kolmogorovTailMatchesTheAlternatingSeriesOnBothSidesOfTheSwitch() {
    for (double lambda : new double[] {0.4, 0.8, 1.1, 1.17, 1.19, 1.5, 2.0, 3.0}) {
      double sum = 0;
      for (int j = 1; j <= 1000; j++) {
        sum += (j % 2 == 1 ? 1 : -1) * Math.exp(-2.0 * j * j * lambda * lambda);
      }
      assertEquals(2 * sum, Probability.kolmogorovSurvival(lambda), 1e-12, "lambda=" + lambda);
    }
  }
}
