package dev.plasticity.trainer;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run's window says once it is read, before anything is trained: how the serving version
 * does on it, and whether its error still rises across it; how the best earlier champion does, and
 * how often one of the two is right where the other is wrong; and whether the model's latency or
 * multiply-add limit leaves room for a full-depth network. {@link RetrainingPolicy#refine} reads it to choose
 * among the strategies a trigger alone cannot tell apart. Immutable.
 *
 * @param servingAccuracy the serving version's accuracy on the held-out (newest) events
 * @param earlyError the serving version's error on the older half of the window's events
 * @param lateError its error on the newer half
 * @param events events in the window
 * @param knownConcepts earlier champions of the lineage other than the serving version (each learned a
 *     concept the stream showed before); 0 when none
 * @param earlier the best earlier champion on the held-out events, when one was scored
 * @param servesExperts whether the serving version is a gate over experts (a concept added is one more expert)
 * @param latency how a full-depth network meets the model's latency budget, when it has one
 */
public record WindowEvidence(double servingAccuracy, double earlyError, double lateError, int events,
    int knownConcepts, Optional<Earlier> earlier, boolean servesExperts, Optional<CostRoom> cost) {

  /** The error rise across the window from which the change reads as still under way (gradual), not completed. */
  static final double GRADUAL_RISE = 0.05;
  /**
   * The share of held-out events one of serving and earlier gets right and the other wrong, each
   * way, from which the two know different parts of the window: a mixture of concepts.
   */
  static final double COMPLEMENTARY_SHARE = 0.05;
  /** The share of a cost limit a full-depth network may take before early exits are worth training. */
  static final double TIGHT_SHARE = 0.5;
  /** How far above the serving version an earlier champion must score for its concept to count as back. */
  static final double RECURRING_MARGIN = 0.02;

  public WindowEvidence {
    Objects.requireNonNull(earlier, "earlier");
    Objects.requireNonNull(cost, "cost");
    if (knownConcepts < 0 || events < 0) {
      throw new IllegalArgumentException("known concepts and events must not be negative");
    }
  }

  /**
   * The best earlier champion on the window's held-out events.
   *
   * @param version its registry version
   * @param accuracy its accuracy
   * @param onlyItRight share of held-out events it gets right and the serving version wrong
   * @param onlyServingRight share the serving version gets right and it wrong
   */
  public record Earlier(int version, double accuracy, double onlyItRight, double onlyServingRight) {}

  /**
   * How the serving network, at full depth, meets one of the model's cost limits.
   *
   * @param measure what is limited, in words with its unit: {@code median single-row latency (µs)},
   *     {@code p99 single-row latency (µs)} or {@code multiply-adds per row}
   * @param estimate the network's figure
   * @param limit the limit on the same
   */
  public record CostRoom(String measure, double estimate, double limit) {
    public CostRoom {
      Objects.requireNonNull(measure, "measure");
    }

    /** The share of the limit the estimate takes. */
    public double share() {
      return limit > 0 ? estimate / limit : Double.POSITIVE_INFINITY;
    }

    /** Whether the estimate takes more than {@link #TIGHT_SHARE} of the limit: a network with early exits may pay. */
    public boolean tight() {
      return share() > TIGHT_SHARE;
    }
  }

  /** Whether the serving version's error still rises across the window: a change under way. */
  public boolean gradual() {
    return lateError - earlyError >= GRADUAL_RISE;
  }

  /**
   * Whether a concept seen before is back: an earlier champion scores on the window at least {@link
   * #RECURRING_MARGIN} above the serving version (a recall that passes the gate has already served
   * it; this is the concept back in part of the window, or by too little to pass the gate alone).
   */
  public boolean recurring() {
    return earlier.isPresent() && earlier.get().accuracy() >= servingAccuracy + RECURRING_MARGIN;
  }

  /**
   * Whether the serving version and the best earlier champion are each right where the other is
   * wrong on at least {@link #COMPLEMENTARY_SHARE} of the events: the window holds more than one
   * concept, so a gate that routes rows to one expert per concept can beat both.
   */
  public boolean complementary() {
    return earlier.isPresent() && earlier.get().onlyItRight() >= COMPLEMENTARY_SHARE
        && earlier.get().onlyServingRight() >= COMPLEMENTARY_SHARE;
  }

  /** The figures, in words, for a plan's reason. */
  String figures() {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "serving accuracy %.3f; its error %.3f on the older half of %d events, %.3f on the newer", servingAccuracy,
        earlyError, events, lateError));
    earlier.ifPresent(e -> text.append(String.format(Locale.ROOT,
        "; best of %d earlier champion(s) v%d %.3f (right where serving is wrong on %.3f, wrong where it is right on"
            + " %.3f)", knownConcepts, e.version(), e.accuracy(), e.onlyItRight(), e.onlyServingRight())));
    cost.ifPresent(c -> text.append(String.format(Locale.ROOT, "; at full depth its %s %.0f of a limit of %.0f",
        c.measure(), c.estimate(), c.limit())));
    return text.toString();
  }
}
