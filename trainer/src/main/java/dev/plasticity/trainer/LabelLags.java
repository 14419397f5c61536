package dev.plasticity.trainer;

import dev.plasticity.schemas.LabelledEvent;
import java.util.List;
import java.util.Locale;

/**
 * Whether a model's networks take the last k known labels of its stream as extra inputs (the
 * architecture's {@code labelLags}): never ({@link Off}, the default), always k ({@link Fixed}), or
 * k when the run's training events show temporal dependence ({@link Auto}). Parsed once from text
 * ({@code off}, {@code auto}, {@code auto:K}, {@code K}) by {@link #parse}; each run {@linkplain
 * #choose chooses} its lags from it. Immutable and thread-safe.
 */
public sealed interface LabelLags {
  /** The most lags a setting may ask for: the most the registry accepts in an architecture. */
  int MAX_LAGS = 64;

  /** No lags: the network reads the numeric features alone. */
  LabelLags OFF = new Off();

  /** Lags of one label when the window's evidence asks for them. */
  LabelLags AUTO = new Auto(Auto.DEFAULT_LAGS);

  /** No lags. */
  record Off() implements LabelLags {
    @Override
    public String wireName() {
      return "off";
    }

    @Override
    public Choice choose(List<LabelledEvent> training) {
      return new Choice(0, "");
    }
  }

  /** Always {@code lags} previous labels. */
  record Fixed(int lags) implements LabelLags {
    public Fixed {
      if (lags < 1 || lags > MAX_LAGS) {
        throw new IllegalArgumentException("fixed label lags must be 1 to " + MAX_LAGS + " (off for none), was "
            + lags);
      }
    }

    @Override
    public String wireName() {
      return String.valueOf(lags);
    }

    @Override
    public Choice choose(List<LabelledEvent> training) {
      return new Choice(lags, "label lags: " + lags + ", as configured");
    }
  }

  /**
   * {@code lags} previous labels when predicting the previous label beats predicting the majority
   * class by at least {@link #MIN_GAIN} in accuracy on the run's training events (the temporal
   * dependence that temporal kappa measures, Žliobaitė et al., "Evaluation methods and decision
   * theory for classification of streaming data with temporal dependence", Machine Learning 2015);
   * none otherwise.
   */
  record Auto(int lags) implements LabelLags {
    /** The lags {@code auto} alone takes. */
    public static final int DEFAULT_LAGS = 1;
    /** How much more accurate the no-change classifier must be than the majority class. */
    public static final double MIN_GAIN = 0.05;

    public Auto {
      if (lags < 1 || lags > MAX_LAGS) {
        throw new IllegalArgumentException("auto label lags must be 1 to " + MAX_LAGS + ", was " + lags);
      }
    }

    @Override
    public String wireName() {
      return lags == DEFAULT_LAGS ? "auto" : "auto:" + lags;
    }

    @Override
    public Choice choose(List<LabelledEvent> training) {
      TemporalEvidence evidence = TemporalEvidence.of(training);
      boolean temporal = evidence.gain() >= MIN_GAIN;
      return new Choice(temporal ? lags : 0, String.format(Locale.ROOT,
          "label lags (auto): %s, since predicting the previous label scores %.3f and the majority class %.3f"
              + " on the %d training events (gain %.3f %s %.2f)",
          temporal ? String.valueOf(lags) : "none", evidence.noChangeAccuracy(), evidence.majorityAccuracy(),
          evidence.events(), evidence.gain(), temporal ? ">=" : "<", MIN_GAIN));
    }
  }

  /**
   * The setting a text names: {@code off}, {@code auto} (one lag when the evidence asks), {@code
   * auto:K}, or a whole number K (K lags always; 0 is {@code off}).
   *
   * @throws IllegalArgumentException saying what the text must be
   */
  static LabelLags parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.equals("off")) {
        return OFF;
      }
      if (t.equals("auto")) {
        return AUTO;
      }
      if (t.startsWith("auto:")) {
        return new Auto(Integer.parseInt(t.substring("auto:".length())));
      }
      int k = Integer.parseInt(t);
      return k == 0 ? OFF : new Fixed(k);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("label lags must be off, auto, auto:K or a whole number K >= 0, was '"
          + text + "' (" + e.getMessage() + ")", e);
    }
  }

  /** The text {@link #parse} reads back: {@code off}, {@code auto}, {@code auto:2}, {@code 3}. */
  String wireName();

  /**
   * The lags a run trains with, and why: {@code training} are the run's training events, oldest
   * first, the evidence {@link Auto} weighs. The reason is empty when lags are {@link Off}.
   */
  Choice choose(List<LabelledEvent> training);

  /** The lags a run chose ({@code 0} for none) and why, for its plan's reason; empty reason when off. */
  record Choice(int labelLags, String reason) {
    public Choice {
      if (labelLags < 0) {
        throw new IllegalArgumentException("labelLags must not be negative, was " + labelLags);
      }
    }
  }
}
