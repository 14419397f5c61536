package dev.plasticity.inference.scoring;

import dev.plasticity.inference.AliasRole;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What the scoring topology did with the records it read: events scored, events pending, records dead-lettered
 * per {@link DeadLetterRule}, labels fed to a predictor and labels for a model this app does not
 * score, and predictions and failed predictions per {@link AliasVersion} (a model's version in one role: the
 * champion, the challenger of a canary, the shadow, the previous champion during a watch). Plain counters;
 * {@link ScoringApp#bindTo} exports them to a Micrometer registry.
 *
 * <p>Thread-safe: every stream thread of an app adds to the same counts.
 */
public final class ScoringCounts {
  private final LongAdder scored = new LongAdder();
  private final Map<DeadLetterRule, LongAdder> deadLettered = new EnumMap<>(DeadLetterRule.class);
  private final LongAdder labelsRecorded = new LongAdder();
  private final LongAdder labelsForUnknownModels = new LongAdder();
  private final LongAdder pending = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder batchedEvents = new LongAdder();
  private final Map<AliasVersion, AliasCounts> byAlias = new ConcurrentHashMap<>();
  private volatile Consumer<AliasVersion> onNewAliasVersion = key -> {};

  /**
   * A version of a model in one role, as the per-alias counts are kept.
   *
   * @param version the version; -1 when a failure came before any version of the role was known
   */
  public record AliasVersion(String model, AliasRole role, int version) {
    public AliasVersion {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(role, "role");
    }
  }

  private record AliasCounts(LongAdder predictions, LongAdder failures) {
    AliasCounts() {
      this(new LongAdder(), new LongAdder());
    }
  }

  public ScoringCounts() {
    for (DeadLetterRule rule : DeadLetterRule.values()) {
      deadLettered.put(rule, new LongAdder()); // filled once here, only read after: safe to share
    }
  }

  /** Events scored and written as predictions. */
  public long scored() {
    return scored.sum();
  }

  /** Records sent to the dead-letter topic for breaking {@code rule}. */
  public long deadLettered(DeadLetterRule rule) {
    return deadLettered.get(rule).sum();
  }

  /** Records sent to the dead-letter topic, all rules together. */
  public long deadLettered() {
    long total = 0;
    for (LongAdder count : deadLettered.values()) {
      total += count.sum();
    }
    return total;
  }

  /** Labels handed to their model's predictor. */
  public long labelsRecorded() {
    return labelsRecorded.sum();
  }

  /** Labels for a model this app does not score: counted and skipped, not an error. */
  public long labelsForUnknownModels() {
    return labelsForUnknownModels.sum();
  }

  /**
   * Events read and checked that wait in this app's pending stores to be scored in a batch (those
   * restored from a changelog included).
   */
  public long pending() {
    return pending.sum();
  }

  /** Batches scored (each one or more {@code predictBatch} calls, one per model in it). */
  public long batches() {
    return batches.sum();
  }

  /** Events in the batches scored, predicted or dead-lettered: over {@link #batches()}, the mean batch size. */
  public long batchedEvents() {
    return batchedEvents.sum();
  }

  /** Predictions written by {@code key} (the champion's and the challenger's answers, the others' beside them). */
  public long aliasPredictions(AliasVersion key) {
    AliasCounts counts = byAlias.get(key);
    return counts == null ? 0 : counts.predictions().sum();
  }

  /**
   * Events {@code key} failed to score: an answer that failed is dead-lettered (the champion) or
   * answered by the champion instead (a canary); a shadow's or previous champion's is only counted.
   */
  public long aliasFailures(AliasVersion key) {
    AliasCounts counts = byAlias.get(key);
    return counts == null ? 0 : counts.failures().sum();
  }

  /** Every model version and role counted so far. */
  public Set<AliasVersion> aliasVersions() {
    return Set.copyOf(byAlias.keySet());
  }

  /** Calls {@code listener} (on a stream thread; it must not block) when a version and role is counted for the first time. */
  void onNewAliasVersion(Consumer<AliasVersion> listener) {
    onNewAliasVersion = Objects.requireNonNull(listener, "listener");
  }

  void aliasPredicted(AliasVersion key, int events) {
    aliasCounts(key).predictions().add(events);
  }

  void aliasFailed(AliasVersion key, int events) {
    aliasCounts(key).failures().add(events);
  }

  private AliasCounts aliasCounts(AliasVersion key) {
    AliasCounts counts = byAlias.get(key);
    if (counts == null) {
      AliasCounts fresh = new AliasCounts();
      counts = byAlias.putIfAbsent(key, fresh);
      if (counts == null) {
        counts = fresh;
        onNewAliasVersion.accept(key);
      }
    }
    return counts;
  }

  void batchScored(int events) {
    batches.increment();
    batchedEvents.add(events);
  }

  void pending(int change) {
    pending.add(change);
  }

  void scored(int events) {
    scored.add(events);
  }

  void deadLettered(DeadLetterRule rule, int records) {
    deadLettered.get(rule).add(records);
  }

  void labelRecorded() {
    labelsRecorded.increment();
  }

  void labelForUnknownModel() {
    labelsForUnknownModels.increment();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("ScoringCounts[scored=").append(scored()).append(", pending=")
        .append(pending()).append(", batches=").append(batches()).append(", batchedEvents=").append(batchedEvents());
    for (Map.Entry<DeadLetterRule, LongAdder> rule : deadLettered.entrySet()) {
      long n = rule.getValue().sum();
      if (n > 0) {
        text.append(", ").append(rule.getKey().id()).append('=').append(n);
      }
    }
    return text.append(", labelsRecorded=").append(labelsRecorded()).append(", labelsForUnknownModels=")
        .append(labelsForUnknownModels()).append(']').toString();
  }
}
