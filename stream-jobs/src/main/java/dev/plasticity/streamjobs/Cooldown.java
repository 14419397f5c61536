package dev.plasticity.streamjobs;

import dev.plasticity.streamjobs.drift.DriftSettings;

/**
 * Whether a model may trigger: after a trigger for version v no other trigger for v fires until a
 * newer champion arrives ({@link #NONE} again), or until {@code cooldownEvents} events or {@code
 * cooldownMillis} of event time went by, when those are set; the first to expire re-arms the model.
 *
 * @param version the version that triggered, or null when not cooling down
 * @param eventsSince events seen since the trigger (null before the first)
 * @param until the event time the cooldown ends at, when it ends by time
 */
record Cooldown(Integer version, Long eventsSince, Long until) {
  /** Not cooling down. */
  static final Cooldown NONE = new Cooldown(null, null, null);

  boolean active() {
    return version != null;
  }

  /** Cooling down after a trigger for {@code triggered} at {@code eventTime}. */
  static Cooldown after(DriftSettings settings, int triggered, long eventTime, Cooldown before) {
    Long until = settings.cooldownMillis() > 0 ? Long.valueOf(eventTime + settings.cooldownMillis()) : before.until;
    return new Cooldown(triggered, 0L, until);
  }

  /**
   * The cooldown after one more event at {@code eventTime}. A cooldown that lasts until a newer
   * champion counts nothing (were a restore to bring settings with a cooldown, counting would
   * start there rather than at the trigger).
   */
  Cooldown afterEvent(DriftSettings settings, long eventTime) {
    if (settings.cooldownEvents() == 0 && settings.cooldownMillis() == 0 || !active()) {
      return this;
    }
    long since = (eventsSince == null ? 0 : eventsSince) + 1;
    boolean eventsDone = settings.cooldownEvents() > 0 && since >= settings.cooldownEvents();
    boolean timeDone = settings.cooldownMillis() > 0 && until != null && eventTime >= until;
    return eventsDone || timeDone ? NONE : new Cooldown(version, since, until);
  }
}
