package dev.plasticity.streamjobs.drift;

import java.util.Arrays;
import java.util.Random;

/**
 * Kernel two-sample test on whole rows: has the joint distribution of the features changed? It
 * sees what per-feature tests cannot, such as a change in the correlation between two features
 * whose marginals stay the same. With a Gaussian kernel k(x, y) = exp(−‖x − y‖² / (2σ²)), the
 * unbiased estimate of the squared maximum mean discrepancy between reference rows X (m of them)
 * and window rows Y (n) is
 *
 * <pre>
 * MMD²ᵤ = Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (n(n−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / (mn)
 * </pre>
 *
 * (Gretton et al. 2012, eq. 3). Features are standardised by the reference's mean and (population)
 * standard deviation, so no feature dominates by its units; σ is the median pairwise distance of
 * the pooled standardised rows (the median heuristic, §8 of the paper); the p-value is
 * (1 + #{permutations with MMD²ᵤ ≥ observed}) / (1 + permutations), from random relabellings of
 * the pooled rows (Phipson &amp; Smyth 2010, "Permutation p-values should never be zero", Stat. Appl.
 * Genet. Mol. Biol. 9(1)). Each side is capped at {@code maxRowsPerSide} rows, drawn at random,
 * because the cost is O((m + n)²) per permutation.
 *
 * <p>Randomness comes from {@code seed}: the reference sample is drawn once at construction, and
 * every {@link #test} starts a new {@code Random(seed)}, so the same window always gets the same
 * p-value. Example (from {@code MaximumMeanDiscrepancyTest}): 2000 reference rows of two
 * independent standard normal features, 500 window rows with the same marginals but correlation
 * 0.8 — per-feature KS tests see nothing (p &gt; 0.05); on 250 rows a side this test gives
 * p = 1/201, the smallest 200 permutations can give. The unbiased statistic matches a NumPy
 * computation in {@code src/test/resources/reference/scipy_reference_values.py}.
 *
 * <pre>{@code
 * new MaximumMeanDiscrepancy(referenceRows).test(windowRows).drifted();  // true
 * }</pre>
 *
 * <p>Source: Gretton, Borgwardt, Rasch, Schölkopf &amp; Smola (2012), "A kernel two-sample test",
 * JMLR 13, 723–773.
 *
 * <p>Immutable and thread-safe.
 */
final class MaximumMeanDiscrepancy {
  /** Default significance level. */
  public static final double DEFAULT_ALPHA = 0.01;
  /** Default number of permutations. */
  public static final int DEFAULT_PERMUTATIONS = 200;
  /** Default cap on the rows each side contributes. */
  public static final int DEFAULT_MAX_ROWS_PER_SIDE = 250;
  /** Default seed. */
  public static final long DEFAULT_SEED = 20120301L;

  private final int dimension;
  private final double[] mean;
  private final double[] std;
  private final double[][] reference; // standardised, capped sample
  private final double alpha;
  private final int permutations;
  private final int maxRowsPerSide;
  private final long seed;

  /** Alpha 0.01, 200 permutations, at most 250 rows per side, a fixed seed. */
  public MaximumMeanDiscrepancy(double[][] referenceRows) {
    this(referenceRows, DEFAULT_ALPHA, DEFAULT_PERMUTATIONS, DEFAULT_MAX_ROWS_PER_SIDE, DEFAULT_SEED);
  }

  /**
   * @param referenceRows at least 2 rows of training data, all of the same length ≥ 1, finite
   * @param alpha significance level in (0, 1), at least 1 / (permutations + 1) so an alarm is possible
   * @param permutations how many relabellings estimate the p-value (≥ 1)
   * @param maxRowsPerSide the most rows each side contributes (≥ 2)
   * @param seed seeds the reference sample and every test's window sample and permutations
   */
  public MaximumMeanDiscrepancy(double[][] referenceRows, double alpha, int permutations, int maxRowsPerSide, long seed) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("MMD alpha must be in (0, 1), got " + alpha);
    }
    if (permutations < 1) {
      throw new IllegalArgumentException("MMD needs at least 1 permutation, got " + permutations);
    }
    if (alpha * (permutations + 1) < 1) {
      throw new IllegalArgumentException("MMD alpha " + alpha + " is below the smallest p-value " + permutations
          + " permutations can give, 1/(permutations + 1); use more permutations or a larger alpha");
    }
    if (maxRowsPerSide < 2) {
      throw new IllegalArgumentException("MMD needs at least 2 rows per side, got maxRowsPerSide=" + maxRowsPerSide);
    }
    if (referenceRows == null || referenceRows.length < 2) {
      throw new IllegalArgumentException("MMD needs at least 2 reference rows");
    }
    this.dimension = requireRows(referenceRows, -1, "reference");
    this.alpha = alpha;
    this.permutations = permutations;
    this.maxRowsPerSide = maxRowsPerSide;
    this.seed = seed;
    this.mean = new double[dimension];
    this.std = new double[dimension];
    for (double[] row : referenceRows) {
      for (int f = 0; f < dimension; f++) {
        mean[f] += row[f] / referenceRows.length;
      }
    }
    for (double[] row : referenceRows) {
      for (int f = 0; f < dimension; f++) {
        std[f] += (row[f] - mean[f]) * (row[f] - mean[f]) / referenceRows.length;
      }
    }
    for (int f = 0; f < dimension; f++) {
      std[f] = std[f] > 0 ? Math.sqrt(std[f]) : 1.0; // a constant reference feature: keep its units
    }
    this.reference = standardise(sample(referenceRows, new Random(seed)));
  }

  /**
   * The unbiased MMD²ᵤ of the (capped, standardised) window against the reference sample, with
   * the median-heuristic bandwidth.
   */
  public double statistic(double[][] windowRows) {
    double[][] kernel = kernel(windowSample(windowRows, new Random(seed)));
    return mmd2(kernel, firstRowsAreReference(kernel.length));
  }

  /**
   * Tests window rows (at least 2, each of the reference's length, finite).
   *
   * @return a {@link TestResult#MMD} result: statistic MMD²ᵤ, permutation p-value, threshold alpha,
   *     sample size the window rows used
   */
  public TestResult test(double[][] windowRows) {
    Random random = new Random(seed);
    double[][] window = windowSample(windowRows, random);
    double[][] kernel = kernel(window);
    int total = kernel.length;
    boolean[] isReference = firstRowsAreReference(total);
    double observed = mmd2(kernel, isReference);
    int atLeast = 0;
    int[] order = new int[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    boolean[] permuted = new boolean[total];
    for (int b = 0; b < permutations; b++) {
      for (int i = total - 1; i > 0; i--) { // Fisher–Yates
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int i = 0; i < total; i++) {
        permuted[order[i]] = i < reference.length;
      }
      if (mmd2(kernel, permuted) >= observed) {
        atLeast++;
      }
    }
    double p = (1.0 + atLeast) / (1.0 + permutations);
    boolean drifted = p < alpha;
    return new TestResult(TestResult.MMD, observed, p, alpha, drifted, TestResult.pValueSeverity(p, alpha), window.length);
  }

  /** Unbiased MMD² of two sets of rows as given (no standardising, no cap), bandwidth by the median heuristic. */
  static double unbiasedMmd2(double[][] x, double[][] y) {
    double[][] pooled = new double[x.length + y.length][];
    System.arraycopy(x, 0, pooled, 0, x.length);
    System.arraycopy(y, 0, pooled, x.length, y.length);
    boolean[] isX = new boolean[pooled.length];
    Arrays.fill(isX, 0, x.length, true);
    return mmd2(gaussianKernel(pooled), isX);
  }

  private double[][] windowSample(double[][] windowRows, Random random) {
    if (windowRows == null || windowRows.length < 2) {
      throw new IllegalArgumentException("MMD needs at least 2 window rows");
    }
    requireRows(windowRows, dimension, "window");
    return standardise(sample(windowRows, random));
  }

  private boolean[] firstRowsAreReference(int total) {
    boolean[] isReference = new boolean[total];
    Arrays.fill(isReference, 0, reference.length, true);
    return isReference;
  }

  private double[][] kernel(double[][] window) {
    double[][] pooled = new double[reference.length + window.length][];
    System.arraycopy(reference, 0, pooled, 0, reference.length);
    System.arraycopy(window, 0, pooled, reference.length, window.length);
    return gaussianKernel(pooled);
  }

  /** k(zᵢ, zⱼ) = exp(−‖zᵢ − zⱼ‖² / (2σ²)), σ the median pairwise distance (all ones if it is 0). */
  private static double[][] gaussianKernel(double[][] z) {
    int n = z.length;
    double[][] d2 = new double[n][n];
    double[] upper = new double[n * (n - 1) / 2];
    int u = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double s = 0;
        for (int f = 0; f < z[i].length; f++) {
          double diff = z[i][f] - z[j][f];
          s += diff * diff;
        }
        d2[i][j] = s;
        d2[j][i] = s;
        upper[u++] = s;
      }
    }
    Arrays.sort(upper);
    int h = upper.length / 2;
    // median of distances = sqrt of the median of squared distances (sqrt is monotone)
    double median = upper.length % 2 == 1 ? Math.sqrt(upper[h]) : (Math.sqrt(upper[h - 1]) + Math.sqrt(upper[h])) / 2;
    if (median == 0) { // more than half the pairs coincide: fall back to the mean distance
      double sum = 0;
      for (double s : upper) {
        sum += Math.sqrt(s);
      }
      median = sum / upper.length;
    }
    double[][] k = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        k[i][j] = median == 0 ? 1.0 : Math.exp(-d2[i][j] / (2 * median * median));
      }
    }
    return k;
  }

  /** MMD²ᵤ for the split of the kernel's rows given by {@code isX}. */
  private static double mmd2(double[][] k, boolean[] isX) {
    double xx = 0;
    double yy = 0;
    double xy = 0;
    int m = 0;
    for (boolean b : isX) {
      m += b ? 1 : 0;
    }
    int n = isX.length - m;
    for (int i = 0; i < k.length; i++) {
      double[] row = k[i];
      for (int j = i + 1; j < k.length; j++) {
        if (isX[i] == isX[j]) {
          if (isX[i]) {
            xx += row[j];
          } else {
            yy += row[j];
          }
        } else {
          xy += row[j];
        }
      }
    }
    return 2 * xx / ((double) m * (m - 1)) + 2 * yy / ((double) n * (n - 1)) - 2 * xy / ((double) m * n);
  }

  private double[][] sample(double[][] rows, Random random) {
    if (rows.length <= maxRowsPerSide) {
      return rows;
    }
    int[] index = new int[rows.length];
    for (int i = 0; i < index.length; i++) {
      index[i] = i;
    }
    double[][] chosen = new double[maxRowsPerSide][];
    for (int i = 0; i < maxRowsPerSide; i++) { // partial Fisher–Yates
      int j = i + random.nextInt(rows.length - i);
      int t = index[i];
      index[i] = index[j];
      index[j] = t;
      chosen[i] = rows[index[i]];
    }
    return chosen;
  }

  private double[][] standardise(double[][] rows) {
    double[][] z = new double[rows.length][dimension];
    for (int i = 0; i < rows.length; i++) {
      for (int f = 0; f < dimension; f++) {
        z[i][f] = (rows[i][f] - mean[f]) / std[f];
      }
    }
    return z;
  }

  /** Checks every row has the expected length (or the first row's, when expected is −1) and finite values. */
  private static int requireRows(double[][] rows, int expected, String side) {
    int d = expected;
    for (int i = 0; i < rows.length; i++) {
      double[] row = rows[i];
      if (row == null || row.length == 0) {
        throw new IllegalArgumentException("MMD " + side + " row " + i + " is empty");
      }
      if (d == -1) {
        d = row.length;
      }
      if (row.length != d) {
        throw new IllegalArgumentException("MMD " + side + " row " + i + " has " + row.length + " features, expected " + d);
      }
      for (double v : row) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("MMD " + side + " row " + i + " holds a non-finite value " + v);
        }
      }
    }
    return d;
  }
}
