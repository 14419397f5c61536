package dev.plasticity.inference;

import java.util.OptionalInt;

/**
 * How long the champion that was just replaced keeps scoring: a watch of a fixed number of events
 * from the swap, during which the outgoing version scores every event beside its successor (with
 * alias {@code previous}), so that live verification can compare the two on the same events. The
 * watch ends once that many events were scored, or when the champion moves again: then the version
 * that just went out is watched instead, for a full watch. No DJL or Kafka types: the caller keeps
 * the model and releases it when this says the watch is over.
 *
 * <p>Thread-safe.
 */
final class VerificationWatch {
  /** No version is watched. */
  static final int NONE = -1;

  private final long events;
  private int watched = NONE;
  private long remaining;

  /**
   * @param events the events an outgoing champion scores after a swap; 0 turns the watch off
   * @throws IllegalArgumentException when {@code events} is negative
   */
  VerificationWatch(long events) {
    if (events < 0) {
      throw new IllegalArgumentException("a verification watch lasts 0 (off) or more events; was " + events);
    }
    this.events = events;
  }

  /** Whether a swap starts a watch at all. */
  boolean enabled() {
    return events > 0;
  }

  /**
   * {@code outgoing} was replaced as champion: it is watched now, for a full watch.
   *
   * @return the version watched until now, which stops being watched (its model can be released);
   *     empty when none was, or when the watch is off (then {@code outgoing} is not watched either)
   */
  synchronized OptionalInt started(int outgoing) {
    if (!enabled()) {
      return OptionalInt.empty();
    }
    int ended = watched;
    watched = outgoing;
    remaining = events;
    return ended == NONE ? OptionalInt.empty() : OptionalInt.of(ended);
  }

  /**
   * {@code version} scored {@code scored} more events. Counts only while {@code version} is the one
   * watched (events scored by a version whose watch already ended are not counted again).
   *
   * @return whether this ended the watch of {@code version} (its model can be released now)
   * @throws IllegalArgumentException when {@code scored} is negative
   */
  synchronized boolean scored(int version, int scored) {
    if (scored < 0) {
      throw new IllegalArgumentException("events scored cannot be negative; was " + scored);
    }
    if (watched == NONE || version != watched) {
      return false;
    }
    remaining -= scored;
    if (remaining > 0) {
      return false;
    }
    watched = NONE;
    remaining = 0;
    return true;
  }

  /** The version being watched, empty when none is. */
  synchronized OptionalInt watched() {
    return watched == NONE ? OptionalInt.empty() : OptionalInt.of(watched);
  }

  /** Events the watched version still scores; 0 when none is watched. */
  synchronized long remaining() {
    return remaining;
  }

  @Override
  public synchronized String toString() {
    return watched == NONE ? "VerificationWatch[" + events + " events, none watched]"
        : "VerificationWatch[" + events + " events, v" + watched + " for " + remaining + " more]";
  }
}
