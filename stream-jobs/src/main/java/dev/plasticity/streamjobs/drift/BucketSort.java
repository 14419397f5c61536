package dev.plasticity.streamjobs.drift;

import java.util.Arrays;

/**
 * Sorts doubles into the order of {@link Arrays#sort(double[])} (−0.0 before 0.0, NaN last) by
 * distributing them over as many equal-width buckets as there are values and sorting each bucket
 * (bucket sort: Cormen, Leiserson, Rivest &amp; Stein, <i>Introduction to Algorithms</i>, 3rd ed.,
 * §8.4). Values spread evenly over their range land about one to a bucket, so a window of feature
 * values sorts in linear time instead of n log n; a crowded bucket (skewed values, repeats) is
 * sorted with {@link Arrays#sort}, so the worst case stays n log n.
 *
 * <p>The result is the one {@link Arrays#sort} gives, bit for bit: a value's bucket never decreases
 * as the value grows (a difference, a positive factor and a truncation are each monotone), so
 * sorted buckets in order are sorted, and each bucket is sorted in the same total order.
 *
 * <p>Stateless and thread-safe.
 */
final class BucketSort {
  /** A bucket with at most this many values is insertion-sorted; a larger one goes to {@link Arrays#sort}. */
  private static final int INSERTION_SORT_MAX = 24;

  private BucketSort() {}

  /** A sorted copy of {@code values}; {@code values} is left as it is. */
  static double[] sorted(double[] values) {
    int n = values.length;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isNaN(v)) {
        return sortedByArrays(values);
      }
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
    }
    double scale = n / (max - min); // buckets per unit of value
    if (n < 2 || !(scale > 0 && scale < Double.POSITIVE_INFINITY)) {
      return sortedByArrays(values); // all equal, a range too wide or too narrow for a double
    }
    int[] next = new int[n]; // per bucket: its count, then where its next value goes
    for (double v : values) {
      next[bucket(v, min, scale, n)]++;
    }
    int sum = 0;
    for (int b = 0; b < n; b++) {
      int count = next[b];
      next[b] = sum;
      sum += count;
    }
    double[] sorted = new double[n];
    for (double v : values) {
      sorted[next[bucket(v, min, scale, n)]++] = v;
    }
    int from = 0;
    for (int b = 0; b < n; b++) { // next[b] is now where bucket b ends
      sortRange(sorted, from, next[b]);
      from = next[b];
    }
    return sorted;
  }

  private static int bucket(double v, double min, double scale, int buckets) {
    return Math.min(buckets - 1, (int) ((v - min) * scale));
  }

  private static void sortRange(double[] a, int from, int to) {
    if (to - from > INSERTION_SORT_MAX) {
      Arrays.sort(a, from, to);
      return;
    }
    for (int i = from + 1; i < to; i++) {
      double v = a[i];
      int j = i - 1;
      while (j >= from && Double.compare(a[j], v) > 0) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  }

  private static double[] sortedByArrays(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted;
  }
}
