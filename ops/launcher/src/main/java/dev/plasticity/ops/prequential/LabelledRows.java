package dev.plasticity.ops.prequential;

import dev.plasticity.generators.BenchmarkStream;
import dev.plasticity.generators.Drift;
import dev.plasticity.generators.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rows of one stream, in order, held in memory so that the loop and every baseline see the same rows in the same
 * order.
 *
 * @param name the stream's name (a generator's, or the file's)
 * @param featureNames the numeric features, in the order of each row's values
 * @param classNames the label of each class index, e.g. {@code "0"} or {@code "UP"}
 * @param features one array per row, in {@code featureNames}' order
 * @param labels the class index of each row
 * @param driftRows the 0-based row indices where a known drift is centred; empty when the drift has no position or is
 *     unknown
 * @param skipped rows of the source that were left out, with why
 */
public record LabelledRows(String name, List<String> featureNames, List<String> classNames, List<double[]> features,
    int[] labels, List<Long> driftRows, List<SkippedRow> skipped) {

  /** A source row left out: its line in the file, and why. */
  public record SkippedRow(long line, String reason) {}

  public LabelledRows {
    Objects.requireNonNull(name, "name");
    featureNames = List.copyOf(featureNames);
    classNames = List.copyOf(classNames);
    features = List.copyOf(features);
    driftRows = List.copyOf(driftRows);
    skipped = List.copyOf(skipped);
    if (featureNames.isEmpty()) {
      throw new IllegalArgumentException("stream " + name + " has no numeric feature");
    }
    if (classNames.size() < 2) {
      throw new IllegalArgumentException("stream " + name + " needs at least two classes, has " + classNames);
    }
    if (features.size() != labels.length) {
      throw new IllegalArgumentException(features.size() + " feature rows but " + labels.length + " labels");
    }
    for (int label : labels) {
      if (label < 0 || label >= classNames.size()) {
        throw new IllegalArgumentException("label " + label + " is outside the classes " + classNames);
      }
    }
  }

  /** The first {@code rows} instances of {@code stream}, which it advances. */
  public static LabelledRows of(BenchmarkStream stream, int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("draw at least one row, was " + rows);
    }
    List<double[]> features = new ArrayList<>(rows);
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      Instance instance = stream.stream().next();
      features.add(instance.features());
      labels[i] = instance.label();
    }
    List<String> classes = new ArrayList<>();
    for (int k = 0; k < stream.stream().numClasses(); k++) {
      classes.add(Integer.toString(k));
    }
    List<Long> drifts = stream.drifts().stream().map(Drift::position).map(p -> p - 1).filter(p -> p < rows).toList();
    return new LabelledRows(stream.name(), stream.stream().featureNames(), classes, features, labels, drifts, List.of());
  }

  /** The first {@code rows} rows (all of them when there are fewer), with the drifts among them. */
  public LabelledRows head(int rows) {
    if (rows >= size()) {
      return this;
    }
    return new LabelledRows(name, featureNames, classNames, features.subList(0, rows),
        java.util.Arrays.copyOf(labels, rows), driftRows.stream().filter(d -> d < rows).toList(), skipped);
  }

  public int size() {
    return labels.length;
  }

  public int numClasses() {
    return classNames.size();
  }
}
