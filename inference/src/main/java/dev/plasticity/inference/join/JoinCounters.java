package dev.plasticity.inference.join;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What the label join has done since this instance started, for health checks and dashboards.
 * Each count is of records processed by this process: after a crash, Kafka Streams re-reads the
 * records of an aborted transaction and they are counted again, while the topics themselves hold
 * each outcome once (exactly-once processing).
 *
 * <p>Thread-safe: every stream thread adds to the same counters.
 */
public final class JoinCounters {
  private final LongAdder joinedWithPrediction = new LongAdder();
  private final LongAdder joinedWithoutPrediction = new LongAdder();
  private final LongAdder labelsHeld = new LongAdder();
  private final LongAdder labelsAwaitingPrediction = new LongAdder();
  private final LongAdder predictionWaitsExpired = new LongAdder();
  private final LongAdder expiredUnlabelled = new LongAdder();
  private final LongAdder duplicateLabels = new LongAdder();
  private final LongAdder latePredictions = new LongAdder();
  private final LongAdder droppedPredictions = new LongAdder();
  private final LongAdder liveOutcomes = new LongAdder();
  private final Map<JoinDeadLetterRule, LongAdder> deadLettered = new EnumMap<>(JoinDeadLetterRule.class);
  private final Map<LiveVersion, LiveOutcomes> live = new ConcurrentHashMap<>();
  private volatile Consumer<LiveVersion> onFirstOutcome = version -> {};

  /**
   * A version, under one alias, that made predictions the join has labels for.
   *
   * @param model the model
   * @param version the version that made the prediction
   * @param alias the version's alias when it predicted ({@code Prediction.alias}: champion,
   *     challenger, shadow or previous), which tells served predictions from the others
   */
  public record LiveVersion(String model, int version, String alias) {
    public LiveVersion {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(alias, "alias");
    }
  }

  /** One version's joined predictions: those its label agreed with, and the others. */
  private static final class LiveOutcomes {
    final LongAdder correct = new LongAdder();
    final LongAdder wrong = new LongAdder();
  }

  public JoinCounters() {
    for (JoinDeadLetterRule rule : JoinDeadLetterRule.values()) {
      deadLettered.put(rule, new LongAdder()); // filled once here, only read after: safe to share
    }
  }

  /** Labelled events written: one per event id that got a label, with or without a prediction. */
  public long joined() {
    return joinedWithPrediction() + joinedWithoutPrediction();
  }

  /** Labelled events written with the prediction (and version) the event was served. */
  public long joinedWithPrediction() {
    return joinedWithPrediction.sum();
  }

  /**
   * Labelled events written without a prediction: their event was not scored within the
   * prediction wait (never, e.g. before its model's first version, or too late).
   */
  public long joinedWithoutPrediction() {
    return joinedWithoutPrediction.sum();
  }

  /** Labels that arrived before their event and were held for it. */
  public long labelsHeld() {
    return labelsHeld.sum();
  }

  /** Labels that met their event before its prediction and waited for the prediction. */
  public long labelsAwaitingPrediction() {
    return labelsAwaitingPrediction.sum();
  }

  /** Labels whose prediction wait passed without a prediction; each was joined without one. */
  public long predictionWaitsExpired() {
    return predictionWaitsExpired.sum();
  }

  /** Events (and their predictions) whose label did not arrive within window + grace; dropped from the store. */
  public long expiredUnlabelled() {
    return expiredUnlabelled.sum();
  }

  /** Labels for an event id already labelled within the window, or with a label waiting; not published again. */
  public long duplicateLabels() {
    return duplicateLabels.sum();
  }

  /** Predictions that arrived after their event was labelled; dropped. */
  public long latePredictions() {
    return latePredictions.sum();
  }

  /**
   * Predictions dropped because their version had already scored the event, or the event already
   * had as many predictions as the join keeps.
   */
  public long droppedPredictions() {
    return droppedPredictions.sum();
  }

  /** Live outcomes written: one per labelled event that had at least one prediction. */
  public long liveOutcomes() {
    return liveOutcomes.sum();
  }

  /** Records written to the dead-letter topic for breaking {@code rule}. */
  public long deadLettered(JoinDeadLetterRule rule) {
    return deadLettered.get(rule).sum();
  }

  /** Records written to the dead-letter topic, all rules together. */
  public long deadLettered() {
    long total = 0;
    for (LongAdder count : deadLettered.values()) {
      total += count.sum();
    }
    return total;
  }

  /**
   * The versions whose predictions met their labels so far: {@link #livePredictions} of each is
   * their live accuracy.
   */
  public Set<LiveVersion> liveVersions() {
    return Set.copyOf(live.keySet());
  }

  /**
   * Predictions of {@code version} joined with their label: those the label agreed with when
   * {@code correct}, the others when not; 0 for a version with none.
   */
  public long livePredictions(LiveVersion version, boolean correct) {
    LiveOutcomes outcomes = live.get(version);
    return outcomes == null ? 0 : (correct ? outcomes.correct : outcomes.wrong).sum();
  }

  /**
   * Calls {@code listener} with each version when one of its predictions is first joined (at least
   * once per version; twice when two threads join its first ones at the same time), replacing the
   * listener before.
   */
  void onFirstLiveOutcome(Consumer<LiveVersion> listener) {
    onFirstOutcome = Objects.requireNonNull(listener, "listener");
  }

  void countLive(String model, int version, String alias, boolean correct) {
    LiveVersion key = new LiveVersion(model, version, alias);
    LiveOutcomes outcomes = live.get(key);
    if (outcomes == null) {
      outcomes = live.computeIfAbsent(key, k -> new LiveOutcomes());
      onFirstOutcome.accept(key);
    }
    (correct ? outcomes.correct : outcomes.wrong).increment();
  }

  void countJoined(boolean withPrediction) {
    (withPrediction ? joinedWithPrediction : joinedWithoutPrediction).increment();
  }

  void countLatePrediction() {
    latePredictions.increment();
  }

  void countDroppedPrediction() {
    droppedPredictions.increment();
  }

  void countLiveOutcome() {
    liveOutcomes.increment();
  }

  void countLabelHeld() {
    labelsHeld.increment();
  }

  void countLabelAwaitingPrediction() {
    labelsAwaitingPrediction.increment();
  }

  void countPredictionWaitExpired() {
    predictionWaitsExpired.increment();
  }

  void countExpiredUnlabelled() {
    expiredUnlabelled.increment();
  }

  void countDuplicateLabel() {
    duplicateLabels.increment();
  }

  void countDeadLettered(JoinDeadLetterRule rule) {
    deadLettered.get(rule).increment();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("JoinCounters[joinedWithPrediction=").append(joinedWithPrediction())
        .append(", joinedWithoutPrediction=").append(joinedWithoutPrediction())
        .append(", labelsHeld=").append(labelsHeld())
        .append(", labelsAwaitingPrediction=").append(labelsAwaitingPrediction())
        .append(", predictionWaitsExpired=").append(predictionWaitsExpired())
        .append(", expiredUnlabelled=").append(expiredUnlabelled())
        .append(", duplicateLabels=").append(duplicateLabels())
        .append(", latePredictions=").append(latePredictions())
        .append(", droppedPredictions=").append(droppedPredictions())
        .append(", liveOutcomes=").append(liveOutcomes())
        .append(", deadLettered=").append(deadLettered());
    for (Map.Entry<JoinDeadLetterRule, LongAdder> rule : deadLettered.entrySet()) {
      long n = rule.getValue().sum();
      if (n > 0) {
        text.append(", ").append(rule.getKey().id()).append('=').append(n);
      }
    }
    return text.append(']').toString();
  }
}
