package dev.plasticity.streamjobs.drift;

import java.util.Arrays;

/**
 * A one-dimensional distribution given by its quantile function Q on [0, 1], piecewise linear:
 * on segment s, for p in [p(s), p(s+1)], Q runs linearly from {@code start[s]} to {@code end[s]}.
 * A sample, or the weighted items a {@link FeatureSketch} retains, has constant segments (a step
 * CDF); the evenly spaced quantiles of a {@link ReferenceDistribution} give linear segments (a
 * piecewise-linear CDF, with jumps where quantiles repeat).
 *
 * <p>The distances the drift tests need are exact for this representation: the CDF and its left
 * limit, sup |F − G| (Kolmogorov–Smirnov, when one of them is a step CDF) evaluated at every knot of both, and the 1-Wasserstein
 * distance as ∫₀¹ |Q_F(p) − Q_G(p)| dp, which equals ∫ |F(x) − G(x)| dx (Vallender 1974, "Calculation
 * of the Wasserstein distance between probability distributions on the line", Theory Probab. Appl.
 * 18(4)), integrated in closed form segment by segment.
 *
 * <p>Immutable and thread-safe.
 */
final class QuantileFunction {
  private final double[] p; // segments + 1 probabilities, 0 first, 1 last, strictly increasing
  private final double[] start;
  private final double[] end;
  private final boolean steps; // every segment constant: a sample or weighted items

  private QuantileFunction(double[] p, double[] start, double[] end, boolean steps) {
    this.p = p;
    this.start = start;
    this.end = end;
    this.steps = steps;
  }

  /** The empirical distribution of {@code values} (finite, at least one). */
  static QuantileFunction ofSample(double[] values) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("a sample needs at least one value");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    if (!Double.isFinite(sorted[0]) || !Double.isFinite(sorted[sorted.length - 1])) {
      throw new IllegalArgumentException("sample values must be finite numbers");
    }
    int n = sorted.length;
    double[] p = new double[n + 1];
    for (int i = 0; i < n; i++) {
      p[i] = (double) i / n;
    }
    p[n] = 1.0;
    return new QuantileFunction(p, sorted, sorted, true);
  }

  /**
   * A weighted discrete distribution: {@code items} sorted, {@code cumulativeWeights[i]} the total
   * weight of items 0..i (positive, increasing), as a sketch's sorted view gives them.
   */
  static QuantileFunction ofWeightedItems(double[] items, long[] cumulativeWeights) {
    int n = items.length;
    if (n == 0 || cumulativeWeights.length != n) {
      throw new IllegalArgumentException("weighted items need at least one item and one cumulative weight per item");
    }
    double total = cumulativeWeights[n - 1];
    double[] p = new double[n + 1];
    for (int i = 0; i < n; i++) {
      if (i > 0 && (items[i] < items[i - 1] || cumulativeWeights[i] <= cumulativeWeights[i - 1])) {
        throw new IllegalArgumentException("items must be sorted and cumulative weights increasing at " + i);
      }
      p[i + 1] = cumulativeWeights[i] / total;
    }
    p[n] = 1.0;
    double[] steps = items.clone(); // a step starts and ends at its item, as in ofSample
    return new QuantileFunction(p, steps, steps, true);
  }

  /** Linear interpolation between quantiles at evenly spaced probabilities 0, 1/k, …, 1. */
  static QuantileFunction ofEvenQuantiles(double[] quantiles) {
    int k = quantiles.length - 1;
    double[] p = new double[k + 1];
    for (int i = 0; i < k; i++) {
      p[i] = (double) i / k;
    }
    p[k] = 1.0;
    return new QuantileFunction(p, Arrays.copyOf(quantiles, k), Arrays.copyOfRange(quantiles, 1, k + 1), false);
  }

  double min() {
    return start[0];
  }

  double max() {
    return end[end.length - 1];
  }

  /** F(x) = P(X ≤ x), right-continuous. */
  double cdf(double x) {
    return cdfOnSegment(lastStartAtMost(x), x);
  }

  /** F(x−) = P(X &lt; x). */
  double cdfBelow(double x) {
    return cdfBelowOnSegment(lastStartAtMost(Math.nextDown(x)), x);
  }

  /** F(x), given s, the last segment starting at or before x (−1 when none does). */
  private double cdfOnSegment(int s, double x) {
    if (s < 0) {
      return 0.0;
    }
    if (end[s] <= x) {
      return p[s + 1];
    }
    return p[s] + (x - start[s]) / (end[s] - start[s]) * (p[s + 1] - p[s]);
  }

  /** F(x−), given s, the last segment starting before x (−1 when none does). */
  private double cdfBelowOnSegment(int s, double x) {
    if (s < 0) {
      return 0.0;
    }
    if (end[s] < x) {
      return p[s + 1];
    }
    return p[s] + (x - start[s]) / (end[s] - start[s]) * (p[s + 1] - p[s]);
  }

  /** Q(probability): the smallest x with F(x) ≥ probability, interpolated on linear segments. */
  double quantile(double probability) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
    int lo = 0;
    int hi = start.length - 1;
    while (lo < hi) { // first segment whose upper probability reaches the given one
      int mid = (lo + hi) >>> 1;
      if (p[mid + 1] < probability) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    double fraction = Math.max(0.0, Math.min(1.0, (probability - p[lo]) / (p[lo + 1] - p[lo])));
    return start[lo] + fraction * (end[lo] - start[lo]);
  }

  /** Mean and population variance, treating a linear segment as uniform mass on [start, end]. */
  double[] meanAndVariance() {
    double mean = 0;
    double second = 0;
    for (int s = 0; s < start.length; s++) {
      double w = p[s + 1] - p[s];
      mean += w * (start[s] + end[s]) / 2;
      second += w * (start[s] * start[s] + start[s] * end[s] + end[s] * end[s]) / 3;
    }
    return new double[] {mean, Math.max(0.0, second - mean * mean)};
  }

  /**
   * Shares of the bins (−∞, cuts[0]], (cuts[0], cuts[1]], …, (cuts[last], ∞).
   *
   * @param cuts strictly increasing
   */
  double[] binShares(double[] cuts) {
    double[] shares = new double[cuts.length + 1];
    double previous = 0;
    for (int i = 0; i < cuts.length; i++) {
      double cumulative = cdf(cuts[i]);
      shares[i] = Math.max(0.0, cumulative - previous);
      previous = cumulative;
    }
    shares[cuts.length] = Math.max(0.0, 1.0 - previous);
    return shares;
  }

  /**
   * Shares of raw {@code values} in the same bins as {@link #binShares}: bin i holds values in
   * (cuts[i-1], cuts[i]], the last bin everything above the last cut.
   *
   * @param values at least one
   * @param cuts strictly increasing
   */
  static double[] sampleBinShares(double[] values, double[] cuts) {
    long[] counts = new long[cuts.length + 1];
    for (double v : values) {
      int i = java.util.Arrays.binarySearch(cuts, v);
      counts[i >= 0 ? i : -i - 1]++;
    }
    double[] shares = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      shares[i] = (double) counts[i] / values.length;
    }
    return shares;
  }

  /**
   * sup over x of |F(x) − G(x)|, the two-sample Kolmogorov–Smirnov statistic, for two
   * distributions of which at least one is a step function (a sample or a sketch's items, as the
   * window of every KS test is), evaluated with the left limits at every item of the step
   * function and every knot of the other: the supremum is attained at one of them, from one side.
   *
   * @throws IllegalArgumentException when neither is a step function
   */
  static double kolmogorovSmirnov(QuantileFunction f, QuantileFunction g) {
    if (f.steps) {
      return stepSupremum(f, g);
    }
    if (g.steps) {
      return stepSupremum(g, f); // |a − b| and |b − a| are the same double
    }
    throw new IllegalArgumentException("the KS statistic needs a step distribution (a sample or a sketch) on one side");
  }

  /**
   * sup |F − G| for a step function F. The items of F and the knots of G ({@link #knot}) both
   * ascend, so they are merged on the fly, and G's segment at each point is found by moving
   * forward: linear time, and nothing allocated. At a run of equal items, F is read off the run's
   * bounds; at a knot of G, off how many items the merge has passed. G and both limits of F are
   * the values {@link #cdf} and {@link #cdfBelow} give, to the last bit.
   */
  private static double stepSupremum(QuantileFunction f, QuantileFunction g) {
    double[] items = f.start;
    int n = items.length;
    int gKnots = g.start.length + 1;
    double d = 0;
    int i = 0; // items[0, i) are at most the current point, the rest above it
    int run = 0; // first item of the last run of equal items
    int j = 0; // next knot of g
    int gAt = -1;
    int gBelow = -1;
    while (i < n || j < gKnots) {
      double x;
      double fAt; // F(x)
      double fBelow; // F(x−)
      if (j == gKnots || i < n && items[i] <= g.knot(j)) {
        x = items[i];
        run = i;
        while (i < n && items[i] <= x) {
          i++;
        }
        fAt = f.p[i];
        fBelow = f.p[run];
      } else {
        x = g.knot(j++);
        fAt = f.p[i];
        fBelow = f.p[i > 0 && items[i - 1] == x ? run : i];
      }
      gAt = g.lastStartAtMost(x, gAt);
      gBelow = g.lastStartBelow(x, gBelow);
      d = Math.max(d, Math.abs(fAt - g.cdfOnSegment(gAt, x)));
      d = Math.max(d, Math.abs(fBelow - g.cdfBelowOnSegment(gBelow, x)));
    }
    return d;
  }

  /**
   * Knot i of the CDF, for i from 0 to the number of segments: the segment starts, then the last
   * end. They ascend and are every point where F bends or jumps, because each segment ends where
   * it starts (a step) or where the next one starts (linear pieces), as the factories build them.
   */
  private double knot(int i) {
    return i < start.length ? start[i] : end[end.length - 1];
  }

  /** The 1-Wasserstein (earth mover's) distance ∫₀¹ |Q_F(p) − Q_G(p)| dp. */
  static double wasserstein(QuantileFunction f, QuantileFunction g) {
    double total = 0;
    int i = 0;
    int j = 0;
    double from = 0;
    while (i < f.start.length && j < g.start.length) {
      double to = Math.min(f.p[i + 1], g.p[j + 1]);
      if (to > from) {
        double a = f.at(i, from) - g.at(j, from);
        double b = f.at(i, to) - g.at(j, to);
        total += (to - from) * absoluteLinearMean(a, b);
      }
      from = to;
      if (f.p[i + 1] <= to) {
        i++;
      }
      if (g.p[j + 1] <= to) {
        j++;
      }
    }
    return total;
  }

  /** Q on segment s at probability q in [p(s), p(s+1)]. */
  private double at(int s, double q) {
    if (start[s] == end[s]) {
      return start[s];
    }
    double fraction = Math.max(0.0, Math.min(1.0, (q - p[s]) / (p[s + 1] - p[s])));
    return start[s] + fraction * (end[s] - start[s]);
  }

  /** Mean of |ℓ| over an interval where ℓ runs linearly from a to b. */
  private static double absoluteLinearMean(double a, double b) {
    if ((a >= 0) == (b >= 0) || a == 0 || b == 0) {
      return (Math.abs(a) + Math.abs(b)) / 2;
    }
    return (a * a + b * b) / (2 * (Math.abs(a) + Math.abs(b)));
  }

  /** {@link #lastStartAtMost(double)} for x at or above the start of segment {@code from}. */
  private int lastStartAtMost(double x, int from) {
    int s = from;
    while (s + 1 < start.length && start[s + 1] <= x) {
      s++;
    }
    return s;
  }

  /**
   * The last segment whose start is below x (−1 when none is), for x above the start of segment
   * {@code from}: the segment {@link #cdfBelow} looks up as the last start at most
   * {@code Math.nextDown(x)}, since for a finite x a double is at most nextDown(x) exactly when it
   * is below x.
   */
  private int lastStartBelow(double x, int from) {
    int s = from;
    while (s + 1 < start.length && start[s + 1] < x) {
      s++;
    }
    return s;
  }

  /** Last segment whose start is at most x, or −1. */
  private int lastStartAtMost(double x) {
    int lo = 0;
    int hi = start.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (start[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }
}
