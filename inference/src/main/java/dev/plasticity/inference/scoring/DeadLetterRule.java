package dev.plasticity.inference.scoring;

/**
 * The rule a record broke when the scoring app sends it to the dead-letter topic instead of
 * scoring it (or feeding its label). Every dead letter's reason starts with its rule's {@link
 * #id()}, so readers of the topic can group letters without parsing prose, and {@link
 * ScoringCounts} counts letters per rule.
 */
public enum DeadLetterRule {
  /**
   * The record's key and value are larger than the app writes back (its prediction carries its
   * features, its dead letter its bytes, and either must fit one Kafka request); its dead letter
   * names where it lies instead of copying it.
   */
  TOO_LARGE("too-large"),
  /** The bytes are not an Avro record of the topic's type (foreign, corrupt, too large or null). */
  UNDECODABLE("undecodable"),
  /** The event names a model this app does not score. */
  UNKNOWN_MODEL("unknown-model"),
  /** The event's model has no version served yet (none loaded since the app started). */
  NO_VERSION_SERVED("no-version-served"),
  /** The event lacks a feature the served version reads. */
  MISSING_FEATURE("missing-feature"),
  /** A numeric feature is NaN or infinite. */
  NON_FINITE_FEATURE("non-finite-feature"),
  /** A label is not a class index (negative). */
  INVALID_LABEL("invalid-label"),
  /** The served version failed to predict (an engine error). */
  PREDICTION_FAILED("prediction-failed");

  private final String id;

  DeadLetterRule(String id) {
    this.id = id;
  }

  /** The rule's name as it starts a dead letter's reason, e.g. {@code missing-feature}. */
  public String id() {
    return id;
  }

  /** A dead letter's reason: {@code "<id>: <detail>"}. */
  String reason(String detail) {
    return id + ": " + detail;
  }
}
