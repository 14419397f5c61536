package dev.plasticity.ops.replay;

import java.util.Map;

/** One data row of the file, as the replay sends it ({@link Event}) or reports it ({@link Bad}). Immutable. */
sealed interface ReplayRow {
  /** The line the row starts on (the header is line 1). */
  long line();

  /** A row ready to send: an event and its class index. */
  record Event(long line, String eventId, long eventTime, Map<String, Double> features,
      Map<String, String> categorical, int label) implements ReplayRow {
    public Event {
      features = Map.copyOf(features);
      categorical = Map.copyOf(categorical);
    }
  }

  /**
   * A row that cannot be sent.
   *
   * @param column the column at fault, or null when the row as a whole is (its field count)
   * @param reason what is wrong, in words
   * @param text the row's fields as CSV, for the dead letter
   */
  record Bad(long line, String column, String reason, String text) implements ReplayRow {
    /** {@code line 17, column x1: 'abc' is not a number}. */
    String message() {
      return "line " + line + (column == null ? "" : ", column " + column) + ": " + reason;
    }
  }
}
