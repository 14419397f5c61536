package dev.plasticity.trainer;

import dev.plasticity.registry.client.FeatureLevels;
import dev.plasticity.schemas.LabelledEvent;
import java.util.List;
import java.util.Locale;

/**
 * Whether a model's networks read each numeric feature relative to its recent level (the
 * architecture's {@code levelSpan}, {@link FeatureLevels}): never ({@link Off}, the default), always
 * over a given span ({@link Fixed}), or over the span that the run's training events favour
 * ({@link Auto}). Parsed once from text ({@code off}, {@code auto}, {@code SPAN}) by {@link #parse};
 * each run {@linkplain #choose chooses} from it. Immutable and thread-safe.
 */
public sealed interface InputLevels {
  /** Features as they are. */
  InputLevels OFF = new Off();

  /** A span when the window's evidence asks for one. */
  InputLevels AUTO = new Auto();

  /** Features as they are. */
  record Off() implements InputLevels {
    @Override
    public String wireName() {
      return "off";
    }

    @Override
    public Choice choose(List<String> features, List<LabelledEvent> training, int servingSpan) {
      return new Choice(0, "");
    }
  }

  /** Always relative to levels over {@code span} events. */
  record Fixed(int span) implements InputLevels {
    public Fixed {
      if (span < 2 || span > FeatureLevels.MAX_SPAN) {
        throw new IllegalArgumentException("a level span must be 2 to " + FeatureLevels.MAX_SPAN
            + " events (off for none), was " + span);
      }
    }

    @Override
    public String wireName() {
      return String.valueOf(span);
    }

    @Override
    public Choice choose(List<String> features, List<LabelledEvent> training, int servingSpan) {
      return new Choice(span, "features relative to their levels over " + span + " events, as configured");
    }
  }

  /**
   * The span among {@link #SPANS} under which a linear model of the features predicts the newest
   * fifth of the run's training events best ({@link LevelEvidence}), when it beats the reading the
   * serving version has (the features as they are when there is none, or when it has none) by at
   * least {@link #MIN_GAIN} and significantly by McNemar's test on the events where they disagree
   * ({@link #SIGNIFICANCE}); the serving version's reading otherwise, so that a model does not
   * change its inputs, and lose its warm start, on noise. Features whose levels wander, and a label
   * that depends on where a feature stands against its recent level, make a relative reading win; on
   * a stationary stream it does not.
   */
  record Auto() implements InputLevels {
    /** The spans weighed, in events. */
    public static final List<Integer> SPANS = List.of(100, 300, 1000);
    /** The least gain another reading must show on the newest training events. */
    public static final double MIN_GAIN = 0.02;
    /**
     * The chance of taking a reading no better than the serving one: McNemar's one-sided test on
     * the events where the two disagree. Not divided among the spans: readings over 100, 300 and
     * 1,000 events disagree on few events, and a wrong relative reading of a stationary feature
     * costs little (it is the feature minus nearly its mean), while a missed one on wandering
     * features costs much.
     */
    public static final double SIGNIFICANCE = 0.05;

    @Override
    public String wireName() {
      return "auto";
    }

    @Override
    public Choice choose(List<String> features, List<LabelledEvent> training, int servingSpan) {
      List<Integer> spans = new java.util.ArrayList<>(SPANS);
      if (servingSpan > 0 && !spans.contains(servingSpan)) {
        spans.add(servingSpan);
      }
      LevelEvidence evidence = LevelEvidence.of(features, training, spans);
      if (evidence.scored() == 0) {
        return new Choice(servingSpan, "input levels (auto): " + describe(servingSpan) + ", the serving version's,"
            + " since " + training.size() + " training events are too few to weigh");
      }
      int best = evidence.bestSpan();
      double gain = evidence.of(best) - evidence.of(servingSpan);
      int wins = evidence.wins(best, servingSpan);
      int losses = evidence.wins(servingSpan, best);
      boolean better = gain >= MIN_GAIN && McNemar.significant(wins, losses, SIGNIFICANCE);
      int chosen = better ? best : servingSpan;
      return new Choice(chosen, String.format(Locale.ROOT,
          "input levels (auto): %s, since a linear model of the features relative to levels over %d events scores"
              + " %.3f and %s %.3f on the newest %d of %d training events (gain %.3f, %d vs %d disagreements: %s"
              + " at %.3f with a gain of at least %.2f)",
          describe(chosen), best, evidence.of(best),
          servingSpan == 0 ? "of the features as they are" : "over the serving version's " + servingSpan + " events",
          evidence.of(servingSpan), evidence.scored(), training.size(), gain, wins, losses,
          better ? "significant" : "not significant", SIGNIFICANCE, MIN_GAIN));
    }

    private static String describe(int span) {
      return span == 0 ? "none" : "over " + span + " events";
    }
  }

  /**
   * The setting a text names: {@code off}, {@code auto} (a span when the evidence asks), or a whole
   * number SPAN of events (0 is {@code off}).
   *
   * @throws IllegalArgumentException saying what the text must be
   */
  static InputLevels parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.equals("off")) {
        return OFF;
      }
      if (t.equals("auto")) {
        return AUTO;
      }
      int span = Integer.parseInt(t);
      return span == 0 ? OFF : new Fixed(span);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("input levels must be off, auto or a span of events SPAN >= 2 (0 for off),"
          + " was '" + text + "' (" + e.getMessage() + ")", e);
    }
  }

  /** The text {@link #parse} reads back: {@code off}, {@code auto}, {@code 300}. */
  String wireName();

  /**
   * The span a run's networks read their features against, and why: {@code training} are the run's
   * training events, oldest first; {@code servingSpan} the serving version's span (0 when it reads
   * its features as they are, or there is none). The reason is empty when levels are {@link Off}.
   */
  Choice choose(List<String> features, List<LabelledEvent> training, int servingSpan);

  /** The span a run chose ({@code 0} for features as they are) and why; empty reason when off. */
  record Choice(int levelSpan, String reason) {
    public Choice {
      if (levelSpan < 0) {
        throw new IllegalArgumentException("levelSpan must not be negative, was " + levelSpan);
      }
    }
  }
}
