package dev.plasticity.ops.prequential;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a stream from a CSV file: a header row, then one row per event in stream order. The label column (the last
 * one unless named) becomes the class: its distinct values, sorted (numerically when all are numbers), are classes
 * {@code 0, 1, ...}. Every other column whose first data row holds a number is a numeric feature; the other columns
 * are left out and named in {@link #leftOutColumns}.
 *
 * <p>A row with a missing or non-numeric value in a feature column, an empty label, or the wrong number of fields is
 * skipped and kept in {@link LabelledRows#skipped()} with its line number and the reason, never dropped silently.
 * Fields are split on commas; surrounding double quotes and spaces are removed (quoted commas are not supported).
 */
public final class CsvRows {
  private final LabelledRows rows;
  private final List<String> leftOutColumns;

  private CsvRows(LabelledRows rows, List<String> leftOutColumns) {
    this.rows = rows;
    this.leftOutColumns = List.copyOf(leftOutColumns);
  }

  /**
   * @param labelColumn the label's column name, or null for the last column
   * @param maxRows read at most this many data rows (skipped ones not counted)
   * @throws IllegalArgumentException when the file has no header, no such label column, no numeric column, or fewer
   *     than two classes
   */
  public static CsvRows read(Path file, String labelColumn, long maxRows) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String headerLine = reader.readLine();
      if (headerLine == null || headerLine.isBlank()) {
        throw new IllegalArgumentException(file + " is empty: a CSV stream starts with a header row");
      }
      List<String> header = split(headerLine);
      int label = labelColumn == null ? header.size() - 1 : header.indexOf(labelColumn);
      if (label < 0) {
        throw new IllegalArgumentException("no column '" + labelColumn + "' in " + file + "; columns: " + header);
      }
      List<Integer> featureColumns = null;
      List<String> leftOut = new ArrayList<>();
      List<String[]> rawRows = new ArrayList<>();
      List<double[]> features = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      List<LabelledRows.SkippedRow> skipped = new ArrayList<>();
      long lineNumber = 1;
      String line;
      while (features.size() < maxRows && (line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          skipped.add(new LabelledRows.SkippedRow(lineNumber, "empty line"));
          continue;
        }
        List<String> fields = split(line);
        if (fields.size() != header.size()) {
          skipped.add(new LabelledRows.SkippedRow(lineNumber,
              fields.size() + " fields where the header has " + header.size()));
          continue;
        }
        if (featureColumns == null) {
          featureColumns = new ArrayList<>();
          for (int c = 0; c < header.size(); c++) {
            if (c != label) {
              if (number(fields.get(c)) != null) {
                featureColumns.add(c);
              } else {
                leftOut.add(header.get(c));
              }
            }
          }
          if (featureColumns.isEmpty()) {
            throw new IllegalArgumentException("no numeric column besides the label in " + file + " (first data row, line "
                + lineNumber + ": " + line + ")");
          }
        }
        String problem = null;
        double[] values = new double[featureColumns.size()];
        for (int f = 0; f < values.length && problem == null; f++) {
          String field = fields.get(featureColumns.get(f));
          Double value = number(field);
          if (value == null) {
            problem = "column " + header.get(featureColumns.get(f)) + " holds '" + field + "', not a number";
          } else {
            values[f] = value;
          }
        }
        if (problem == null && fields.get(label).isEmpty()) {
          problem = "the label (column " + header.get(label) + ") is empty";
        }
        if (problem != null) {
          skipped.add(new LabelledRows.SkippedRow(lineNumber, problem));
          continue;
        }
        features.add(values);
        labels.add(fields.get(label));
      }
      if (featureColumns == null) {
        throw new IllegalArgumentException(file + " has a header but no usable data row");
      }
      List<String> classes = classes(labels);
      Map<String, Integer> index = new TreeMap<>();
      for (int k = 0; k < classes.size(); k++) {
        index.put(classes.get(k), k);
      }
      int[] classIndex = labels.stream().mapToInt(index::get).toArray();
      List<String> names = featureColumns.stream().map(header::get).toList();
      String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
      return new CsvRows(new LabelledRows(name, names, classes, features, classIndex, List.of(), skipped), leftOut);
    }
  }

  public LabelledRows rows() {
    return rows;
  }

  /** Columns that are neither the label nor numeric (in the first data row), and so not features. */
  public List<String> leftOutColumns() {
    return leftOutColumns;
  }

  private static List<String> classes(List<String> labels) {
    TreeSet<String> distinct = new TreeSet<>(labels);
    if (distinct.stream().allMatch(l -> number(l) != null)) {
      return distinct.stream().sorted((a, b) -> Double.compare(number(a), number(b))).toList();
    }
    return List.copyOf(distinct);
  }

  private static List<String> split(String line) {
    List<String> fields = new ArrayList<>();
    for (String field : line.split(",", -1)) {
      String f = field.strip();
      if (f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"")) {
        f = f.substring(1, f.length() - 1).strip();
      }
      fields.add(f);
    }
    return fields;
  }

  /** The finite number {@code field} holds, or null. */
  private static Double number(String field) {
    if (field.isEmpty()) {
      return null;
    }
    try {
      double value = Double.parseDouble(field);
      return Double.isFinite(value) ? value : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
