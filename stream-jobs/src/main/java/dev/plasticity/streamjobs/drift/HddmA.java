package dev.plasticity.streamjobs.drift;

/**
 * HDDM-A, the drift detection method based on Hoeffding's bound on moving averages, "A-test" of
 * Frías-Blanco, del Campo-Ávila, Ramos-Jiménez, Morales-Bueno, Ortiz-Díaz &amp; Caballero-Mota
 * (2015), "Online and non-parametric drift detection methods based on Hoeffding's bounds", IEEE
 * TKDE 27(3). Values must lie in [0, 1] (errors, or losses scaled to that range).
 *
 * <p>It keeps the mean of all values since the last reset and the cut point where the mean plus
 * its Hoeffding bound was lowest, and signals a drift when the values after that cut point have a
 * mean higher than those before it at confidence {@code driftConfidence}, a warning at
 * {@code warningConfidence}. Only increases are signalled. With {@code resetOnDecrease} (MOA's
 * default for {@code HDDM_A_Test}, which it labels "Two-sided") a significant decrease silently
 * restarts the statistics, so that a later rise is measured from the improved level; without
 * it (MOA's "One-sided") decreases are ignored. The detector resets itself after each drift and
 * starts afresh with the next value.
 *
 * <p>Example, a model whose error rate rises from 0.1 to 0.5 at index 1000:
 *
 * <pre>{@code
 * Random random = new Random(42);
 * HddmA hddm = new HddmA();
 * List<Integer> drifts = new ArrayList<>();
 * for (int i = 0; i < 2000; i++) {
 *   hddm.update(random.nextDouble() < (i < 1000 ? 0.1 : 0.5) ? 1 : 0);
 *   if (hddm.driftDetected()) {
 *     drifts.add(i);
 *   }
 * }
 * // drifts: [1034]
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class HddmA implements WarningDetector {
  private static final long serialVersionUID = 1L;

  /** Default confidence (significance) of the drift test. */
  public static final double DEFAULT_DRIFT_CONFIDENCE = 0.001;
  /** Default confidence (significance) of the warning test. */
  public static final double DEFAULT_WARNING_CONFIDENCE = 0.005;

  private final boolean resetOnDecrease;
  /** ln(1/driftConfidence), for the bounds that choose the cut points. */
  private final double cutLog;
  /** ln(2/driftConfidence) and ln(2/warningConfidence), for the tests. */
  private final double driftLog;
  private final double warningLog;

  private int n;
  private double sum;
  private int nAtMin;
  private double sumAtMin;
  private int nAtMax;
  private double sumAtMax;
  private boolean drift;
  private boolean warning;

  /** HDDM-A with MOA's defaults: drift at 0.001, warning at 0.005, reset on decrease. */
  public HddmA() {
    this(DEFAULT_DRIFT_CONFIDENCE, DEFAULT_WARNING_CONFIDENCE, true);
  }

  /**
   * @param driftConfidence significance of the drift test, in (0, 1)
   * @param warningConfidence significance of the warning test, in [{@code driftConfidence}, 1)
   * @param resetOnDecrease whether a significant decrease restarts the statistics (MOA's
   *     default, "Two-sided") or is ignored ("One-sided")
   */
  public HddmA(double driftConfidence, double warningConfidence, boolean resetOnDecrease) {
    if (!(driftConfidence > 0 && driftConfidence < 1)) {
      throw new IllegalArgumentException(
          "HDDM-A driftConfidence must be in (0, 1), got " + driftConfidence);
    }
    if (!(warningConfidence >= driftConfidence && warningConfidence < 1)) {
      throw new IllegalArgumentException(
          "HDDM-A warningConfidence must be in [driftConfidence = "
              + driftConfidence
              + ", 1), got "
              + warningConfidence);
    }
    this.resetOnDecrease = resetOnDecrease;
    this.cutLog = Math.log(1.0 / driftConfidence);
    this.driftLog = Math.log(2.0 / driftConfidence);
    this.warningLog = Math.log(2.0 / warningConfidence);
  }

  /**
   * @param value the next error or loss, in [0, 1]
   * @throws IllegalArgumentException if the value is outside [0, 1]
   */
  @Override
  public void update(double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          "HDDM-A needs values in [0, 1] (Hoeffding's bound assumes that range), got " + value);
    }
    n++;
    sum += value;
    if (nAtMin == 0) {
      nAtMin = n;
      sumAtMin = sum;
    }
    if (nAtMax == 0) {
      nAtMax = n;
      sumAtMax = sum;
    }
    double mean = sum / n;
    double bound = Math.sqrt(1.0 / (2 * n) * cutLog);
    if (sumAtMin / nAtMin + Math.sqrt(1.0 / (2 * nAtMin) * cutLog) >= mean + bound) {
      nAtMin = n;
      sumAtMin = sum;
    }
    if (sumAtMax / nAtMax - Math.sqrt(1.0 / (2 * nAtMax) * cutLog) <= mean - bound) {
      nAtMax = n;
      sumAtMax = sum;
    }
    if (rose(driftLog)) {
      drift = true;
      warning = false;
      restart();
    } else {
      drift = false;
      warning = rose(warningLog);
      if (resetOnDecrease && fell()) {
        restart();
      }
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

  /** Whether the mean since the min cut point exceeds the mean before it, at ln(2/confidence). */
  private boolean rose(double log) {
    if (nAtMin == n) {
      return false;
    }
    double m = (double) (n - nAtMin) / nAtMin * (1.0 / n);
    return sum / n - sumAtMin / nAtMin >= Math.sqrt(m / 2 * log);
  }

  /** Whether the mean since the max cut point is below the mean before it, at drift confidence. */
  private boolean fell() {
    if (nAtMax == n) {
      return false;
    }
    double m = (double) (n - nAtMax) / nAtMax * (1.0 / n);
    return sumAtMax / nAtMax - sum / n >= Math.sqrt(m / 2 * driftLog);
  }

  private void restart() {
    n = 0;
    sum = 0;
    nAtMin = 0;
    sumAtMin = 0;
    nAtMax = 0;
    sumAtMax = 0;
  }
}
