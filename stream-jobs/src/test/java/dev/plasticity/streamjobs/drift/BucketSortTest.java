package dev.plasticity.streamjobs.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class BucketSortTest {
  /** The raw bits, so that −0.0 and 0.0 (and NaNs) count as different values. */
  private static long[] bits(double[] values) {
    return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  private static void assertSortsLikeArraysSort(double[] values, String what) {
    double[] expected = values.clone();
    Arrays.sort(expected);
    double[] before = values.clone();
    assertArrayEquals(bits(expected), bits(BucketSort.sorted(values)), what);
    assertArrayEquals(bits(before), bits(values), what + ": the input is left as it is");
  }

  @Test
  void sortsEveryKindOfSpreadBitForBitLikeArraysSort() {
    Random random = new Random(17);
    Map<String, DoubleSupplier> spreads = Map.of(
        "uniform", () -> random.nextDouble() * 10,
        "normal", random::nextGaussian,
        "heavy tail", () -> Math.exp(4 * random.nextGaussian()),
        "few values", () -> random.nextInt(4),
        "signed zeros", () -> random.nextBoolean() ? 0.0 : -0.0,
        "zeros among negatives", () -> random.nextInt(3) == 0 ? -random.nextDouble() : random.nextBoolean() ? 0.0 : -0.0,
        "subnormal", () -> Double.MIN_VALUE * (random.nextInt(9) - 4),
        "whole double range", () -> Double.MAX_VALUE * (2 * random.nextDouble() - 1),
        "infinities", () -> random.nextInt(5) == 0 ? Double.POSITIVE_INFINITY * (random.nextBoolean() ? 1 : -1) : random.nextDouble(),
        "NaN among values", () -> random.nextInt(7) == 0 ? Double.NaN : random.nextGaussian());
    for (Map.Entry<String, DoubleSupplier> spread : spreads.entrySet()) {
      for (int n : new int[] {0, 1, 2, 3, 25, 26, 100, 500, 2000}) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
          values[i] = spread.getValue().getAsDouble();
        }
        assertSortsLikeArraysSort(values, spread.getKey() + ", n=" + n);
      }
    }
  }

  @Test
  void sortsAscendingDescendingAndConstantInput() {
    double[] ascending = new double[300];
    for (int i = 0; i < ascending.length; i++) {
      ascending[i] = i * 0.5 - 20;
    }
    double[] descending = new double[300];
    for (int i = 0; i < descending.length; i++) {
      descending[i] = ascending[ascending.length - 1 - i];
    }
    double[] constant = new double[300];
    Arrays.fill(constant, 2.5);
    assertSortsLikeArraysSort(ascending, "ascending");
    assertSortsLikeArraysSort(descending, "descending");
    assertSortsLikeArraysSort(constant, "constant");
    assertEquals(-20.0, BucketSort.sorted(descending)[0]);
  }
}
