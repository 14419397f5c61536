package dev.plasticity.ops.replay;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which CSV columns mean what, as the user named them: the label, an optional event id and event
 * time, the categorical columns and the columns to leave out. Every other column is a numeric
 * feature. {@link #layout} checks the names against a header once.
 *
 * @param label the label's column, or null for the last column
 * @param id the event id's column, or null to number the rows
 * @param time the event time's column (ISO-8601 or epoch millis), or null for row order
 * @param categorical categorical feature columns
 * @param drop columns that are not sent at all
 */
public record ReplayColumns(String label, String id, String time, List<String> categorical, List<String> drop) {
  public ReplayColumns {
    categorical = List.copyOf(categorical);
    drop = List.copyOf(drop);
  }

  /** The columns of one header: where each role is, by index. Immutable. */
  record Layout(List<String> header, int label, int id, int time, List<Integer> numeric, List<Integer> categorical) {
    Layout {
      header = List.copyOf(header);
      numeric = List.copyOf(numeric);
      categorical = List.copyOf(categorical);
    }

    List<String> numericNames() {
      return numeric.stream().map(header::get).toList();
    }

    List<String> categoricalNames() {
      return categorical.stream().map(header::get).toList();
    }

    String labelName() {
      return header.get(label);
    }
  }

  /**
   * Places these columns in {@code header}.
   *
   * @throws IllegalArgumentException naming the rule when a named column is not in the header, a
   *     column has two roles, a header name repeats or is blank, or no numeric feature is left
   */
  Layout layout(List<String> header) {
    Set<String> seen = new LinkedHashSet<>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c);
      if (name.isBlank()) {
        throw new IllegalArgumentException("the header's column " + (c + 1) + " has no name; every column needs one");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("the header names column '" + name + "' twice; column names must be unique");
      }
    }
    int labelAt = label == null ? header.size() - 1 : indexOf(header, label, "--label");
    int idAt = id == null ? -1 : indexOf(header, id, "--id");
    int timeAt = time == null ? -1 : indexOf(header, time, "--time");
    List<Integer> categoricalAt = new ArrayList<>();
    for (String c : categorical) {
      categoricalAt.add(indexOf(header, c, "--categorical"));
    }
    List<Integer> dropAt = new ArrayList<>();
    for (String d : drop) {
      dropAt.add(indexOf(header, d, "--drop"));
    }
    List<String> roles = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      roles.clear();
      if (c == labelAt) {
        roles.add("--label");
      }
      if (c == idAt) {
        roles.add("--id");
      }
      if (c == timeAt) {
        roles.add("--time");
      }
      if (categoricalAt.contains(c)) {
        roles.add("--categorical");
      }
      if (dropAt.contains(c)) {
        roles.add("--drop");
      }
      if (roles.size() > 1) {
        throw new IllegalArgumentException("column '" + header.get(c) + "' is given two roles (" + String.join(", ", roles)
            + "); a column has one");
      }
    }
    List<Integer> numericAt = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      if (c != labelAt && c != idAt && c != timeAt && !categoricalAt.contains(c) && !dropAt.contains(c)) {
        numericAt.add(c);
      }
    }
    if (numericAt.isEmpty()) {
      throw new IllegalArgumentException("no numeric feature is left in " + header + ": a model needs at least one"
          + " column that is not the label, id, time, categorical or dropped");
    }
    return new Layout(header, labelAt, idAt, timeAt, numericAt, categoricalAt);
  }

  private static int indexOf(List<String> header, String name, String option) {
    int at = header.indexOf(name);
    if (at < 0) {
      throw new IllegalArgumentException(option + ": no column '" + name + "' in the header; columns: "
          + String.join(", ", header));
    }
    return at;
  }
}
