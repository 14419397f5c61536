package dev.plasticity.streamjobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * KSWIN has no reference implementation to run here (River is Python), so its Kolmogorov–Smirnov
 * statistic and exact p-value are checked against commons-math3's.
 */
class KswinTest {
  private final org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest commonsMath =
      new org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest();

  @Test
  void distanceEqualsCommonsMathStatisticTimesSampleSizeWithAndWithoutTies() {
    Random random = new Random(11);
    for (int trial = 0; trial < 2000; trial++) {
      int n = 2 + random.nextInt(39); // commons-math needs two values a sample
      boolean ties = trial % 2 == 0;
      double shift = random.nextInt(3) * 0.5;
      double[] a = new double[n];
      double[] b = new double[n];
      for (int i = 0; i < n; i++) {
        a[i] = ties ? random.nextInt(4) : random.nextGaussian();
        b[i] = ties ? random.nextInt(4) + (int) (2 * shift) : random.nextGaussian() + shift;
      }
      double statistic = commonsMath.kolmogorovSmirnovStatistic(a, b);
      Arrays.sort(a);
      Arrays.sort(b);

      assertThat(Kswin.distance(a, b) / (double) n).isCloseTo(statistic, within(1e-12));
    }
  }

  @Test
  void pValueEqualsCommonsMathExactProbabilityOfAtLeastTheDistance() {
    for (int n : new int[] {1, 2, 5, 10, 30, 50}) {
      for (int h = 0; h <= n; h++) {
        double expected = commonsMath.exactP((double) h / n, n, n, false);

        assertThat(Kswin.pValue(h, n))
            .as("P(D >= %d/%d)", h, n)
            .isCloseTo(expected, within(1e-12 + 1e-9 * expected));
      }
    }
  }

  @Test
  void defaultsDetectAtADistanceOf14OutOf30() {
    assertThat(Kswin.pValue(13, 30)).isGreaterThan(Kswin.DEFAULT_ALPHA);
    assertThat(Kswin.pValue(14, 30)).isLessThanOrEqualTo(Kswin.DEFAULT_ALPHA);
  }

  @Test
  void sameSeedGivesTheSameDetections() {
    double[] stream = SeededStreams.meanShift(3, 5000, 2500, 1);

    assertThat(SeededStreams.drifts(new Kswin(5), stream))
        .isEqualTo(SeededStreams.drifts(new Kswin(5), stream))
        .isNotEmpty();
  }

  @Test
  void testsAgainOnlyOnceTheWindowRefillsAfterADrift() {
    double[] stream = SeededStreams.meanShift(3, 20_000, 10_000, 0.5);

    List<Integer> drifts = SeededStreams.drifts(new Kswin(5), stream);

    assertThat(drifts).hasSizeGreaterThan(2);
    for (int k = 1; k < drifts.size(); k++) {
      // after a drift the window keeps its last 30 values and needs 70 more
      assertThat(drifts.get(k) - drifts.get(k - 1)).isGreaterThanOrEqualTo(70);
    }
  }

  @Test
  void neverDetectsBeforeTheWindowIsFull() {
    double[] stream = SeededStreams.meanShift(3, 99, 30, 10);

    assertThat(SeededStreams.drifts(new Kswin(5), stream)).isEmpty();
  }
}
