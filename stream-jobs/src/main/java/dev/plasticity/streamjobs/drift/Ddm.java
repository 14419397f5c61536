package dev.plasticity.streamjobs.drift;

/**
 * DDM, the drift detection method of Gama, Medas, Castillo &amp; Rodrigues (2004), "Learning with
 * drift detection", SBIA 2004, LNCS 3171. It reads a binary error stream (1 = the model erred),
 * models the error count as binomial with running rate pᵢ and standard deviation
 * sᵢ = √(pᵢ(1 − pᵢ)/i), remembers the point where pᵢ + sᵢ was lowest (p_min, s_min), and
 * signals
 *
 * <ul>
 *   <li>a warning when pᵢ + sᵢ &gt; p_min + {@code warningLevel}·s_min, and
 *   <li>a drift when pᵢ + sᵢ &gt; p_min + {@code outControlLevel}·s_min.
 * </ul>
 *
 * <p>Conventions follow MOA's {@code DDM}: the minimum is tracked from the
 * ({@code minNumInstances} − 1)-th value after a reset and drifts are detected from the
 * {@code minNumInstances}-th on. The detector resets itself after each drift and starts afresh
 * with the next value.
 *
 * <p>Example, a model whose error rate rises from 0.1 to 0.5 at index 1000:
 *
 * <pre>{@code
 * Random random = new Random(42);
 * Ddm ddm = new Ddm();
 * List<Integer> drifts = new ArrayList<>();
 * for (int i = 0; i < 2000; i++) {
 *   ddm.update(random.nextDouble() < (i < 1000 ? 0.1 : 0.5) ? 1 : 0);
 *   if (ddm.driftDetected()) {
 *     drifts.add(i);
 *   }
 * }
 * // drifts: [72, 1034]
 * }</pre>
 *
 * <p>The drift at 72 is a false alarm: DDM takes its minimum from the 29th value on, and this
 * stream happens to have 1 error in its first 29 values, so the minimum underestimates the rate.
 * MOA's {@code DDM} detects at the same indices.
 *
 * <p>Not thread-safe.
 */
public final class Ddm implements WarningDetector {
  private static final long serialVersionUID = 1L;

  /** Default number of values since a reset before a drift may be detected. */
  public static final int DEFAULT_MIN_NUM_INSTANCES = 30;
  /** Default warning level, in standard deviations above the minimum. */
  public static final double DEFAULT_WARNING_LEVEL = 2.0;
  /** Default drift ("out of control") level, in standard deviations above the minimum. */
  public static final double DEFAULT_OUT_CONTROL_LEVEL = 3.0;

  private final int minNumInstances;
  private final double warningLevel;
  private final double outControlLevel;

  private int n;
  private double errorRate;
  private double minRate;
  private double minDeviation;
  private double minRatePlusDeviation;
  private boolean drift;
  private boolean warning;

  /** DDM with MOA's defaults: 30 instances, warning at 2, drift at 3 standard deviations. */
  public Ddm() {
    this(DEFAULT_MIN_NUM_INSTANCES, DEFAULT_WARNING_LEVEL, DEFAULT_OUT_CONTROL_LEVEL);
  }

  /**
   * @param minNumInstances values since a reset before a drift may be detected (≥ 1)
   * @param warningLevel warning level in standard deviations, &gt; 0
   * @param outControlLevel drift level in standard deviations, ≥ {@code warningLevel}
   */
  public Ddm(int minNumInstances, double warningLevel, double outControlLevel) {
    if (minNumInstances < 1) {
      throw new IllegalArgumentException("DDM minNumInstances must be >= 1, got " + minNumInstances);
    }
    if (!(warningLevel > 0 && warningLevel < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "DDM warningLevel must be finite and > 0, got " + warningLevel);
    }
    if (!(outControlLevel >= warningLevel && outControlLevel < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "DDM outControlLevel must be finite and >= warningLevel ("
              + warningLevel
              + "), got "
              + outControlLevel);
    }
    this.minNumInstances = minNumInstances;
    this.warningLevel = warningLevel;
    this.outControlLevel = outControlLevel;
    reset();
  }

  /**
   * @param value 1 if the model erred on this event, 0 if it was right
   * @throws IllegalArgumentException if the value is neither 0 nor 1
   */
  @Override
  public void update(double value) {
    if (value != 0 && value != 1) {
      throw new IllegalArgumentException(
          "DDM reads a binary error stream: values must be 0 or 1, got " + value);
    }
    n++;
    errorRate = errorRate + (value - errorRate) / n;
    double deviation = Math.sqrt(errorRate * (1 - errorRate) / n);
    drift = false;
    warning = false;
    if (n + 1 < minNumInstances) {
      return;
    }
    double level = errorRate + deviation;
    if (level <= minRatePlusDeviation) {
      minRate = errorRate;
      minDeviation = deviation;
      minRatePlusDeviation = level;
    }
    if (n + 1 > minNumInstances && level > minRate + outControlLevel * minDeviation) {
      drift = true;
      reset();
    } else {
      warning = level > minRate + warningLevel * minDeviation;
    }
  }

  @Override
  public boolean driftDetected() {
    return drift;
  }

  @Override
  public boolean warningDetected() {
    return warning;
  }

  private void reset() {
    n = 0;
    errorRate = 0;
    minRate = Double.MAX_VALUE;
    minDeviation = Double.MAX_VALUE;
    minRatePlusDeviation = Double.MAX_VALUE;
  }
}
