package dev.plasticity.inference.join;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the label join has done since this instance started, for health checks and dashboards.
 * Each count is of records processed by this process: after a crash, Kafka Streams re-reads the
 * records of an aborted transaction and they are counted again, while the topics themselves hold
 * each outcome once (exactly-once processing).
 *
 * <p>Thread-safe: every stream thread adds to the same counters.
 */
public final class JoinCounters {
  private final LongAdder joined = new LongAdder();
  private final LongAdder labelsHeld = new LongAdder();
  private final LongAdder expiredUnlabelled = new LongAdder();
  private final LongAdder orphanLabels = new LongAdder();
  private final LongAdder duplicateLabels = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();

  /** Labelled events written: one per event id that got a label. */
  public long joined() {
    return joined.sum();
  }

  /** Labels that arrived before their event and were held for it. */
  public long labelsHeld() {
    return labelsHeld.sum();
  }

  /** Events (and their predictions) whose label did not arrive within window + grace; dropped from the store. */
  public long expiredUnlabelled() {
    return expiredUnlabelled.sum();
  }

  /** Labels whose event did not arrive within window + grace; each was dead-lettered. */
  public long orphanLabels() {
    return orphanLabels.sum();
  }

  /** Labels for an event id already labelled within the window; not published again. */
  public long duplicateLabels() {
    return duplicateLabels.sum();
  }

  /** Records written to the dead-letter topic: undecodable or mis-keyed input and orphan labels. */
  public long deadLettered() {
    return deadLettered.sum();
  }

  void countJoined() {
    joined.increment();
  }

  void countLabelHeld() {
    labelsHeld.increment();
  }

  void countExpiredUnlabelled() {
    expiredUnlabelled.increment();
  }

  void countOrphanLabel() {
    orphanLabels.increment();
  }

  void countDuplicateLabel() {
    duplicateLabels.increment();
  }

  void countDeadLettered() {
    deadLettered.increment();
  }

  @Override
  public String toString() {
    return "JoinCounters[joined=" + joined() + ", labelsHeld=" + labelsHeld() + ", expiredUnlabelled="
        + expiredUnlabelled() + ", orphanLabels=" + orphanLabels() + ", duplicateLabels=" + duplicateLabels()
        + ", deadLettered=" + deadLettered() + "]";
  }
}
