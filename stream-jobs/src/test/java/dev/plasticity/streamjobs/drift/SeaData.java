package dev.plasticity.streamjobs.drift;

import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.ReferenceStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SEA-like data (Street &amp; Kim 2001): three features uniform on [0, 10], label 1 when
 * x1 + x2 ≤ threshold (7 before the drift, 9.5 after), 5% of labels flipped. The served model of
 * version 1 predicts the old concept, so it errs only on the flipped labels until the concept moves.
 */
public final class SeaData {
  public static final String[] FEATURES = {"x1", "x2", "x3"};
  public static final double OLD_THRESHOLD = 7.0;
  public static final double NEW_THRESHOLD = 9.5;
  public static final double NOISE = 0.05;

  private SeaData() {}

  /** One generated point. */
  public record Point(double[] x, int label, int prediction) {
    public Map<String, Double> features() {
      return Map.of("x1", x[0], "x2", x[1], "x3", x[2]);
    }

    public Observation observation(Integer version) {
      return new Observation(features(), label, version == null ? null : prediction, version);
    }
  }

  /** The old-concept model's answer. */
  public static int oldConcept(double[] x) {
    return x[0] + x[1] <= OLD_THRESHOLD ? 1 : 0;
  }

  private static Point point(double[] x, double threshold, Random noise) {
    int label = x[0] + x[1] <= threshold ? 1 : 0;
    if (noise.nextDouble() < NOISE) {
      label = 1 - label;
    }
    return new Point(x, label, oldConcept(x));
  }

  /** n i.i.d. points from a seeded generator; {@code shiftX3} moves the irrelevant feature x3. */
  public static List<Point> iid(long seed, int n, double threshold, double shiftX3) {
    Random random = new Random(seed);
    List<Point> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] x = {10 * random.nextDouble(), 10 * random.nextDouble(), 10 * random.nextDouble() + shiftX3};
      points.add(point(x, threshold, random));
    }
    return points;
  }

  /**
   * n points whose features follow Roberts' R₃ low-discrepancy sequence (additive recurrence with
   * the generalized golden ratio φ₃, x⁴ = x + 1): any run of consecutive points covers [0, 10]³
   * almost evenly, so a window of it never shows a covariate shift by chance. Labels use a seeded
   * noise generator; from point {@code driftAt} on the concept is the new threshold.
   */
  public static List<Point> lowDiscrepancy(long seed, int n, int driftAt) {
    double phi = 1.2207440846057596;
    double[] alpha = {1 / phi, 1 / (phi * phi), 1 / (phi * phi * phi)};
    Random noise = new Random(seed);
    List<Point> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] x = new double[3];
      for (int d = 0; d < 3; d++) {
        double v = 0.5 + alpha[d] * (i + 1);
        x[d] = 10 * (v - Math.floor(v));
      }
      points.add(point(x, i >= driftAt ? NEW_THRESHOLD : OLD_THRESHOLD, noise));
    }
    return points;
  }

  /** Quantile at probability q by linear interpolation between order statistics (numpy's default). */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    if (lower >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    return sorted[lower] + (position - lower) * (sorted[lower + 1] - sorted[lower]);
  }

  /** Reference statistics computed exactly from {@code training}, error rate from {@code heldOut}. */
  public static ReferenceStatistics reference(List<Point> training, List<Point> heldOut) {
    List<FeatureReference> features = new ArrayList<>();
    for (int d = 0; d < FEATURES.length; d++) {
      final int dim = d;
      double[] values = training.stream().mapToDouble(p -> p.x()[dim]).sorted().toArray();
      double mean = Arrays.stream(values).average().orElseThrow();
      double std = Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (values.length - 1));
      List<Double> quantiles = new ArrayList<>();
      for (int k = 0; k <= 100; k++) {
        quantiles.add(quantile(values, k / 100.0));
      }
      features.add(new FeatureReference(FEATURES[d], (long) values.length, mean, std, values[0], values[values.length - 1], quantiles));
    }
    double ones = training.stream().filter(p -> p.label() == 1).count() / (double) training.size();
    double errors = heldOut.stream().filter(p -> p.label() != p.prediction()).count() / (double) heldOut.size();
    List<List<Double>> sample = training.stream().limit(250)
        .map(p -> Arrays.stream(p.x()).boxed().toList()).toList();
    return new ReferenceStatistics((long) training.size(), features, List.of(1 - ones, ones), errors, (long) heldOut.size(), sample,
        List.of());
  }

  /** Reference statistics of 5000 training and 2000 held-out points of the old concept. */
  public static ReferenceStatistics oldConceptReference() {
    return reference(iid(11, 5000, OLD_THRESHOLD, 0), iid(12, 2000, OLD_THRESHOLD, 0));
  }

  /** Observations of points, each predicted by {@code version} (null: no predictions). */
  public static List<Observation> observations(List<Point> points, Integer version) {
    return points.stream().map(p -> p.observation(version)).toList();
  }
}
