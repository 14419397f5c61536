package dev.plasticity.inference.join;

/**
 * The rule a record broke when the label join sends it to the dead-letter topic. Every dead letter
 * the join writes has a reason that starts with its rule's {@link #id()} (as the scoring app's do),
 * so readers of the topic can group letters without parsing prose, and {@link JoinCounters}
 * counts letters per rule.
 */
public enum JoinDeadLetterRule {
  /** The bytes are not an Avro record of the topic's type (foreign, corrupt, too large or null). */
  UNDECODABLE("undecodable"),
  /**
   * The record's key is null or not its event id, so its event's other records would be read in
   * another partition and never meet it.
   */
  WRONG_KEY("wrong-key"),
  /** Its event time or label time is negative; both are epoch millis. */
  NEGATIVE_TIME("negative-time"),
  /**
   * A label for which neither its event's {@code UnlabelledEvent} nor its {@code Prediction}
   * arrived within window and grace of its label time; a labelled event needs the event's features.
   */
  ORPHAN_LABEL("orphan-label");

  private final String id;

  JoinDeadLetterRule(String id) {
    this.id = id;
  }

  /** The rule's name as it starts a dead letter's reason, e.g. {@code orphan-label}. */
  public String id() {
    return id;
  }

  /** A dead letter's reason: {@code "<id>: <detail>"}. */
  String reason(String detail) {
    return id + ": " + detail;
  }
}
