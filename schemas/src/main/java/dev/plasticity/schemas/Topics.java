package dev.plasticity.schemas;

import java.util.List;

/** Every Kafka topic Plasticity reads or writes. See ARCHITECTURE.md for keys and values. */
public final class Topics {
  /** {@link LabelledEvent}s keyed by event id. */
  public static final String EVENTS_LABELLED = "plasticity.events.labelled";
  /** {@link DriftTrigger}s keyed by model name. */
  public static final String DRIFT_TRIGGERS = "plasticity.drift.triggers";
  /**
   * {@link ModelVersion}s, one per alias a version holds, its {@code alias} field naming the alias and
   * its {@code assignment} the move; keyed by model name for the champion and {@code model@alias}
   * for any other alias (a tombstone when an alias is removed); compacted, so it holds the current
   * version of every model's every alias.
   */
  public static final String MODEL_VERSIONS = "plasticity.model.versions";
  /** {@link TrainingProgress} keyed by trigger id. */
  public static final String TRAINING_PROGRESS = "plasticity.training.progress";
  /** {@link DeadLetter}s keyed by the original record's key. */
  public static final String EVENTS_DLQ = "plasticity.events.dlq";
  /**
   * {@link DeadLetter}s of drift triggers the trainer could not decode or could not train after its
   * retries, keyed by the trigger's key, with the reason.
   */
  public static final String DRIFT_TRIGGERS_DLQ = "plasticity.drift.triggers.dlq";

  /** {@link UnlabelledEvent}s keyed by event id: what applications send to be scored. */
  public static final String EVENTS_UNLABELLED = "plasticity.events.unlabelled";
  /** {@link Prediction}s keyed by event id: what the scoring app answers. */
  public static final String PREDICTIONS = "plasticity.predictions";
  /** {@link Label}s keyed by event id: the truth, arriving late; joined with predictions. */
  public static final String LABELS = "plasticity.labels";

  /** {@link RegistryChange}s keyed by model name: every change the registry makes, in order per model. */
  public static final String REGISTRY_CHANGES = "plasticity.registry.changes";
  /**
   * {@link LiveOutcome}s keyed by model name: each joined event with every version that scored it,
   * right or wrong. Live accuracy per version and live verification after a swap read it.
   */
  public static final String LIVE_OUTCOMES = "plasticity.live.outcomes";

  /** All topics, in creation order. */
  public static final List<String> ALL = List.of(EVENTS_LABELLED, DRIFT_TRIGGERS, MODEL_VERSIONS, TRAINING_PROGRESS,
      EVENTS_DLQ, DRIFT_TRIGGERS_DLQ, EVENTS_UNLABELLED, PREDICTIONS, LABELS, REGISTRY_CHANGES, LIVE_OUTCOMES);

  /** Whether a topic must be created with {@code cleanup.policy=compact}. */
  public static boolean isCompacted(String topic) {
    return MODEL_VERSIONS.equals(topic);
  }

  private Topics() {}
}
