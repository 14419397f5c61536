package dev.plasticity.registry.client;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.CategoricalFeature;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one-hot encoding of an architecture's categorical features, after its numeric inputs: per
 * feature one column per value of its vocabulary, in the vocabulary's order, then one "unknown"
 * column that a value outside the vocabulary, and a missing value, set. Every row therefore has
 * exactly one 1 per categorical feature.
 *
 * <p>One-hot rather than an embedding: the vocabularies are small (the trainer keeps the most
 * frequent values, see its vocabulary cap), a one-hot block is just more columns of the first
 * linear layer, so every strategy that trains, grows or fine-tunes that layer works on it as it
 * is, and the input width is fixed by the vocabulary a version stores.
 *
 * <p>Immutable and thread-safe.
 */
public final class CategoricalInputs {
  /** The most values a vocabulary may hold: the registry refuses larger ones. */
  public static final int MAX_VOCABULARY = 10_000;

  private static final CategoricalInputs NONE = new CategoricalInputs(new String[0], List.of(), new int[0], 0);

  private final String[] names;
  private final List<Map<String, Integer>> slots;
  private final int[] offsets;
  private final int width;

  private CategoricalInputs(String[] names, List<Map<String, Integer>> slots, int[] offsets, int width) {
    this.names = names;
    this.slots = slots;
    this.offsets = offsets;
    this.width = width;
  }

  /**
   * The encoding of {@code architecture}'s categorical features.
   *
   * @throws IllegalArgumentException naming the rule its categorical features break ({@link #check})
   */
  public static CategoricalInputs of(Architecture architecture) {
    List<CategoricalFeature> features = architecture.getCategoricalFeatures();
    if (features.isEmpty()) {
      return NONE;
    }
    check(architecture);
    String[] names = new String[features.size()];
    int[] offsets = new int[features.size()];
    List<Map<String, Integer>> slots = new java.util.ArrayList<>(features.size());
    int at = 0;
    for (int f = 0; f < names.length; f++) {
      CategoricalFeature feature = features.get(f);
      names[f] = feature.getName();
      offsets[f] = at;
      Map<String, Integer> slot = new HashMap<>();
      List<String> vocabulary = feature.getVocabulary();
      for (int v = 0; v < vocabulary.size(); v++) {
        slot.put(vocabulary.get(v), v);
      }
      slots.add(slot);
      at = Math.addExact(at, vocabulary.size() + 1);
    }
    return new CategoricalInputs(names, List.copyOf(slots), offsets, at);
  }

  /** Columns of {@code architecture}'s categorical features: each vocabulary's size plus one unknown slot. */
  public static int columns(Architecture architecture) {
    int columns = 0;
    for (CategoricalFeature feature : architecture.getCategoricalFeatures()) {
      columns = Math.addExact(columns, feature.getVocabulary().size() + 1);
    }
    return columns;
  }

  /** The columns this encoding writes. */
  public int width() {
    return width;
  }

  /** Whether the architecture has no categorical feature. */
  public boolean isEmpty() {
    return names.length == 0;
  }

  /**
   * Writes the one-hot columns of one event into {@code row} from index {@code start}: the columns
   * must be zeros. A feature the event lacks (or a null map) sets its unknown column.
   */
  public void write(float[] row, int start, Map<String, String> categorical) {
    for (int f = 0; f < names.length; f++) {
      String value = categorical == null ? null : categorical.get(names[f]);
      row[start + offsets[f] + slot(f, value)] = 1f;
    }
  }

  /**
   * The column within feature {@code feature}'s block that {@code value} sets: its place in the
   * vocabulary, or the unknown slot after the vocabulary.
   */
  int slot(int feature, String value) {
    Map<String, Integer> slot = slots.get(feature);
    Integer known = value == null ? null : slot.get(value);
    return known == null ? slot.size() : known;
  }

  /**
   * Checks an architecture's categorical features: each named, no name twice or also a numeric
   * input, and each vocabulary of at most {@link #MAX_VOCABULARY} non-null values, none twice.
   *
   * @throws IllegalArgumentException naming the rule broken
   */
  public static void check(Architecture architecture) {
    Set<String> names = new HashSet<>();
    Set<String> numeric = new HashSet<>(architecture.getInputFeatures());
    for (CategoricalFeature feature : architecture.getCategoricalFeatures()) {
      String name = feature.getName();
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("categoricalFeatures need a name each, one was empty");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException("categoricalFeatures name '" + name + "' twice; each feature once");
      }
      if (numeric.contains(name)) {
        throw new IllegalArgumentException("'" + name + "' is both a numeric input feature and a categorical one");
      }
      List<String> vocabulary = feature.getVocabulary();
      if (vocabulary.size() > MAX_VOCABULARY) {
        throw new IllegalArgumentException("the vocabulary of categorical feature '" + name + "' may hold at most "
            + MAX_VOCABULARY + " values, had " + vocabulary.size());
      }
      Set<String> values = new HashSet<>();
      for (String value : vocabulary) {
        if (value == null) {
          throw new IllegalArgumentException("the vocabulary of categorical feature '" + name + "' holds a null value");
        }
        if (!values.add(value)) {
          throw new IllegalArgumentException("the vocabulary of categorical feature '" + name + "' holds '" + value
              + "' twice; each value once");
        }
      }
    }
  }
}
