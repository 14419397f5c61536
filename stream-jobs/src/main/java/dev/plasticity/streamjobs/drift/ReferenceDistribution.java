package dev.plasticity.streamjobs.drift;

import java.util.Arrays;
import java.util.List;

/**
 * The distribution of one feature in a model's training data. Usually known only through evenly
 * spaced quantiles q(0), q(1/(k-1)), …, q(1) (the reference statistics carry k = 101): the CDF
 * between two quantiles is interpolated linearly; it is 0 below q(0) and 1 at and above q(1). Where
 * quantiles repeat (a value with probability mass) the CDF jumps, and is right-continuous.
 *
 * <p>It can also be taken from a {@link FeatureSketch} ({@link #fromSketch}): then it is the
 * sketch's weighted step distribution, which approximates the training data's empirical CDF
 * within the sketch's rank error, and every test built on it (PSI, KS, Wasserstein, Jensen–Shannon)
 * compares two sketches without raw values.
 *
 * <p>Immutable and thread-safe.
 */
final class ReferenceDistribution {
  private final QuantileFunction distribution;
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
    this.distribution = QuantileFunction.ofEvenQuantiles(q);
    this.count = count;
  }

  private ReferenceDistribution(QuantileFunction distribution, long count) {
    this.distribution = distribution;
    this.count = count;
  }

  /**
   * The distribution a sketch summarises, as it is now (later updates to the sketch do not change
   * it), with the sketch's item count as sample count.
   *
   * @throws IllegalArgumentException when the sketch is empty
   */
  public static ReferenceDistribution fromSketch(FeatureSketch sketch) {
    if (sketch == null || sketch.isEmpty()) {
      throw new IllegalArgumentException("a reference distribution needs a non-empty sketch");
    }
    return new ReferenceDistribution(sketch.quantileFunction(), sketch.count());
  }

  /** How many training values the quantiles summarise. */
  public long count() {
    return count;
  }

  /** The CDF at x (interpolated between quantiles). */
  public double cdf(double x) {
    return distribution.cdf(x);
  }

  /** The quantile at probability p in [0, 1] (interpolated between quantiles). */
  public double quantile(double p) {
    return distribution.quantile(p);
  }

  /** The standard deviation of this distribution (mass spread uniformly between quantiles). */
  public double standardDeviation() {
    return Math.sqrt(distribution.meanAndVariance()[1]);
  }

  /** q(0.75) − q(0.25). */
  public double interquartileRange() {
    return quantile(0.75) - quantile(0.25);
  }

  QuantileFunction distribution() {
    return distribution;
  }

  @Override
  public String toString() {
    return "ReferenceDistribution" + Arrays.toString(new double[] {distribution.min(), quantile(0.5), distribution.max()})
        + " n=" + count;
  }
}
