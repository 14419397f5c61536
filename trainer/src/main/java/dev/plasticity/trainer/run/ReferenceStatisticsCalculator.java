package dev.plasticity.trainer.run;

import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ReferenceStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Summarises the data a version was trained on into the {@link ReferenceStatistics} the drift job
 * compares live windows against: per feature count, mean, standard deviation, range and 101 evenly
 * spaced quantiles (linear interpolation between order statistics, as numpy's default); the label
 * shares; and the model's held-out error rate.
 */
final class ReferenceStatisticsCalculator {
  static final int QUANTILES = 101;

  private ReferenceStatisticsCalculator() {}

  /** Training rows kept in the reference for the MMD test (its default sample per side). */
  static final int SAMPLE_ROWS = 250;

  static ReferenceStatistics compute(
      List<String> features, List<LabelledEvent> events, int numClasses, double errorRate, long errorSamples) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("reference statistics need at least one event");
    }
    List<FeatureReference> refs = new ArrayList<>();
    for (String feature : features) {
      double[] values = events.stream().mapToDouble(e -> e.getFeatures().get(feature)).toArray();
      refs.add(feature(feature, values));
    }
    double[] labelCounts = new double[numClasses];
    for (LabelledEvent e : events) {
      labelCounts[e.getLabel()]++;
    }
    List<Double> shares = new ArrayList<>();
    for (double c : labelCounts) {
      shares.add(c / events.size());
    }
    return ReferenceStatistics.newBuilder()
        .setSampleCount(events.size())
        .setFeatures(refs)
        .setLabelDistribution(shares)
        .setErrorRate(errorRate)
        .setErrorSampleCount(errorSamples)
        .setSampleRows(sampleRows(features, events))
        .build();
  }

  /** Up to {@link #SAMPLE_ROWS} rows spread evenly over the events, for multivariate drift tests. */
  static List<List<Double>> sampleRows(List<String> features, List<LabelledEvent> events) {
    int step = Math.max(1, events.size() / SAMPLE_ROWS);
    List<List<Double>> rows = new ArrayList<>();
    for (int i = 0; i < events.size() && rows.size() < SAMPLE_ROWS; i += step) {
      LabelledEvent e = events.get(i);
      rows.add(features.stream().map(f -> e.getFeatures().get(f)).toList());
    }
    return rows;
  }

  static FeatureReference feature(String name, double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElse(0);
    double variance = 0;
    for (double v : sorted) {
      variance += (v - mean) * (v - mean);
    }
    double std = sorted.length > 1 ? Math.sqrt(variance / (sorted.length - 1)) : 0;
    List<Double> quantiles = new ArrayList<>(QUANTILES);
    for (int k = 0; k < QUANTILES; k++) {
      quantiles.add(quantile(sorted, k / (double) (QUANTILES - 1)));
    }
    return new FeatureReference(name, (long) sorted.length, mean, std, sorted[0], sorted[sorted.length - 1], quantiles);
  }

  /** Quantile q of sorted values, interpolating linearly between neighbouring order statistics. */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = Math.min(lower + 1, sorted.length - 1);
    double fraction = position - lower;
    return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
  }
}
