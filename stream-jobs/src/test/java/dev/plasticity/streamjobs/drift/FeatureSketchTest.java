package dev.plasticity.streamjobs.drift;

import static dev.plasticity.streamjobs.drift.DetectorsTest.empirical;
import static dev.plasticity.streamjobs.drift.DetectorsTest.normalSample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Runs on Java 17 with the project's plain surefire argLine (no --add-opens): DataSketches 6.2.0
 * heap sketches need no extra JVM flags. Where a sketch still holds every value it is exact, and its
 * statistics are compared with scipy (scipy_reference_values.py); otherwise with the exact
 * statistic of the raw values, within the sketch's documented rank error.
 */
class FeatureSketchTest {
  static FeatureSketch sketchOf(double[] values) {
    FeatureSketch sketch = new FeatureSketch();
    sketch.update(values);
    return sketch;
  }

  @Test
  void aWindowHeldWholeGivesTheSameDistributionAsTheKllSketchBuiltFromIt() {
    double[] values = normalSample(12, 499, 0, 1);
    values[7] = values[3]; // ties too
    values[8] = values[3];
    FeatureSketch window = new FeatureSketch(1000);
    window.update(values); // held as a sorted array: fewer values than k
    FeatureSketch kll = new FeatureSketch(1000);
    for (double v : values) {
      kll.update(v); // value by value: into the KLL sketch
    }
    QuantileFunction held = window.quantileFunction();
    QuantileFunction sketched = kll.quantileFunction();
    double[] cuts = {-1.5, -0.5, 0, values[3], 0.5, 1.5};
    assertArrayEquals(sketched.binShares(cuts), held.binShares(cuts));
    assertEquals(0.0, QuantileFunction.kolmogorovSmirnov(held, sketched));
    assertEquals(0.0, QuantileFunction.wasserstein(held, sketched));
    for (double v : values) {
      assertEquals(sketched.cdf(v), held.cdf(v));
      assertEquals(kll.cdf(v), window.cdf(v)); // asking for more builds the KLL sketch from the held values
    }
    assertEquals(kll.count(), window.count());
    assertArrayEquals(kll.toByteArray(), window.toByteArray());
  }

  @Test
  void roundTripsThroughBytesWithTheSameDistribution() {
    double[] values = normalSample(11, 500, 0, 1);
    FeatureSketch sketch = sketchOf(values);
    byte[] bytes = sketch.toByteArray();
    FeatureSketch restored = FeatureSketch.fromByteArray(bytes);
    assertEquals(500, restored.count());
    assertEquals(sketch.k(), restored.k());
    assertArrayEquals(bytes, restored.toByteArray());
    for (double x = -2; x <= 2; x += 0.25) {
      assertEquals(sketch.cdf(x), restored.cdf(x));
    }
    assertTrue(bytes.length < 500 * Double.BYTES, "a 500-value window sketch takes " + bytes.length + " bytes");
  }

  @Test
  void rejectsBytesThatAreNotASketch() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FeatureSketch.fromByteArray(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
    assertTrue(e.getMessage().contains("not a serialised KLL doubles sketch"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FeatureSketch.fromByteArray(new byte[0]));
  }

  @Test
  void rejectsNonFiniteValuesAndBadK() {
    FeatureSketch sketch = new FeatureSketch();
    assertThrows(IllegalArgumentException.class, () -> sketch.update(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new FeatureSketch(7));
    assertThrows(IllegalStateException.class, () -> sketch.cdf(0));
    assertThrows(IllegalArgumentException.class, () -> ReferenceDistribution.fromSketch(sketch));
  }

  @Test
  void anArrayOfValuesGivesTheDistributionOfAddingThemOneByOne() {
    double[] values = normalSample(21, 700, 0, 1);
    values[3] = 0.0;
    values[4] = -0.0;
    values[5] = values[6];
    FeatureSketch whole = new FeatureSketch(2000);
    whole.update(values);
    FeatureSketch oneByOne = new FeatureSketch(2000);
    for (double v : values) {
      oneByOne.update(v);
    }
    ReferenceDistribution reference = ReferenceDistribution.fromSketch(sketchOf(normalSample(22, 300, 0.1, 1)));
    assertEquals(new KolmogorovSmirnovTest(reference, 1e-4).test(oneByOne), new KolmogorovSmirnovTest(reference, 1e-4).test(whole));
    assertEquals(new WassersteinDistance(reference).distance(oneByOne), new WassersteinDistance(reference).distance(whole));
    assertEquals(oneByOne.min(), whole.min());
    assertEquals(oneByOne.max(), whole.max());
    for (double p = 0; p <= 1; p += 0.01) {
      assertEquals(oneByOne.quantile(p), whole.quantile(p), "quantile " + p);
    }
  }

  @Test
  void anArrayWithANonFiniteValueAddsNothing() {
    FeatureSketch sketch = new FeatureSketch();
    assertThrows(IllegalArgumentException.class, () -> sketch.update(new double[] {1.0, 2.0, Double.POSITIVE_INFINITY}));
    assertTrue(sketch.isEmpty());
  }

  @Test
  void mergingTwoWindowsSummarisesTheirUnionWithinTheRankError() {
    double[] first = normalSample(12, 300, 0, 1);
    double[] second = normalSample(13, 200, 1, 1);
    FeatureSketch merged = sketchOf(first);
    merged.merge(sketchOf(second));
    assertEquals(500, merged.count());
    double[] union = new double[500];
    System.arraycopy(first, 0, union, 0, 300);
    System.arraycopy(second, 0, union, 300, 200);
    QuantileFunction exact = QuantileFunction.ofSample(union);
    for (double x = -3; x <= 4; x += 0.1) {
      assertEquals(exact.cdf(x), merged.cdf(x), merged.rankError(), "rank at " + x);
    }
  }

  @Test
  void aSketchThatHoldsEveryValueGivesScipysTwoSampleStatistics() {
    // scipy_reference_values.py: ks_2samp(A, B).statistic = 0.55, wasserstein_distance(A, B) = 1.4066666666666667
    FeatureSketch a = sketchOf(ScipyReferenceData.A);
    ReferenceDistribution b = ReferenceDistribution.fromSketch(sketchOf(ScipyReferenceData.B));
    assertEquals(12, b.count());
    assertEquals(0.55, new KolmogorovSmirnovTest(b, 0.05).test(a).statistic(), 1e-12);
    assertEquals(1.4066666666666667, new WassersteinDistance(b).distance(a), 1e-12);
    // the sketch reference's standard deviation is np.std(B), so the normalised distance is W / np.std(B)
    double mean = Arrays.stream(ScipyReferenceData.B).average().orElseThrow();
    double std = Math.sqrt(Arrays.stream(ScipyReferenceData.B).map(v -> (v - mean) * (v - mean)).sum() / 12);
    assertEquals(std, b.standardDeviation(), 1e-12);
  }

  @Test
  void sketchedWindowStatisticsAgreeWithExactOnesWithinTheRankError() {
    ReferenceDistribution reference = empirical(normalSample(1, 5000, 0, 1));
    double[] values = normalSample(14, 500, 0.3, 1.2);
    FeatureSketch window = sketchOf(values);
    double eps = window.rankError();
    assertTrue(eps > 0.013 && eps < 0.014, "k = 200 documents a rank error of 1.33%, got " + eps);

    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest(reference, 1e-4);
    assertEquals(ks.test(values).statistic(), ks.test(window).statistic(), eps);

    // |W(F^) - W(F)| <= integral of |F^ - F| <= eps * (the range both CDFs live on)
    WassersteinDistance w = new WassersteinDistance(reference);
    double range = Math.max(window.max(), reference.quantile(1)) - Math.min(window.min(), reference.quantile(0));
    assertEquals(w.distance(values), w.distance(window), eps * range);

    // each bin's share within the documented two-rank error, for PSI's and JS's bins alike
    double[] cuts = new double[9];
    for (int i = 1; i < 10; i++) {
      cuts[i - 1] = reference.quantile(i / 10.0);
    }
    double[] exactShares = QuantileFunction.ofSample(values).binShares(cuts);
    double[] sketchShares = window.quantileFunction().binShares(cuts);
    for (int i = 0; i < exactShares.length; i++) {
      assertEquals(exactShares[i], sketchShares[i], window.binShareError(), "bin " + i);
    }
    // JS is a metric, so moving the window's shares moves JS by at most JS(exact shares, sketch shares)
    JensenShannonDistance js = new JensenShannonDistance(reference);
    double shareGap = JensenShannonDistance.between(exactShares, sketchShares);
    assertEquals(js.test(values).statistic(), js.test(window).statistic(), shareGap + 1e-12);
    PopulationStabilityIndex psi = new PopulationStabilityIndex(reference, 0.2);
    assertEquals(psi.test(values).statistic(), psi.test(window).statistic(), 0.01);
  }

  @Test
  void twoSketchesGiveTheTwoSampleStatisticsWithinBothRankErrors() {
    double[] training = normalSample(15, 100_000, 0, 1);
    double[] values = normalSample(16, 2000, 0.2, 1);
    ReferenceDistribution reference = ReferenceDistribution.fromSketch(sketchOf(training));
    FeatureSketch window = sketchOf(values);
    double bothErrors = 2 * window.rankError(); // same k both sides
    double exactKs = QuantileFunction.kolmogorovSmirnov(QuantileFunction.ofSample(values), QuantileFunction.ofSample(training));
    assertEquals(exactKs, new KolmogorovSmirnovTest(reference, 1e-4).test(window).statistic(), bothErrors);
    double exactW = WassersteinDistance.between(values, training);
    double range = Math.max(window.max(), reference.quantile(1)) - Math.min(window.min(), reference.quantile(0));
    assertEquals(exactW, new WassersteinDistance(reference).distance(window), bothErrors * range);
    assertEquals(100_000, reference.count());
  }
}
