package dev.plasticity.ops.replay;

import dev.plasticity.registry.client.ModelDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the label column's text becomes a class index. When every label in the file is a
 * non-negative whole number the labels are indices already ({@link Indices}); otherwise they are
 * class names ({@link Names}), indexed by the model definition's class names when it has them, else
 * in the order they first appear in the file. A label outside the classes is a bad row. Immutable.
 */
sealed interface LabelMapping {
  /** Labels that are class indices {@code 0 .. count-1}. */
  record Indices(int count) implements LabelMapping {
    @Override
    public int index(String text) {
      if (!text.matches("[0-9]{1,9}")) {
        throw new IllegalArgumentException("'" + text + "' is not a class index");
      }
      int index = Integer.parseInt(text);
      if (index >= count) {
        throw new IllegalArgumentException("class " + index + " is beyond the model's " + count + " classes (0.."
            + (count - 1) + ")");
      }
      return index;
    }

    @Override
    public int classes() {
      return count;
    }

    @Override
    public Map<String, Integer> asMap() {
      Map<String, Integer> map = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        map.put(Integer.toString(i), i);
      }
      return map;
    }

    @Override
    public String describe() {
      return "labels are class indices 0.." + (count - 1);
    }
  }

  /**
   * Labels that are class names: {@code names.get(i)} is class {@code i}.
   *
   * @param fromDefinition whether the names are the model definition's (else the file's order of first appearance)
   */
  record Names(List<String> names, boolean fromDefinition) implements LabelMapping {
    public Names {
      names = List.copyOf(names);
    }

    @Override
    public int index(String text) {
      int index = names.indexOf(text);
      if (index < 0) {
        throw new IllegalArgumentException("'" + text + "' is not one of the model's " + names.size() + " classes ("
            + String.join(", ", names) + ")");
      }
      return index;
    }

    @Override
    public int classes() {
      return names.size();
    }

    @Override
    public Map<String, Integer> asMap() {
      Map<String, Integer> map = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        map.put(names.get(i), i);
      }
      return map;
    }

    @Override
    public String describe() {
      StringBuilder s = new StringBuilder(fromDefinition ? "class names as the model defines them: "
          : "class names in the order they first appear: ");
      for (int i = 0; i < names.size(); i++) {
        s.append(i == 0 ? "" : ", ").append(names.get(i)).append('=').append(i);
      }
      return s.toString();
    }
  }

  /**
   * The class index of a label's text.
   *
   * @throws IllegalArgumentException saying why when the text names no class
   */
  int index(String text);

  /** How many classes there are. */
  int classes();

  /** Each label text to its class index, in index order: what the report records. */
  Map<String, Integer> asMap();

  /** The mapping in words, for the console. */
  String describe();

  /**
   * The mapping for a file whose distinct labels, in order of first appearance, are {@code labels}.
   *
   * @param defined the model definition's classes, or null when the model has no definition
   */
  static LabelMapping of(List<String> labels, ModelDefinition.Classes defined) {
    boolean indices = !labels.isEmpty() && labels.stream().allMatch(l -> l.matches("[0-9]{1,9}"));
    if (indices) {
      int highest = labels.stream().mapToInt(Integer::parseInt).max().orElse(0);
      return new Indices(defined != null ? defined.count() : Math.max(2, highest + 1));
    }
    if (defined != null && !defined.names().isEmpty()) {
      return new Names(defined.names(), true);
    }
    List<String> names = defined != null && labels.size() > defined.count()
        ? labels.subList(0, defined.count()) : labels;
    return new Names(names, false);
  }
}
