package dev.plasticity.registry.client;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of events held by column: the feature names once, then one {@code double[]} per name
 * whose element {@code r} is that feature of event {@code r}. The shape a batch already has when it
 * comes from a columnar source (a data frame, Arrow or Parquet, a feature store), and the cheapest to
 * encode: {@link InputEncoder#encode(FeatureColumns, int[], FeatureLevels)} reads each column once
 * and finds a column by name once per batch, where a batch of maps costs a look-up per feature and
 * event. Columns the model does not read are ignored, as keys of a map are.
 *
 * <p>The column arrays are the caller's and are not copied (copying would cost what this shape
 * saves): do not write them while a prediction of the batch runs. The names are copied.
 * Thread-safe to read.
 */
public final class FeatureColumns {
  private final List<String> names;
  private final double[][] columns;
  private final Map<String, Integer> index;
  private final int rows;

  private FeatureColumns(List<String> names, double[][] columns) {
    this.names = List.copyOf(names);
    if (this.names.size() != columns.length) {
      throw new IllegalArgumentException(
          "one column per feature name: " + this.names.size() + " names, " + columns.length + " columns");
    }
    if (columns.length == 0) {
      throw new IllegalArgumentException("a batch by column needs at least one column (its length is the batch's)");
    }
    this.columns = columns.clone();
    this.index = new HashMap<>();
    this.rows = columns[0] == null ? 0 : columns[0].length;
    for (int c = 0; c < columns.length; c++) {
      if (this.columns[c] == null) {
        throw new IllegalArgumentException("column '" + this.names.get(c) + "' is null");
      }
      if (this.columns[c].length != rows) {
        throw new IllegalArgumentException("every column holds one value per event: column '" + this.names.get(0)
            + "' has " + rows + ", column '" + this.names.get(c) + "' " + this.columns[c].length);
      }
      if (index.put(this.names.get(c), c) != null) {
        throw new IllegalArgumentException("feature '" + this.names.get(c) + "' names two columns");
      }
    }
  }

  /**
   * The batch whose feature {@code names.get(c)} is {@code columns[c]}.
   *
   * @throws IllegalArgumentException when the names and columns differ in number, there is no column,
   *     a name repeats, a column is null, or the columns differ in length
   * @throws NullPointerException when a name is null
   */
  public static FeatureColumns of(List<String> names, double[]... columns) {
    return new FeatureColumns(names, columns);
  }

  /** Events in the batch: the length of every column. */
  public int rows() {
    return rows;
  }

  /** The feature names, one per column, in the columns' order. */
  public List<String> names() {
    return names;
  }

  /** The column of feature {@code name}, the caller's array itself; null when the batch has none. */
  public double[] column(String name) {
    Integer c = index.get(name);
    return c == null ? null : columns[c];
  }
}
