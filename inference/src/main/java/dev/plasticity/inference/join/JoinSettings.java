package dev.plasticity.inference.join;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the label join waits. An event (its {@code UnlabelledEvent} or {@code Prediction}) waits
 * {@code window} from its event time for its label; a label that came first waits {@code window}
 * from its label time for its event; a joined event id remembers its label for {@code window} from
 * the label time, to tell a repeated label from a new one. {@code grace} is added to each wait for
 * records that arrive a little out of order. A label that meets its event before the scoring app's
 * prediction for it waits up to {@code predictionWait} more for that prediction, so that the
 * labelled event carries what was served; after that it is labelled without one. All are measured
 * in stream time (the largest record timestamp the join has read), never the wall clock, so
 * replaying a backlog joins exactly as the live stream did. Immutable.
 *
 * @param window how long an event waits for its label, and a label for its event; positive
 * @param grace extra time before anything waiting is given up; zero or positive
 * @param predictionWait how long a label that has met its event waits for the event's prediction;
 *     zero or positive (zero: it is joined at once with whatever is known)
 */
public record JoinSettings(Duration window, Duration grace, Duration predictionWait) {
  /** Labels arrive minutes to days after their prediction: a day by default. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
  /** Room for records that arrive slightly out of order across the three input topics. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);
  /**
   * Scoring answers within seconds even when loaded (in the demo, on two cores shared by the whole
   * stack, 99 % of predictions came back within 6.1 s of their events), and a scoring instance that
   * restarts or hands its partitions over resumes within seconds to tens of seconds: 30 s catches
   * almost every prediction, while an event that is never scored (before its model's first
   * version) is labelled only 30 s late, against a label window of hours.
   */
  public static final Duration DEFAULT_PREDICTION_WAIT = Duration.ofSeconds(30);

  /** @throws IllegalArgumentException naming the rule a value breaks */
  public JoinSettings {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(predictionWait, "predictionWait");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the join window must be positive (how long an event waits for its label), got "
          + window);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the join grace period must be zero or positive, got " + grace);
    }
    if (predictionWait.isNegative()) {
      throw new IllegalArgumentException("the join's prediction wait must be zero or positive (how long a label that "
          + "met its event waits for the event's prediction), got " + predictionWait);
    }
    try {
      Math.addExact(window.toMillis(), grace.toMillis());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("the join window plus grace must fit in a long of milliseconds, got "
          + window + " + " + grace, e);
    }
    try {
      predictionWait.toMillis();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("the join's prediction wait must fit in a long of milliseconds, got "
          + predictionWait, e);
    }
  }

  /** A window and grace period with the {@link #DEFAULT_PREDICTION_WAIT}. */
  public JoinSettings(Duration window, Duration grace) {
    this(window, grace, DEFAULT_PREDICTION_WAIT);
  }

  /** {@link #DEFAULT_WINDOW}, {@link #DEFAULT_GRACE} and {@link #DEFAULT_PREDICTION_WAIT}. */
  public static JoinSettings defaults() {
    return new JoinSettings(DEFAULT_WINDOW, DEFAULT_GRACE, DEFAULT_PREDICTION_WAIT);
  }

  /** These settings with another window. */
  public JoinSettings withWindow(Duration window) {
    return new JoinSettings(window, grace, predictionWait);
  }

  /** These settings with another grace period. */
  public JoinSettings withGrace(Duration grace) {
    return new JoinSettings(window, grace, predictionWait);
  }

  /** These settings with another prediction wait. */
  public JoinSettings withPredictionWait(Duration predictionWait) {
    return new JoinSettings(window, grace, predictionWait);
  }

  /** How long after its time anything waits before it is given up: window plus grace, in millis. */
  long waitMillis() {
    return window.toMillis() + grace.toMillis();
  }
}
