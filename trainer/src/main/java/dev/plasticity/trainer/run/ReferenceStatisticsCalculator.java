package dev.plasticity.trainer.run;

import dev.plasticity.schemas.CategoryReference;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ReferenceStatistics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
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

  /** Values of a categorical feature the reference lists; rarer ones are counted together. */
  static final int MAX_CATEGORY_VALUES = 1_000;

  static ReferenceStatistics compute(
      List<String> features, List<LabelledEvent> events, int numClasses, double errorRate, long errorSamples) {
    return compute(features, List.of(), events, numClasses, errorRate, errorSamples);
  }

  /**
   * The reference statistics of {@code events}: per numeric feature its moments and quantiles, per
   * categorical feature of {@code categorical} its value counts ({@link #categories}), the label
   * shares, the error and a sample of rows.
   */
  static ReferenceStatistics compute(List<String> features, List<String> categorical, List<LabelledEvent> events,
      int numClasses, double errorRate, long errorSamples) {
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
        .setCategories(categorical.stream().map(name -> categories(name, events)).toList())
        .build();
  }

  /**
   * How often each value of categorical feature {@code name} occurs in {@code events} (events
   * without it are not counted): the {@link #MAX_CATEGORY_VALUES} most frequent, most frequent
   * first (ties in string order), and the rest together as {@code otherCount}.
   */
  static CategoryReference categories(String name, List<LabelledEvent> events) {
    Map<String, Long> counts = new HashMap<>();
    for (LabelledEvent e : events) {
      String value = e.getCategorical().get(name);
      if (value != null) {
        counts.merge(value, 1L, Long::sum);
      }
    }
    List<Map.Entry<String, Long>> ordered = counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .toList();
    List<Map.Entry<String, Long>> listed = ordered.subList(0, Math.min(MAX_CATEGORY_VALUES, ordered.size()));
    long other = ordered.subList(listed.size(), ordered.size()).stream().mapToLong(Map.Entry::getValue).sum();
    return CategoryReference.newBuilder().setName(name)
        .setValues(new ArrayList<>(listed.stream().map(Map.Entry::getKey).toList()))
        .setCounts(new ArrayList<>(listed.stream().map(Map.Entry::getValue).toList()))
        .setOtherCount(other).build();
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
