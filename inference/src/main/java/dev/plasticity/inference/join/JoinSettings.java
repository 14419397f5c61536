package dev.plasticity.inference.join;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the label join waits. An event (its {@code UnlabelledEvent} or {@code Prediction}) waits
 * {@code window} from its event time for its label; a label that came first waits {@code window}
 * from its label time for its event; a joined event id remembers its label for {@code window} from
 * the label time, to tell a repeated label from a new one. {@code grace} is added to each wait for
 * records that arrive a little out of order. Both are measured in stream time (the largest record
 * timestamp the join has read), never the wall clock, so replaying a backlog joins exactly as the
 * live stream did. Immutable.
 *
 * @param window how long an event waits for its label, and a label for its event; positive
 * @param grace extra time before anything waiting is given up; zero or positive
 */
public record JoinSettings(Duration window, Duration grace) {
  /** Labels arrive minutes to days after their prediction: a day by default. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
  /** Room for records that arrive slightly out of order across the three input topics. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

  /** @throws IllegalArgumentException naming the rule a value breaks */
  public JoinSettings {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(grace, "grace");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the join window must be positive (how long an event waits for its label), got "
          + window);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the join grace period must be zero or positive, got " + grace);
    }
    try {
      Math.addExact(window.toMillis(), grace.toMillis());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("the join window plus grace must fit in a long of milliseconds, got "
          + window + " + " + grace, e);
    }
  }

  /** {@link #DEFAULT_WINDOW} and {@link #DEFAULT_GRACE}. */
  public static JoinSettings defaults() {
    return new JoinSettings(DEFAULT_WINDOW, DEFAULT_GRACE);
  }

  /** These settings with another window. */
  public JoinSettings withWindow(Duration window) {
    return new JoinSettings(window, grace);
  }

  /** These settings with another grace period. */
  public JoinSettings withGrace(Duration grace) {
    return new JoinSettings(window, grace);
  }

  /** How long after its time anything waits before it is given up: window plus grace, in millis. */
  long waitMillis() {
    return window.toMillis() + grace.toMillis();
  }
}
