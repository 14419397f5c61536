package dev.plasticity.streamjobs;

import dev.plasticity.streamjobs.drift.DriftSettings;
import java.util.Optional;

/**
 * Whether a model may trigger, and what a trigger must show. After a trigger for version v no
 * other trigger for v fires for a cooldown of {@code cooldownEvents} events or {@code
 * cooldownMillis} of event time (the first to expire ends it), long enough for the trainer to
 * answer with a newer champion, which resets everything ({@link #NONE}). When neither is set a
 * trigger holds until a newer champion.
 *
 * <p>A cooldown that ends while v is still the champion means the trigger went unanswered: its
 * challenger lost the gate, the trainer's policy declined, or the run failed. The model is then
 * <em>re-armed</em>, not left unwatched: the next trigger for v carries {@code attempt} = the
 * number of consecutive unanswered triggers, its cooldown is {@code 2^attempt} times as long
 * (at most {@link DriftSettings#MAX_BACKOFF} times), and it needs <em>new evidence</em> ({@link
 * NewEvidence}): a verdict more severe than the last trigger's, a served error above the last
 * trigger's by the error test's minimum effect, or drift still seen after twice the last cooldown
 * (evidence held over a long stretch), so the same unchanged evidence does not retrain again and
 * again on every window.
 *
 * @param version the version of the last trigger since this champion arrived; null when none
 * @param eventsSince events seen since that trigger (null before the first counted)
 * @param until the event time its cooldown ends at, when it ends by time
 * @param attempt while cooling down, the attempt of the trigger that started it; once re-armed,
 *     the attempt of the next trigger (consecutive unanswered triggers)
 * @param rearmed whether the cooldown ended with {@code version} still the champion
 * @param lastSeverity the last trigger's severity
 * @param lastError the served version's error rate on the last trigger's window, when known
 */
record Cooldown(Integer version, Long eventsSince, Long until, int attempt, boolean rearmed, double lastSeverity,
    Double lastError) {
  /** Not cooling down, no trigger since the champion arrived. */
  static final Cooldown NONE = new Cooldown(null, null, null, 0, false, 0.0, null);

  /** What let a verdict through to a trigger. */
  enum NewEvidence {
    /** The first trigger since the champion arrived. */
    FIRST,
    /** A verdict more severe than the last trigger's. */
    STRONGER,
    /** The served error rose above the last trigger's by the error test's minimum effect. */
    ERROR_ROSE,
    /** Drift still seen twice the last cooldown after the last trigger. */
    HELD
  }

  /** Cooling down: no trigger may fire. */
  boolean active() {
    return version != null && !rearmed;
  }

  /** The cooldown multiplier of a trigger with this attempt: 2^attempt, capped. */
  static long backoff(int attempt) {
    return Math.min(1L << Math.min(attempt, 30), DriftSettings.MAX_BACKOFF);
  }

  /** The attempt a trigger fired now carries. */
  int nextAttempt() {
    return version == null ? 0 : attempt;
  }

  /**
   * Cooling down after a trigger for {@code triggered} at {@code eventTime}.
   *
   * @param attempt the trigger's attempt
   * @param severity the trigger's severity
   * @param servedError the served version's error rate on its window, null when unknown
   */
  static Cooldown after(DriftSettings settings, int triggered, long eventTime, int attempt, double severity,
      Double servedError) {
    Long until = settings.cooldownMillis() > 0 ? Long.valueOf(eventTime + settings.cooldownMillis() * backoff(attempt)) : null;
    return new Cooldown(triggered, 0L, until, attempt, false, severity, servedError);
  }

  /**
   * The cooldown after one more event at {@code eventTime}. A cooldown ends after {@code
   * cooldownEvents · backoff} events or at {@code until}; it then re-arms with one more attempt.
   * A cooldown that lasts until a newer champion counts nothing (were a restore to bring settings
   * with a cooldown, counting would start there rather than at the trigger). A re-armed model
   * counts until its evidence is held long enough.
   */
  Cooldown afterEvent(DriftSettings settings, long eventTime) {
    if (version == null || settings.coolsDownUntilANewChampion() || rearmed && heldLong(settings, eventTime)) {
      return this;
    }
    long since = (eventsSince == null ? 0 : eventsSince) + 1;
    if (rearmed) {
      return new Cooldown(version, since, until, attempt, true, lastSeverity, lastError);
    }
    long factor = backoff(attempt);
    boolean eventsDone = settings.cooldownEvents() > 0 && since >= settings.cooldownEvents() * factor;
    boolean timeDone = settings.cooldownMillis() > 0 && until != null && eventTime >= until;
    return eventsDone || timeDone
        ? new Cooldown(version, since, until, attempt + 1, true, lastSeverity, lastError)
        : new Cooldown(version, since, until, attempt, false, lastSeverity, lastError);
  }

  /** Whether a re-armed model has seen twice the last cooldown since its last trigger. */
  private boolean heldLong(DriftSettings settings, long eventTime) {
    long lastFactor = backoff(Math.max(0, attempt - 1));
    boolean byEvents = settings.cooldownEvents() > 0 && eventsSince != null
        && eventsSince >= 2 * settings.cooldownEvents() * lastFactor;
    boolean byTime = settings.cooldownMillis() > 0 && until != null
        && eventTime >= until + settings.cooldownMillis() * lastFactor;
    return byEvents || byTime;
  }

  /**
   * Whether a drifted verdict may become a trigger now, and why; empty while cooling down, and for
   * a re-armed model without new evidence.
   *
   * @param severity the verdict's severity
   * @param servedError the served version's error rate on the verdict's window, null when unknown
   * @param eventTime the event time of the verdict
   */
  Optional<NewEvidence> admits(DriftSettings settings, double severity, Double servedError, long eventTime) {
    if (version == null) {
      return Optional.of(NewEvidence.FIRST);
    }
    if (!rearmed) {
      return Optional.empty();
    }
    if (severity > lastSeverity) {
      return Optional.of(NewEvidence.STRONGER);
    }
    if (servedError != null && lastError != null && servedError - lastError >= settings.errorMinEffect()) {
      return Optional.of(NewEvidence.ERROR_ROSE);
    }
    if (heldLong(settings, eventTime)) {
      return Optional.of(NewEvidence.HELD);
    }
    return Optional.empty();
  }
}
