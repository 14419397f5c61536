package dev.plasticity.streamjobs.drift;

import java.util.Arrays;
import java.util.List;

/**
 * The distribution of one feature in a model's training data, known only through evenly spaced
 * quantiles q(0), q(1/(k-1)), …, q(1) (the reference statistics carry k = 101). The CDF between
 * two quantiles is interpolated linearly; it is 0 below q(0) and 1 at and above q(1). Where
 * quantiles repeat (a value with probability mass) the CDF jumps, and is right-continuous.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReferenceDistribution {
  private final double[] quantiles;
  private final long count;

  /**
   * @param quantiles at least 2 non-decreasing, finite quantiles at evenly spaced probabilities from
   *     0 to 1 inclusive
   * @param count how many training values the quantiles were computed from (≥ 1)
   */
  public ReferenceDistribution(List<Double> quantiles, long count) {
    if (quantiles == null || quantiles.size() < 2) {
      throw new IllegalArgumentException("a reference distribution needs at least 2 quantiles (q=0 and q=1)");
    }
    if (count < 1) {
      throw new IllegalArgumentException("a reference distribution needs a sample count >= 1, got " + count);
    }
    double[] q = new double[quantiles.size()];
    for (int i = 0; i < q.length; i++) {
      Double v = quantiles.get(i);
      if (v == null || !Double.isFinite(v)) {
        throw new IllegalArgumentException("quantile " + i + " is not a finite number: " + v);
      }
      if (i > 0 && v < q[i - 1]) {
        throw new IllegalArgumentException("quantiles must be non-decreasing; quantile " + i + " = " + v + " < " + q[i - 1]);
      }
      q[i] = v;
    }
    this.quantiles = q;
    this.count = count;
  }

  /** How many training values the quantiles summarise. */
  public long count() {
    return count;
  }

  /** The interpolated CDF at x. */
  public double cdf(double x) {
    int last = quantiles.length - 1;
    if (x < quantiles[0]) {
      return 0.0;
    }
    if (x >= quantiles[last]) {
      return 1.0;
    }
    // k = last index with q[k] <= x; then q[k + 1] > x
    int k = upperBound(x) - 1;
    double pk = (double) k / last;
    double fraction = (x - quantiles[k]) / (quantiles[k + 1] - quantiles[k]);
    return pk + fraction / last;
  }

  /** The interpolated quantile at probability p in [0, 1]. */
  public double quantile(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
    }
    double position = p * (quantiles.length - 1);
    int lower = (int) Math.floor(position);
    if (lower >= quantiles.length - 1) {
      return quantiles[quantiles.length - 1];
    }
    double fraction = position - lower;
    return quantiles[lower] + fraction * (quantiles[lower + 1] - quantiles[lower]);
  }

  /** First index whose quantile is greater than x. */
  private int upperBound(double x) {
    int lo = 0;
    int hi = quantiles.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (quantiles[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public String toString() {
    return "ReferenceDistribution" + Arrays.toString(new double[] {quantiles[0], quantile(0.5), quantiles[quantiles.length - 1]})
        + " n=" + count;
  }
}
