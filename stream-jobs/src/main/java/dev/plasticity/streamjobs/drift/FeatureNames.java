package dev.plasticity.streamjobs.drift;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The numeric feature names of an event, in the order its values are kept. Events of one model
 * nearly always share one layout, so the job keeps one instance per layout ({@link Cache}) and
 * every consumer can map a layout to its own feature order once and then work on arrays: no map,
 * no boxed double, no string hashing per event.
 *
 * <p>Immutable.
 */
public final class FeatureNames {
  private final String[] names;
  private final byte[][] utf8;
  private final Map<String, Integer> index;

  private FeatureNames(String[] names) {
    this.names = names;
    this.utf8 = new byte[names.length][];
    this.index = new HashMap<>(names.length * 2);
    for (int i = 0; i < names.length; i++) {
      utf8[i] = names[i].getBytes(StandardCharsets.UTF_8);
      if (index.put(names[i], i) != null) {
        throw new IllegalArgumentException("feature '" + names[i] + "' appears twice");
      }
    }
  }

  /** A layout of the given names, in this order. */
  public static FeatureNames of(List<String> names) {
    String[] copy = names.toArray(String[]::new);
    for (String name : copy) {
      Objects.requireNonNull(name, "feature name");
    }
    return new FeatureNames(copy);
  }

  public int size() {
    return names.length;
  }

  public String name(int i) {
    return names[i];
  }

  /** Position of {@code name} in this layout, or -1. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  /** The UTF-8 bytes of name {@code i} (shared; do not change). */
  public byte[] utf8(int i) {
    return utf8[i];
  }

  public List<String> asList() {
    return List.of(names);
  }

  /**
   * For each of {@code wanted}, its position in this layout, or -1 where this layout lacks it.
   */
  int[] positionsOf(List<String> wanted) {
    int[] positions = new int[wanted.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = indexOf(wanted.get(i));
    }
    return positions;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof FeatureNames other && Arrays.equals(names, other.names);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(names);
  }

  @Override
  public String toString() {
    return Arrays.toString(names);
  }

  /**
   * Hands out one shared instance per layout while names arrive one at a time as UTF-8 bytes, as
   * a decoder reads them: a name equal to the one at the same position of the last layout costs a
   * byte comparison, not a new string. Not thread-safe; one per decoder.
   */
  public static final class Cache {
    private static final int MAX_LAYOUTS = 64;
    private final Map<FeatureNames, FeatureNames> known = new HashMap<>();
    private FeatureNames last = new FeatureNames(new String[0]);
    private String[] building = new String[8];
    private int size;
    private boolean sameAsLast;

    /** Starts a new layout. */
    public void begin() {
      size = 0;
      sameAsLast = true;
    }

    /** Adds the next name, given as {@code length} UTF-8 bytes of {@code bytes} from {@code offset}. */
    public void add(byte[] bytes, int offset, int length) {
      if (size == building.length) {
        building = Arrays.copyOf(building, 2 * size);
      }
      if (sameAsLast && size < last.names.length
          && Arrays.equals(bytes, offset, offset + length, last.utf8[size], 0, last.utf8[size].length)) {
        building[size] = last.names[size];
        size++;
        return;
      }
      sameAsLast = false;
      building[size++] = new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    /** The shared layout of the names added since {@link #begin}. */
    public FeatureNames end() {
      if (sameAsLast && size == last.names.length) {
        return last;
      }
      FeatureNames layout = new FeatureNames(Arrays.copyOf(building, size));
      FeatureNames shared = known.get(layout);
      if (shared == null) {
        if (known.size() >= MAX_LAYOUTS) {
          known.clear(); // events with ever-changing names: stop remembering rather than grow
        }
        known.put(layout, layout);
        shared = layout;
      }
      last = shared;
      return shared;
    }
  }
}
