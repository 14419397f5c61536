package dev.plasticity.ops.replay;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns a CSV row into an event or a bad row: numeric columns must hold finite numbers, categorical
 * columns, the id and the label something, the time column epoch millis or an ISO-8601 time, and
 * the label a class of the model. Without a time column, row {@code i} of the file (counting every
 * data row) happens at {@code start + i * 1000 / rowsPerSecond} ms. Without an id column, the row
 * starting on line {@code L} is event {@code <model>-<run>-<L>}. Immutable; thread-safe.
 */
final class RowParser {
  private final ReplayColumns.Layout layout;
  private final LabelMapping labels;
  private final String idPrefix;
  private final long start;
  private final double rowsPerSecond;

  /**
   * @param labels the label mapping, or null to check everything but the label's class
   * @param idPrefix what numbered event ids start with
   * @param start the synthetic clock's start, epoch millis
   * @param rowsPerSecond the synthetic clock's rate
   */
  RowParser(ReplayColumns.Layout layout, LabelMapping labels, String idPrefix, long start, double rowsPerSecond) {
    if (!(rowsPerSecond > 0)) {
      throw new IllegalArgumentException("--rows-per-second must be positive, was " + rowsPerSecond);
    }
    this.layout = layout;
    this.labels = labels;
    this.idPrefix = idPrefix;
    this.start = start;
    this.rowsPerSecond = rowsPerSecond;
  }

  /** The label's text when the row is well formed apart from its class; null otherwise. */
  String labelText(CsvTable.Row row) {
    ReplayRow parsed = parse(row, 0);
    return parsed instanceof ReplayRow.Event ? row.fields().get(layout.label()) : null;
  }

  /**
   * @param index the row's place among the file's data rows, from 0
   */
  ReplayRow parse(CsvTable.Row row, long index) {
    List<String> fields = row.fields();
    List<String> header = layout.header();
    if (fields.isEmpty() || fields.size() == 1 && fields.get(0).isEmpty() && header.size() > 1) {
      return bad(row, null, "empty line");
    }
    if (fields.size() != header.size()) {
      return bad(row, null, fields.size() + " fields where the header has " + header.size() + " columns");
    }
    Map<String, Double> features = new HashMap<>();
    for (int c : layout.numeric()) {
      String field = fields.get(c);
      if (field.isEmpty()) {
        return bad(row, header.get(c), "empty; a number is needed");
      }
      double value;
      try {
        value = Double.parseDouble(field);
      } catch (NumberFormatException e) {
        return bad(row, header.get(c), "'" + field + "' is not a number");
      }
      if (!Double.isFinite(value)) {
        return bad(row, header.get(c), "'" + field + "' is not a finite number");
      }
      features.put(header.get(c), value);
    }
    Map<String, String> categorical = new HashMap<>();
    for (int c : layout.categorical()) {
      String field = fields.get(c);
      if (field.isEmpty()) {
        return bad(row, header.get(c), "empty; a category is needed");
      }
      categorical.put(header.get(c), field);
    }
    String labelText = fields.get(layout.label());
    if (labelText.isEmpty()) {
      return bad(row, layout.labelName(), "the label is missing");
    }
    String eventId = idPrefix + row.line();
    if (layout.id() >= 0) {
      eventId = fields.get(layout.id());
      if (eventId.isEmpty()) {
        return bad(row, header.get(layout.id()), "the event id is missing");
      }
    }
    long time = start + Math.round(index * 1000.0 / rowsPerSecond);
    if (layout.time() >= 0) {
      String field = fields.get(layout.time());
      Long parsed = time(field);
      if (parsed == null) {
        return bad(row, header.get(layout.time()), "'" + field + "' is neither epoch millis nor an ISO-8601 time");
      }
      time = parsed;
    }
    int label = 0;
    if (labels != null) {
      try {
        label = labels.index(labelText);
      } catch (IllegalArgumentException e) {
        return bad(row, layout.labelName(), e.getMessage());
      }
    }
    return new ReplayRow.Event(row.line(), eventId, time, features, categorical, label);
  }

  private static ReplayRow.Bad bad(CsvTable.Row row, String column, String reason) {
    String text = row.fields().stream()
        .map(f -> f.contains(",") || f.contains("\"") || f.contains("\n") ? '"' + f.replace("\"", "\"\"") + '"' : f)
        .collect(Collectors.joining(","));
    return new ReplayRow.Bad(row.line(), column, reason, text);
  }

  /** Epoch millis, or an ISO-8601 instant, offset date-time, local date-time (UTC) or date (UTC midnight); else null. */
  static Long time(String text) {
    if (text.matches("-?[0-9]{1,18}")) {
      return Long.parseLong(text);
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      // next
    }
    try {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      // next
    }
    try {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
