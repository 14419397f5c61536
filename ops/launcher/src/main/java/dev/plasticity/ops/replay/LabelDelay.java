package dev.plasticity.ops.replay;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a row's label is sent, counted from the moment its prediction has been read: after so many
 * more rows have been sent ({@link Rows}), or after a span of time ({@link Time}). A label is never
 * sent before its prediction is read, so every prediction is made without its label. Immutable.
 */
public sealed interface LabelDelay {
  /** The label follows once {@code rows} more rows have been sent after its own. */
  record Rows(long rows) implements LabelDelay {
    public Rows {
      if (rows < 0) {
        throw new IllegalArgumentException("--label-delay: a delay in rows is 0 or more, was " + rows);
      }
    }
  }

  /** The label follows {@code delay} after its row was sent (and not before its prediction is read). */
  record Time(Duration delay) implements LabelDelay {
    public Time {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("--label-delay: a delay is 0 or more, was " + delay);
      }
    }
  }

  Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");

  /**
   * Reads {@code 500} or {@code 500rows} (rows), {@code 200ms}, {@code 2s}, {@code 1m}, {@code 1h}
   * or an ISO-8601 duration ({@code PT0.5S}).
   */
  static LabelDelay parse(String text) {
    String t = text.trim();
    if (t.matches("[0-9]+(rows|events)?")) {
      return new Rows(Long.parseLong(t.replaceAll("[a-z]", "")));
    }
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return new Time(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    try {
      return new Time(Duration.parse(t));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--label-delay: '" + text + "' is neither a number of rows (500) nor a"
          + " duration (200ms, 2s, 1m, PT0.5S)");
    }
  }
}
