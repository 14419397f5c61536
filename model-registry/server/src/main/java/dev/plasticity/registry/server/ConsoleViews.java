package dev.plasticity.registry.server;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroCodec.InvalidPayloadException;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the console shows beyond the registry's own records: the {@link TriggerLog} read from
 * {@link Topics#DRIFT_TRIGGERS} and the {@link LiveAccuracy} read from {@link Topics#LIVE_OUTCOMES}.
 * {@link #apply} takes one record of either topic; a record that does not decode or breaks its
 * rules is skipped with the reason (the topics' owners dead-letter; these are read-only views).
 * Thread-safe.
 *
 * @param triggers the last triggers per model
 * @param accuracy live accuracy per version per bucket
 * @param fed whether a consumer feeds these views (false: the registry reads no Kafka, they stay empty)
 */
record ConsoleViews(TriggerLog triggers, LiveAccuracy accuracy, boolean fed) {
  /** Triggers kept per model. */
  static final int TRIGGERS_PER_MODEL = 50;
  /** The width of a live-accuracy bucket. */
  static final Duration BUCKET = Duration.ofMinutes(1);
  /** Live-accuracy buckets kept per model: six hours of one-minute buckets. */
  static final int BUCKETS_KEPT = 360;
  /** Models the views keep. */
  static final int MAX_MODELS = 1000;
  /** The topics the views read. */
  static final List<String> TOPICS = List.of(Topics.DRIFT_TRIGGERS, Topics.LIVE_OUTCOMES);

  private static final AvroCodec<DriftTrigger> TRIGGERS = AvroCodec.of(DriftTrigger.class);
  private static final AvroCodec<LiveOutcome> OUTCOMES = AvroCodec.of(LiveOutcome.class);

  /** Why a record was skipped. */
  enum SkipReason {
    /** Not a record of the topic's type (garbage, a tombstone, an unknown schema). */
    UNDECODABLE,
    /** Decoded, but breaks the record's rules. */
    INVALID;

    /** The metric label. */
    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A skipped record: why, in a word and in words. */
  record Skip(SkipReason reason, String detail) {}

  ConsoleViews {
    Objects.requireNonNull(triggers, "triggers");
    Objects.requireNonNull(accuracy, "accuracy");
  }

  /** Views with the default sizes; {@code fed} says whether a consumer will feed them. */
  static ConsoleViews withDefaults(boolean fed) {
    return new ConsoleViews(new TriggerLog(TRIGGERS_PER_MODEL, MAX_MODELS),
        new LiveAccuracy(BUCKET, BUCKETS_KEPT, MAX_MODELS), fed);
  }

  /**
   * Takes one record's value from {@code topic} into its view.
   *
   * @return why it was skipped; empty when it was taken
   * @throws IllegalArgumentException when {@code topic} is not one of {@link #TOPICS}
   */
  Optional<Skip> apply(String topic, byte[] value) {
    try {
      if (Topics.DRIFT_TRIGGERS.equals(topic)) {
        DriftTrigger trigger = TRIGGERS.decode(value);
        if (trigger.getModel().isEmpty() || trigger.getTriggerId().isEmpty()) {
          return Optional.of(new Skip(SkipReason.INVALID, "a drift trigger names its model and its trigger id"));
        }
        triggers.add(trigger);
      } else if (Topics.LIVE_OUTCOMES.equals(topic)) {
        accuracy.add(OUTCOMES.decode(value));
      } else {
        throw new IllegalArgumentException("the console reads " + TOPICS + ", not " + topic);
      }
      return Optional.empty();
    } catch (InvalidPayloadException e) {
      return Optional.of(new Skip(SkipReason.UNDECODABLE, e.getMessage()));
    } catch (IllegalArgumentException e) {
      if (!TOPICS.contains(topic)) {
        throw e;
      }
      return Optional.of(new Skip(SkipReason.INVALID, e.getMessage()));
    }
  }
}
