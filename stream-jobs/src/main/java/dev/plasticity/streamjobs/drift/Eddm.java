package dev.plasticity.streamjobs.drift;

/**
 * EDDM, the early drift detection method of Baena-García, del Campo-Ávila, Fidalgo, Bifet,
 * Gavaldà &amp; Morales-Bueno (2006), "Early drift detection method", 4th International Workshop
 * on Knowledge Discovery from Data Streams (IWKDDS). It reads a binary error stream (1 = the
 * model erred) and tracks the distance between consecutive errors: its mean p′ and standard
 * deviation s′. With (p′ + 2s′)_max the largest value seen, it signals
 *
 * <ul>
 *   <li>a warning when (p′ + 2s′)/(p′ + 2s′)_max &lt; {@code warningLevel} (0.95), and
 *   <li>a drift when (p′ + 2s′)/(p′ + 2s′)_max &lt; {@code outControlLevel} (0.9),
 * </ul>
 *
 * <p>both only after more than {@code minNumInstances} values and more than
 * {@code minNumErrors} errors since a reset (MOA's {@code EDDM} constants: 30 and 30). As in
 * MOA, the test runs on errors only, so the warning flag keeps its value across correct
 * predictions. The detector resets itself after each drift and starts afresh with the next
 * value. Because it waits for 30 errors, it reacts slowly to changes from a very low error rate.
 *
 * <p>Example, a model whose error rate rises from 0.1 to 0.5 at index 1000:
 *
 * <pre>{@code
 * Random random = new Random(42);
 * Eddm eddm = new Eddm();
 * List<Integer> drifts = new ArrayList<>();
 * for (int i = 0; i < 2000; i++) {
 *   eddm.update(random.nextDouble() < (i < 1000 ? 0.1 : 0.5) ? 1 : 0);
 *   if (eddm.driftDetected()) {
 *     drifts.add(i);
 *   }
 * }
 * // drifts: [418, 854, 1036, 1094, 1173, 1236, 1306]
 * }</pre>
 *
 * <p>EDDM also alarms twice before the change (418, 854) and several times after the first
 * detection: it restarts after each drift and needs only 30 errors to alarm again. MOA's
 * {@code EDDM} detects at the same indices.
 *
 * <p>Not thread-safe.
 */
public final class Eddm implements WarningDetector {
  private static final long serialVersionUID = 1L;

  /** Default warning level: ratio to the maximum of p′ + 2s′ below which a warning is raised. */
  public static final double DEFAULT_WARNING_LEVEL = 0.95;
  /** Default drift level: ratio to the maximum of p′ + 2s′ below which a drift is detected. */
  public static final double DEFAULT_OUT_CONTROL_LEVEL = 0.9;
  /** Default number of values a drift or warning needs to exceed since a reset. */
  public static final int DEFAULT_MIN_NUM_INSTANCES = 30;
  /** Default number of errors a drift or warning needs to exceed since a reset. */
  public static final int DEFAULT_MIN_NUM_ERRORS = 30;

  private final double warningLevel;
  private final double outControlLevel;
  private final int minNumInstances;
  private final int minNumErrors;

  private int n;
  private int errors;
  private int lastErrorAt;
  private double meanDistance;
  private double squaredDeviations;
  private double maxMeanPlusTwoStd;
  private boolean drift;
  private boolean warning;

  /** EDDM with MOA's constants: warning at 0.95, drift at 0.9, after 30 values and 30 errors. */
  public Eddm() {
    this(
        DEFAULT_WARNING_LEVEL,
        DEFAULT_OUT_CONTROL_LEVEL,
        DEFAULT_MIN_NUM_INSTANCES,
        DEFAULT_MIN_NUM_ERRORS);
  }

  /**
   * @param warningLevel warning ratio, in (0, 1]
   * @param outControlLevel drift ratio, in (0, {@code warningLevel}]
   * @param minNumInstances a drift needs more values than this since a reset (≥ 0)
   * @param minNumErrors a drift needs more errors than this since a reset (≥ 0)
   */
  public Eddm(double warningLevel, double outControlLevel, int minNumInstances, int minNumErrors) {
    if (!(warningLevel > 0 && warningLevel <= 1)) {
      throw new IllegalArgumentException("EDDM warningLevel must be in (0, 1], got " + warningLevel);
    }
    if (!(outControlLevel > 0 && outControlLevel <= warningLevel)) {
      throw new IllegalArgumentException(
          "EDDM outControlLevel must be in (0, warningLevel = "
              + warningLevel
              + "], got "
              + outControlLevel);
    }
    if (minNumInstances < 0) {
      throw new IllegalArgumentException(
          "EDDM minNumInstances must be >= 0, got " + minNumInstances);
    }
    if (minNumErrors < 0) {
      throw new IllegalArgumentException("EDDM minNumErrors must be >= 0, got " + minNumErrors);
    }
    this.warningLevel = warningLevel;
    this.outControlLevel = outControlLevel;
    this.minNumInstances = minNumInstances;
    this.minNumErrors = minNumErrors;
  }

  /**
   * @param value 1 if the model erred on this event, 0 if it was right
   * @throws IllegalArgumentException if the value is neither 0 nor 1
   */
  @Override
  public void update(double value) {
    if (value != 0 && value != 1) {
      throw new IllegalArgumentException(
          "EDDM reads a binary error stream: values must be 0 or 1, got " + value);
    }
    n++;
    drift = false;
    if (value == 0) {
      return;
    }
    warning = false;
    errors++;
    int distance = n - lastErrorAt;
    lastErrorAt = n;
    double previousMean = meanDistance;
    meanDistance = meanDistance + (distance - meanDistance) / errors;
    squaredDeviations = squaredDeviations + (distance - meanDistance) * (distance - previousMean);
    double meanPlusTwoStd = meanDistance + 2 * Math.sqrt(squaredDeviations / errors);
    boolean tested = n + 1 > minNumInstances;
    if (meanPlusTwoStd > maxMeanPlusTwoStd) {
      if (tested) {
        maxMeanPlusTwoStd = meanPlusTwoStd;
      }
      return;
    }
    double ratio = meanPlusTwoStd / maxMeanPlusTwoStd;
    if (tested && errors > minNumErrors && ratio < outControlLevel) {
      drift = true;
      n = 0;
      errors = 0;
      lastErrorAt = 0;
      meanDistance = 0;
      squaredDeviations = 0;
      maxMeanPlusTwoStd = 0;
    } else {
      warning = tested && errors > minNumErrors && ratio < warningLevel;
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
}
