package dev.plasticity.streamjobs.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One labelled event as the drift monitor sees it: its numeric feature values in the order of a
 * shared {@link FeatureNames} layout, and its categorical features.
 *
 * @param names the layout of {@code values}
 * @param values the feature values, {@code values[i]} being feature {@code names.name(i)}; not
 *     copied, and not to be changed afterwards
 * @param label the true class index
 * @param prediction the class a served model predicted, or null
 * @param predictionVersion the version of the model that predicted it, or null
 * @param categorical the categorical features by name; not copied, and not to be changed afterwards
 */
public record Observation(FeatureNames names, double[] values, int label, Integer prediction, Integer predictionVersion,
    Map<String, String> categorical) {
  public Observation {
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(categorical, "categorical");
    if (values.length != names.size()) {
      throw new IllegalArgumentException(values.length + " values for " + names.size() + " feature names");
    }
    if (label < 0) {
      throw new IllegalArgumentException("label must be a class index >= 0, got " + label);
    }
  }

  /** An observation without categorical features. */
  public Observation(FeatureNames names, double[] values, int label, Integer prediction, Integer predictionVersion) {
    this(names, values, label, prediction, predictionVersion, Map.of());
  }

  /** An observation of features given by name (their order does not matter). */
  public Observation(Map<String, Double> features, int label, Integer prediction, Integer predictionVersion) {
    this(features, Map.of(), label, prediction, predictionVersion);
  }

  /** An observation of numeric and categorical features given by name. */
  public Observation(Map<String, Double> features, Map<String, String> categorical, int label, Integer prediction,
      Integer predictionVersion) {
    this(layoutOf(features), valuesOf(features), label, prediction, predictionVersion, categorical);
  }

  private static FeatureNames layoutOf(Map<String, Double> features) {
    return FeatureNames.of(new ArrayList<>(new java.util.TreeMap<>(features).keySet()));
  }

  private static double[] valuesOf(Map<String, Double> features) {
    List<Double> ordered = new ArrayList<>(new java.util.TreeMap<>(features).values());
    double[] values = new double[ordered.size()];
    for (int i = 0; i < values.length; i++) {
      Double v = ordered.get(i);
      values[i] = v == null ? Double.NaN : v;
    }
    return values;
  }

  /** The value of feature {@code name}, or NaN when this event lacks it. */
  public double feature(String name) {
    int i = names.indexOf(name);
    return i < 0 ? Double.NaN : values[i];
  }

  /** Whether {@code version} predicted this event. */
  boolean predictedBy(int version) {
    return prediction != null && predictionVersion != null && predictionVersion == version;
  }

  /** Whether the prediction was wrong; only meaningful when a prediction exists. */
  boolean misclassified() {
    return prediction != null && prediction != label;
  }
}
