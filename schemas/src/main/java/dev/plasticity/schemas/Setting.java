package dev.plasticity.schemas;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One environment variable a Plasticity service reads, declared once: its name, the text that
 * applies when it is unset, what it is for, and how its text becomes a typed value. Each service
 * reads its variables through its declarations, the launcher's {@code --help} prints the same
 * declarations, and a test holds the README's configuration table and {@code docker-compose.yml}
 * to them, so a name is written in one place.
 *
 * <p>A variable that is unset or set to the empty string (what Compose's {@code ${X:-}} gives)
 * takes the default; a value of only blanks is refused, since it is almost always a mistake. Every
 * error names the variable and the text it had.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private final String name;
  private final String defaultValue;
  private final String description;
  private final Function<String, T> parser;

  private Setting(String name, String defaultValue, String description, Function<String, T> parser) {
    this.name = Objects.requireNonNull(name, "name");
    this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
    this.description = Objects.requireNonNull(description, "description");
    this.parser = Objects.requireNonNull(parser, "parser");
    if (!name.matches("[A-Z][A-Z0-9_]*")) {
      throw new IllegalArgumentException("an environment variable's name is upper case, digits and _, was '" + name + "'");
    }
  }

  /**
   * A setting whose text {@code parser} turns into a value.
   *
   * @param name the variable, e.g. {@code PLASTICITY_REGISTRY_PORT}
   * @param defaultValue the text that applies when the variable is unset; empty when nothing does
   * @param description what the setting is for, in one line
   * @param parser the value of a text, or an {@link IllegalArgumentException} saying what the text
   *     must be (e.g. "must be a port number"); the setting adds the variable's name and the text
   */
  public static <T> Setting<T> of(String name, String defaultValue, String description, Function<String, T> parser) {
    return new Setting<>(name, defaultValue, description, parser);
  }

  /** A setting whose value is its text, trimmed. */
  public static Setting<String> text(String name, String defaultValue, String description) {
    return of(name, defaultValue, description, String::trim);
  }

  /** A TCP port: 0 (any free port) or 1..65535. */
  public static Setting<Integer> port(String name, String defaultValue, String description) {
    return of(name, defaultValue, description, Setting::parsePort);
  }

  /** A whole number of at least 1. */
  public static Setting<Integer> positiveInt(String name, String defaultValue, String description) {
    return of(name, defaultValue, description, text -> (int) positive(text, Integer.MAX_VALUE));
  }

  /** A count that may be 0 (off, none), such as events between two scheduled updates. */
  public static Setting<Long> count(String name, String defaultValue, String description) {
    return of(name, defaultValue, description, text -> atLeast(text, 0, Long.MAX_VALUE));
  }

  /** A number of bytes, at least 1. */
  public static Setting<Long> bytes(String name, String defaultValue, String description) {
    return of(name, defaultValue, description, text -> positive(text, Long.MAX_VALUE));
  }

  /**
   * A positive duration: a whole number followed by {@code ms}, {@code s}, {@code m} or {@code h}
   * (e.g. {@code 500ms}, {@code 5m}), or ISO-8601 (e.g. {@code PT5S}).
   */
  public static Setting<Duration> duration(String name, String defaultValue, String description) {
    return of(name, defaultValue, description, text -> positive(parseDuration(text)));
  }

  /**
   * A duration that may be zero (none), such as a grace period: written as for {@link #duration},
   * or {@code 0}.
   */
  public static Setting<Duration> durationOrZero(String name, String defaultValue, String description) {
    return of(name, defaultValue, description, text -> text.trim().equals("0") ? Duration.ZERO
        : notNegative(parseDuration(text)));
  }

  /**
   * {@code duration} as a {@link #duration} setting writes it: whole hours, minutes, seconds or
   * milliseconds, e.g. {@code 5m}; for a default built from a typed value.
   */
  public static String durationText(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  /** An absolute URI, e.g. {@code http://registry:8080}. */
  public static Setting<URI> uri(String name, String defaultValue, String description) {
    return of(name, defaultValue, description, Setting::parseUri);
  }

  /**
   * The same variable as read by one service that gives it another default and meaning (e.g.
   * the registry, which announces versions on Kafka only when Kafka's address is set).
   */
  public Setting<T> withDefault(String defaultValue, String description) {
    return new Setting<>(name, defaultValue, description, parser);
  }

  /** The variable's name, e.g. {@code PLASTICITY_REGISTRY_PORT}. */
  public String name() {
    return name;
  }

  /** The text that applies when the variable is unset or empty; empty when nothing does. */
  public String defaultValue() {
    return defaultValue;
  }

  /** What the setting is for, in one line. */
  public String description() {
    return description;
  }

  /**
   * The value in {@code environment}: the variable's text when it is set and not empty, else the
   * default, parsed; empty when the variable is unset and has no default.
   *
   * @throws IllegalArgumentException naming the variable when its text is blank or not a value
   */
  public Optional<T> in(Map<String, String> environment) {
    return in(environment::get);
  }

  /** {@link #in(Map)} with the environment as a look-up by name, such as {@code System::getenv}. */
  public Optional<T> in(Function<String, String> environment) {
    String text = environment.apply(name);
    if (text == null || text.isEmpty()) {
      return defaultValue.isEmpty() ? Optional.empty() : Optional.of(parse(defaultValue));
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException(name + " is blank: leave it unset or empty for "
          + (defaultValue.isEmpty() ? "none" : "the default, " + defaultValue) + " (" + description + ")");
    }
    return Optional.of(parse(text));
  }

  /**
   * The value in {@code environment}, which must have one.
   *
   * @throws IllegalArgumentException naming the variable when it is unset without a default, blank,
   *     or not a value
   */
  public T require(Map<String, String> environment) {
    return in(environment).orElseThrow(() -> new IllegalArgumentException("set " + name + ": " + description));
  }

  /** The value of {@code text} as this setting reads it. */
  public T parse(String text) {
    try {
      return Objects.requireNonNull(parser.apply(text), "a setting's parser returned null");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " " + e.getMessage() + ", got '" + text + "'", e);
    }
  }

  @Override
  public String toString() {
    return name + (defaultValue.isEmpty() ? "" : " (default " + defaultValue + ")") + ": " + description;
  }

  private static int parsePort(String text) {
    String trimmed = text.trim();
    if (!trimmed.matches("\\d{1,5}")) {
      throw new IllegalArgumentException("must be a port number");
    }
    int port = Integer.parseInt(trimmed);
    if (port > 65_535) {
      throw new IllegalArgumentException("must be 0 (any free port) or 1..65535");
    }
    return port;
  }

  private static long positive(String text, long max) {
    return atLeast(text, 1, max);
  }

  private static long atLeast(String text, long min, long max) {
    String trimmed = text.trim();
    try {
      long value = Long.parseLong(trimmed);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
  }

  private static Duration parseDuration(String text) {
    String trimmed = text.trim();
    Duration duration;
    Matcher matcher = DURATION.matcher(trimmed);
    if (matcher.matches()) {
      long amount;
      try {
        amount = Long.parseLong(matcher.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("is too long a duration");
      }
      try {
        duration = switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("is too long a duration");
      }
    } else {
      try {
        duration = Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("must be a duration such as 500ms, 5s, 2m, 1h or PT5S");
      }
    }
    return duration;
  }

  private static Duration positive(Duration duration) {
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("must be a positive duration");
    }
    return duration;
  }

  private static Duration notNegative(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("must be zero or a positive duration");
    }
    return duration;
  }

  private static URI parseUri(String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("is not a URL (" + e.getReason() + ")");
    }
    if (!uri.isAbsolute() || uri.getHost() == null) {
      throw new IllegalArgumentException("must be an absolute URL with a host, e.g. http://registry:8080");
    }
    return uri;
  }
}
