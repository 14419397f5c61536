package dev.plasticity.streamjobs.drift;

import org.apache.datasketches.common.SketchesException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * A bounded, mergeable summary of one numeric feature — a window's values or the training data —
 * backed by an Apache DataSketches KLL sketch (Karnin, Lang &amp; Liberty 2016, "Optimal Quantile
 * Approximation in Streams", FOCS; https://datasketches.apache.org/docs/KLL/KLLSketch.html). Its
 * size grows with log(n) rather than n, two summaries merge (windows of parallel subtasks, or days
 * into a reference), and it serialises to a byte array a Flink job can keep in state.
 *
 * <p>Every rank it reports (its CDF) is within {@link #rankError()} of the exact empirical CDF of
 * the values it saw, with 99% confidence over all ranks at once (the sketch's documented,
 * empirically fitted bound); while it holds every value (n ≤ about k) it is exact. The drift tests
 * take a sketch directly ({@code test(FeatureSketch)}), and {@link ReferenceDistribution#fromSketch}
 * makes one the reference, so KS, PSI, Wasserstein and Jensen–Shannon need no raw values:
 *
 * <pre>{@code
 * FeatureSketch window = new FeatureSketch();           // k = 200
 * for (double v : values) window.update(v);
 * byte[] state = window.toByteArray();                  // 2316 bytes for 500 values
 * FeatureSketch restored = FeatureSketch.fromByteArray(state);
 * new KolmogorovSmirnovTest(reference, 1e-4).test(restored);
 * }</pre>
 *
 * <p>A sketch whose values all came in one {@link #update(double[])} of fewer than k values (a
 * drift window's) keeps them as a sorted array until something other than {@link #count()}, {@link
 * #isEmpty()}, {@link #k()} or the tests' distribution is asked of it, and only then builds the KLL
 * sketch from them: the sketch would hold them whole, uncompacted, with weight 1 each, so its
 * sorted view is that array with cumulative weights 1..n and every answer is the same, without
 * the cost of filling a sketch per feature and window.
 *
 * <p>Mutable and not thread-safe, like the sketch it wraps; DataSketches heap sketches need no JVM
 * flags on Java 17.
 */
final class FeatureSketch {
  /** DataSketches' default k: rank error about 1.3% (single rank) at 99% confidence. */
  public static final int DEFAULT_K = KllSketch.DEFAULT_K;
  /** The smallest k a KLL sketch accepts. */
  public static final int MIN_K = 8;

  private final int k;
  /** The KLL sketch; null while {@link #exact} holds every value, or nothing has been added. */
  private KllDoublesSketch sketch;
  /** Every value, ascending, while they came in one block of fewer than k; else null. */
  private double[] exact;
  /** The step distribution of the items, built once and shared by the tests until the next change. */
  private QuantileFunction quantiles;

  /** An empty sketch with k = {@value #DEFAULT_K}. */
  public FeatureSketch() {
    this(DEFAULT_K);
  }

  /**
   * An empty sketch.
   *
   * @param k accuracy parameter in [8, 65535]: rank error shrinks and size grows about linearly in k
   */
  public FeatureSketch(int k) {
    if (k < MIN_K || k > KllSketch.MAX_K) {
      throw new IllegalArgumentException("KLL k must be in [" + MIN_K + ", " + KllSketch.MAX_K + "], got " + k);
    }
    this.k = k;
  }

  private FeatureSketch(KllDoublesSketch sketch) {
    this.k = sketch.getK();
    this.sketch = sketch;
  }

  /** The KLL sketch, built now from the values held exactly if there are any. */
  private KllDoublesSketch kll() {
    if (sketch == null) {
      sketch = KllDoublesSketch.newHeapInstance(k);
      if (exact != null) {
        sketch.update(exact, 0, exact.length);
        exact = null;
      }
    }
    return sketch;
  }

  /** Restores a sketch from {@link #toByteArray()}. */
  public static FeatureSketch fromByteArray(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("a serialised KLL doubles sketch must not be empty");
    }
    try {
      return new FeatureSketch(KllDoublesSketch.heapify(Memory.wrap(bytes)));
    } catch (SketchesException | ClassCastException e) {
      throw new IllegalArgumentException("not a serialised KLL doubles sketch: " + e.getMessage(), e);
    }
  }

  /** Adds one value (finite). */
  public void update(double value) {
    requireFinite(value);
    kll().update(value);
    quantiles = null;
  }

  /**
   * Adds every value (each finite; when one is not, none is added). They go in ascending order, in
   * one block: the sketch sorts its level-0 buffer when it builds its sorted view, and
   * {@link java.util.Arrays#sort} recognises an already sorted buffer in linear time, so a window
   * the sketch holds whole is sorted here, by a {@link BucketSort} that takes linear time on values
   * spread over their range, and not again. The order of the values changes only which values a
   * compaction keeps once the window outgrows the sketch, and KLL's error bound holds for any order.
   */
  public void update(double[] values) {
    for (double v : values) {
      requireFinite(v);
    }
    double[] ascending = BucketSort.sorted(values);
    quantiles = null;
    if (sketch == null && exact == null && ascending.length > 0 && ascending.length < k) {
      exact = ascending; // the sketch would hold them whole: see the class comment
      return;
    }
    kll().update(ascending, 0, ascending.length);
  }

  private static void requireFinite(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("a feature sketch takes finite values only, got " + value);
    }
  }

  /** Adds everything {@code other} has seen; {@code other} is unchanged. */
  public void merge(FeatureSketch other) {
    kll().merge(other.kll());
    quantiles = null;
  }

  /** The compact serialised form, for state or messages. */
  public byte[] toByteArray() {
    return kll().toByteArray();
  }

  /** How many values the sketch has seen. */
  public long count() {
    return exact != null ? exact.length : sketch == null ? 0 : sketch.getN();
  }

  public boolean isEmpty() {
    return exact == null && (sketch == null || sketch.isEmpty());
  }

  /** The accuracy parameter k. */
  public int k() {
    return k;
  }

  /**
   * The documented bound on |F̂(x) − F(x)| over all x at 99% confidence (DataSketches'
   * {@code getNormalizedRankError(false)}); 0.0133 for k = 200. The sketch is exact while it still
   * holds every value, but this reports the bound regardless.
   */
  public double rankError() {
    return kll().getNormalizedRankError(false);
  }

  /** The documented bound on the error of the mass of one bin (a difference of two ranks). */
  public double binShareError() {
    return kll().getNormalizedRankError(true);
  }

  /** The approximate share of values ≤ x. */
  public double cdf(double x) {
    requireNonEmpty();
    return kll().getRank(x, QuantileSearchCriteria.INCLUSIVE);
  }

  /** The approximate smallest value whose rank reaches p. */
  public double quantile(double p) {
    requireNonEmpty();
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
    }
    return kll().getQuantile(p, QuantileSearchCriteria.INCLUSIVE);
  }

  public double min() {
    requireNonEmpty();
    return kll().getMinItem();
  }

  public double max() {
    requireNonEmpty();
    return kll().getMaxItem();
  }

  /** The sketch's weighted items as a step distribution. */
  QuantileFunction quantileFunction() {
    requireNonEmpty();
    if (quantiles == null && exact != null) { // the sketch's sorted view would be these, weight 1 each
      long[] cumulative = new long[exact.length];
      for (int i = 0; i < cumulative.length; i++) {
        cumulative[i] = i + 1;
      }
      quantiles = QuantileFunction.ofWeightedItems(exact, cumulative);
    }
    if (quantiles == null) {
      DoublesSortedView view = sketch.getSortedView();
      quantiles = QuantileFunction.ofWeightedItems(view.getQuantiles(), view.getCumulativeWeights());
    }
    return quantiles;
  }

  private void requireNonEmpty() {
    if (isEmpty()) {
      throw new IllegalStateException("the feature sketch is empty; update it before asking for its distribution");
    }
  }

  @Override
  public String toString() {
    return "FeatureSketch[k=" + k() + ", n=" + count() + ", retained=" + (exact != null ? exact.length : sketch == null ? 0 : sketch.getNumRetained()) + "]";
  }
}
