package dev.plasticity.streamjobs.drift;

/**
 * Page–Hinkley test for a rise in the mean of a stream (Page 1954, "Continuous inspection
 * schemes", Biometrika 41(1/2)), in the fading form of MOA's {@code PageHinkleyDM}: with x̄ the
 * running mean since the last reset, the statistic is Sₜ = α·Sₜ₋₁ + (xₜ − x̄ₜ − δ), and a drift is
 * detected when Sₜ &gt; λ. Only rises are detected, which on a stream of errors or losses are the
 * changes that matter.
 *
 * <p>As in MOA, a drift can be detected from the ({@code minNumInstances} − 1)-th value after a
 * reset on; the detector resets itself after each drift and starts afresh with the next value.
 *
 * <p>Example, a Gaussian stream whose mean rises by 1 at index 1000:
 *
 * <pre>{@code
 * Random random = new Random(42);
 * PageHinkley pageHinkley = new PageHinkley();
 * List<Integer> drifts = new ArrayList<>();
 * for (int i = 0; i < 2000; i++) {
 *   pageHinkley.update(random.nextGaussian() + (i < 1000 ? 0 : 1));
 *   if (pageHinkley.driftDetected()) {
 *     drifts.add(i);
 *   }
 * }
 * // drifts: [1080]
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class PageHinkley implements ChangeDetector {
  private static final long serialVersionUID = 1L;

  /** Default minimum number of values since a reset before a drift may be detected. */
  public static final int DEFAULT_MIN_NUM_INSTANCES = 30;
  /** Default magnitude of change tolerated: subtracted from each deviation. */
  public static final double DEFAULT_DELTA = 0.005;
  /** Default detection threshold. */
  public static final double DEFAULT_LAMBDA = 50;
  /** Default fading factor of the cumulative statistic. */
  public static final double DEFAULT_ALPHA = 1 - 0.0001;

  private final int minNumInstances;
  private final double delta;
  private final double lambda;
  private final double alpha;

  private int n;
  private double mean;
  private double sum;
  private boolean drift;

  /** Page–Hinkley with MOA's defaults: 30 instances, δ = 0.005, λ = 50, α = 0.9999. */
  public PageHinkley() {
    this(DEFAULT_MIN_NUM_INSTANCES, DEFAULT_DELTA, DEFAULT_LAMBDA, DEFAULT_ALPHA);
  }

  /**
   * @param minNumInstances values needed since a reset before a drift may be detected (≥ 0;
   *     MOA's convention: detection from the ({@code minNumInstances} − 1)-th value on)
   * @param delta magnitude of change tolerated, ≥ 0
   * @param lambda detection threshold, &gt; 0
   * @param alpha fading factor of the statistic, in (0, 1]; 1 is the classical test
   */
  public PageHinkley(int minNumInstances, double delta, double lambda, double alpha) {
    if (minNumInstances < 0) {
      throw new IllegalArgumentException(
          "Page-Hinkley minNumInstances must be >= 0, got " + minNumInstances);
    }
    if (!(delta >= 0 && delta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("Page-Hinkley delta must be finite and >= 0, got " + delta);
    }
    if (!(lambda > 0 && lambda < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("Page-Hinkley lambda must be finite and > 0, got " + lambda);
    }
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("Page-Hinkley alpha must be in (0, 1], got " + alpha);
    }
    this.minNumInstances = minNumInstances;
    this.delta = delta;
    this.lambda = lambda;
    this.alpha = alpha;
  }

  @Override
  public void update(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("Page-Hinkley needs finite values, got " + value);
    }
    n++;
    mean = mean + (value - mean) / n;
    sum = alpha * sum + (value - mean - delta);
    drift = n + 1 >= minNumInstances && sum > lambda;
    if (drift) {
      n = 0;
      mean = 0;
      sum = 0;
    }
  }

  @Override
  public boolean driftDetected() {
    return drift;
  }
}
