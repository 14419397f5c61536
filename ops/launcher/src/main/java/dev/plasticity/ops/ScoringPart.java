package dev.plasticity.ops;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The parts {@code plasticity scoring} can run: the scoring app (unlabelled events to predictions)
 * and the delayed-label join (events, predictions and labels to labelled events). Each is its own
 * Kafka Streams application, so one process may run both or either, and the two scale apart.
 */
enum ScoringPart {
  /** {@code ScoringApp}: scores each unlabelled event with its model's served version. */
  SCORING("scoring"),
  /** {@code LabelJoinApp}: writes one labelled event per labelled event id. */
  JOIN("join");

  private final String id;

  ScoringPart(String id) {
    this.id = id;
  }

  /** The part's name on the command line and in health reports, e.g. {@code join}. */
  String id() {
    return id;
  }

  /** The names, for messages and help: {@code scoring, join}. */
  static String names() {
    return Arrays.stream(values()).map(ScoringPart::id).collect(Collectors.joining(", "));
  }

  /**
   * The part named {@code text}.
   *
   * @throws IllegalArgumentException naming the parts there are
   */
  static ScoringPart parse(String text) {
    for (ScoringPart part : values()) {
      if (part.id.equals(text.trim())) {
        return part;
      }
    }
    throw new IllegalArgumentException("no part of plasticity scoring is named '" + text + "'; the parts are " + names());
  }

  /** The parts to run: {@code only} alone, or every part when it is null (no {@code --only}). */
  static Set<ScoringPart> running(ScoringPart only) {
    return only == null ? EnumSet.allOf(ScoringPart.class) : EnumSet.of(only);
  }

  /** picocli's reading of {@code --only}. */
  static final class Converter implements ITypeConverter<ScoringPart> {
    @Override
    public ScoringPart convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
