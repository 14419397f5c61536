package dev.plasticity.streamjobs.drift;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed inputs of src/test/resources/reference/scipy_reference_values.py, computed with the
 * same floating-point operations, so the values that script prints can be asserted here.
 */
final class ScipyReferenceData {
  static final double[] A = {0.3, 1.2, -0.7, 2.5, 0.9, 1.1, -1.4, 0.0, 3.1, 0.6};
  static final double[] B = {1.8, 0.4, 2.9, 1.5, 3.6, 2.2, 0.9, 4.1, 1.1, 2.6, 3.0, 1.9};

  private ScipyReferenceData() {}

  /** Quantiles q(k/100) = 4 (k/100)², k = 0..100 (Q101 in the script). */
  static List<Double> q101() {
    List<Double> q = new ArrayList<>();
    for (int k = 0; k <= 100; k++) {
      double p = k / 100.0;
      q.add(4.0 * p * p);
    }
    return q;
  }

  /** The reference of Q101, said to come from {@code count} training values. */
  static ReferenceDistribution q101Reference(long count) {
    return new ReferenceDistribution(q101(), count);
  }

  /** W in the script: 4 · frac(0.6180339887 j)² · 1.1 for j = 1..200. */
  static double[] window() {
    double[] w = new double[200];
    for (int j = 1; j <= 200; j++) {
      double f = (j * 0.6180339887) % 1.0;
      w[j - 1] = 4.0 * f * f * 1.1;
    }
    return w;
  }

  /** R in the script: 4 ((i + 0.5) / 1000)² for i = 0..999, a sample of the Q101 distribution. */
  static double[] referenceSample() {
    double[] r = new double[1000];
    for (int i = 0; i < 1000; i++) {
      double p = (i + 0.5) / 1000.0;
      r[i] = 4.0 * p * p;
    }
    return r;
  }
}
