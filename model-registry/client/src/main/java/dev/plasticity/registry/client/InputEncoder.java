package dev.plasticity.registry.client;

import dev.plasticity.schemas.Architecture;
import java.util.List;
import java.util.Map;

/**
 * Encodes a batch of events into one architecture's network input: every row as {@link
 * ModelFormat#encode(Architecture, Map, Map, int[], double[])} encodes it, written one after another
 * into a single row-major {@code float[rows * width]} that becomes one input array of the engine.
 * The architecture's feature order, means and scales are read once, when the encoder is made, so a
 * batch of maps costs one map look-up per feature and row and no array per row, and a batch held by
 * column ({@link FeatureColumns}) one look-up per feature.
 *
 * <p>Immutable and thread-safe (a {@link FeatureLevels} passed in is itself thread-safe).
 */
public final class InputEncoder {
  private final Architecture architecture;
  private final InputLayout layout;
  private final String[] names;
  private final List<String> nameList;
  private final double[] means;
  private final double[] scales;
  private final boolean relative;
  private final CategoricalInputs oneHot;

  private InputEncoder(Architecture architecture) {
    List<String> features = architecture.getInputFeatures();
    if (architecture.getFeatureMeans().size() != features.size()
        || architecture.getFeatureStds().size() != features.size()) {
      throw new IllegalArgumentException(
          "featureMeans and featureStds need one entry per input feature (" + features.size() + ")");
    }
    this.architecture = architecture;
    this.layout = InputLayout.of(architecture);
    this.nameList = List.copyOf(features);
    this.names = new String[nameList.size()];
    for (int i = 0; i < names.length; i++) {
      // a map whose keys are canonical strings (as Jackson reads JSON field names) then matches by identity
      names[i] = nameList.get(i).intern();
    }
    this.means = new double[names.length];
    this.scales = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      means[i] = architecture.getFeatureMeans().get(i);
      double std = architecture.getFeatureStds().get(i);
      scales[i] = std > 0 ? std : 1.0; // divided by, not multiplied by a reciprocal: the same rounding as encode
    }
    this.relative = architecture.getLevelSpan() > 0;
    this.oneHot = CategoricalInputs.of(architecture);
  }

  /**
   * The encoder of {@code architecture}'s input.
   *
   * @throws IllegalArgumentException when the architecture lacks a mean or a standard deviation per
   *     feature, or its categorical features break a rule of {@link CategoricalInputs#check}
   */
  public static InputEncoder of(Architecture architecture) {
    return new InputEncoder(architecture);
  }

  /** Columns of one row: the {@link InputLayout#width()} of the architecture. */
  public int width() {
    return layout.width();
  }

  /**
   * The network's input for {@code events}, as {@link #encode(List, List, int[], FeatureLevels)} with
   * no categorical features (each reads as unknown).
   */
  public float[] encode(List<Map<String, Double>> events, int[] recentLabels, FeatureLevels levels) {
    return encode(events, null, recentLabels, levels);
  }

  /**
   * The network's input for {@code events}, row after row in the batch's order: row {@code r} holds
   * columns {@code [r * width(), (r + 1) * width())} and equals {@code ModelFormat.encode(architecture,
   * events.get(r), categorical.get(r), recentLabels, levels == null ? null : levels.next(events.get(r)))}.
   * Every row gets the same previous labels; when the architecture reads levels, the levels advance
   * once per row, in order, so they walk the batch as they would walk the events one by one.
   *
   * @param categorical each event's categorical features, in the order of {@code events}; null when
   *     the events carry none (every categorical feature reads as unknown)
   * @param recentLabels the stream's previous labels known, newest first (ignored without lags)
   * @param levels the levels to read each event against; required when the architecture reads
   *     levels ({@code levelSpan > 0}), ignored (and may be null) otherwise
   * @throws IllegalArgumentException when an event lacks a feature the model needs (naming it; the
   *     levels have then walked the rows before it), the architecture reads levels and an event's
   *     feature is not finite, the architecture reads levels and {@code levels} is null or follows
   *     other features or another span, or {@code categorical} is not one map per event
   */
  public float[] encode(List<Map<String, Double>> events, List<Map<String, String>> categorical, int[] recentLabels,
      FeatureLevels levels) {
    checkLevels(levels);
    if (categorical != null && categorical.size() != events.size()) {
      throw new IllegalArgumentException("one categorical map per event: " + events.size() + " events, "
          + categorical.size() + " maps");
    }
    int width = layout.width();
    int rows = events.size();
    float[] out = new float[Math.multiplyExact(rows, width)];
    float[] lags = lagColumns(recentLabels);
    int numeric = names.length;
    double[] x = relative ? new double[numeric] : null;
    int start = 0;
    for (int r = 0; r < rows; r++, start += width) {
      Map<String, Double> event = events.get(r);
      if (relative) {
        for (int i = 0; i < numeric; i++) {
          x[i] = value(event, i);
        }
        double[] level = levels.nextOf(x);
        for (int i = 0; i < numeric; i++) {
          out[start + i] = (float) ((x[i] - level[i] - means[i]) / scales[i]);
        }
      } else {
        for (int i = 0; i < numeric; i++) {
          out[start + i] = (float) ((value(event, i) - means[i]) / scales[i]);
        }
      }
      if (!oneHot.isEmpty()) {
        oneHot.write(out, start + numeric, categorical == null ? null : categorical.get(r));
      }
      if (lags != null) {
        System.arraycopy(lags, 0, out, start + layout.lagsStart(), lags.length);
      }
    }
    return out;
  }

  /**
   * The network's input for a batch held by column, row after row: row {@code r} equals what {@link
   * #encode(List, int[], FeatureLevels)} makes of event {@code r} (the map of every column's element
   * {@code r}), with the same previous labels and levels. Each column the model reads is found by name
   * once and read once, so a batch costs no map look-up per event. Columns hold numbers only: an
   * architecture's categorical features read as unknown on this path.
   *
   * @throws IllegalArgumentException when the batch has no column for a feature the model needs
   *     (naming it), or for levels as {@link #encode(List, int[], FeatureLevels)}
   */
  public float[] encode(FeatureColumns events, int[] recentLabels, FeatureLevels levels) {
    checkLevels(levels);
    int numeric = names.length;
    double[][] columns = new double[numeric][];
    for (int i = 0; i < numeric; i++) {
      columns[i] = events.column(names[i]);
      if (columns[i] == null) {
        throw missing(i);
      }
    }
    int width = layout.width();
    int rows = events.rows();
    float[] out = new float[Math.multiplyExact(rows, width)];
    if (relative) {
      double[] x = new double[numeric];
      for (int r = 0, start = 0; r < rows; r++, start += width) {
        for (int i = 0; i < numeric; i++) {
          x[i] = columns[i][r];
        }
        double[] level = levels.nextOf(x);
        for (int i = 0; i < numeric; i++) {
          out[start + i] = (float) ((x[i] - level[i] - means[i]) / scales[i]);
        }
      }
    } else {
      for (int i = 0; i < numeric; i++) {
        double[] column = columns[i];
        double mean = means[i];
        double scale = scales[i];
        for (int r = 0, at = i; r < rows; r++, at += width) {
          out[at] = (float) ((column[r] - mean) / scale);
        }
      }
    }
    if (!oneHot.isEmpty()) {
      for (int start = 0; start < out.length; start += width) {
        oneHot.write(out, start + numeric, null);
      }
    }
    float[] lags = lagColumns(recentLabels);
    if (lags != null) {
      for (int start = layout.lagsStart(); start < out.length; start += width) {
        System.arraycopy(lags, 0, out, start, lags.length);
      }
    }
    return out;
  }

  private void checkLevels(FeatureLevels levels) {
    if (relative && (levels == null || !levels.fits(architecture))) {
      throw new IllegalArgumentException("this network reads its " + names.length
          + " features relative to their levels (levelSpan " + architecture.getLevelSpan() + "); got "
          + (levels == null ? "none" : "levels of " + levels.features() + " over " + levels.span() + " events"));
    }
  }

  private double value(Map<String, Double> event, int column) {
    Double value = event.get(names[column]);
    if (value == null) {
      throw missing(column);
    }
    return value;
  }

  private IllegalArgumentException missing(int column) {
    return new IllegalArgumentException("feature '" + names[column] + "' is missing; the model needs " + nameList);
  }

  /** The label-lag columns every row of a batch shares, or null when the layout has none. */
  private float[] lagColumns(int[] recentLabels) {
    if (!layout.hasLags()) {
      return null;
    }
    float[] row = new float[layout.width()];
    layout.writeLags(row, recentLabels);
    float[] lags = new float[row.length - layout.lagsStart()];
    System.arraycopy(row, layout.lagsStart(), lags, 0, lags.length);
    return lags;
  }
}
