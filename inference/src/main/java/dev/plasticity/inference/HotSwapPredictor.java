package dev.plasticity.inference;

import dev.plasticity.registry.client.FeatureColumns;
import dev.plasticity.registry.client.FeatureLevels;
import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.Architecture;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Serves predictions for one model from whichever version is current, and swaps versions in one
 * atomic step without failing or blocking a prediction.
 *
 * <p>Versions are swapped in by a {@link ModelLoader}, only once verified and warmed up. A
 * prediction acquires a reference on the current {@code ServingModel}; a swap replaces the
 * current model and retires the old one, which closes once its in-flight predictions have
 * released it. A prediction that loses the race (the model it read closed before it could
 * acquire it) retries with the model that replaced it. Every {@link Prediction} carries the
 * version that made it.
 *
 * <p><b>Label lags.</b> A version whose architecture has {@code labelLags = k > 0} takes the last
 * k known labels of the model's stream as extra inputs, as it was trained. The predictor keeps a
 * stream-wide history of labels that the caller feeds with {@link #recordLabel(int)} as each
 * event's true label arrives, in the stream's order; {@link #predict} on such a version uses the
 * newest k recorded labels (a batch uses the same ones for every row). A label not recorded yet is
 * never guessed: its inputs are zeros, as for the first events of a training window. Versions
 * without lags ignore the history, so recording labels is harmless for them.
 *
 * <p><b>Input levels.</b> A version whose architecture has {@code levelSpan > 0} reads each feature
 * relative to its recent level ({@link FeatureLevels}). The predictor walks the levels over the
 * events it predicts, in the order it predicts them, starting where the version's training left
 * them ({@code featureLevels}); a swap to a version with the same features and span carries the
 * levels on, so they follow the stream across versions.
 *
 * <pre>{@code
 * HotSwapPredictor predictor = new HotSwapPredictor("fraud");
 * ModelLoader loader = new ModelLoader(new RegistryClient(registryUrl), predictor); // verifies, then swaps
 * try (ModelSubscription versions = ModelSubscription.start(bootstrapServers, loader)) {
 *   Prediction p = predictor.predict(Map.of("amount", 12.5, "hour", 3.0), Map.of("country", "NL"));
 *   predictor.recordLabel(trueLabel); // once it is known: the next prediction of a lagged version reads it
 * }
 * }</pre>
 *
 * <p>Thread-safe: predictions are lock-free; swaps and {@link #close()} are serialised.
 */
public final class HotSwapPredictor implements AutoCloseable {
  static final int NOT_SWAPPED = Integer.MIN_VALUE;
  private static final int[] NO_LABELS = new int[0];
  private final String model;
  private final Clock clock;
  private final AtomicReference<ServingModel> current = new AtomicReference<>();
  private final LongAdder predictions = new LongAdder();
  private final Map<PredictionFailure, LongAdder> failedPredictions = new EnumMap<>(PredictionFailure.class);
  private final LongAdder swaps = new LongAdder();
  private final LabelHistory labels = new LabelHistory();
  private final AtomicReference<FeatureLevels> levels = new AtomicReference<>();
  private volatile Instant swappedAt;
  private volatile boolean closed;
  /** Told the nanoseconds of each batch answered; set by {@link ServingMetrics}. */
  private volatile LongConsumer answerNanos = nanos -> {};
  /** Takes the model a swap replaces instead of retiring it (a verification watch); null: retire it. */
  private volatile OutgoingTaker outgoingTaker;

  public HotSwapPredictor(String model) {
    this(model, Clock.systemUTC());
  }

  /** @param clock stamps {@link #swappedAt()} */
  public HotSwapPredictor(String model, Clock clock) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("a predictor serves a named model; the name was blank");
    }
    this.model = model;
    this.clock = Objects.requireNonNull(clock, "clock");
    for (PredictionFailure reason : PredictionFailure.values()) {
      failedPredictions.put(reason, new LongAdder()); // filled once here, only read after: safe to share
    }
  }

  public String model() {
    return model;
  }

  /**
   * Predicts one event.
   *
   * @throws IllegalArgumentException when a feature the served model needs is missing
   * @throws IllegalStateException when no version is served yet, or the predictor is closed
   */
  public Prediction predict(Map<String, Double> features) {
    return predictBatch(List.of(features)).get(0);
  }

  /**
   * Predicts one event with its categorical features: a value the served version's vocabulary
   * lacks, or a categorical feature the event lacks, reads as that feature's unknown value.
   *
   * @throws IllegalArgumentException when a numeric feature the served model needs is missing
   * @throws IllegalStateException when no version is served yet, or the predictor is closed
   */
  public Prediction predict(Map<String, Double> features, Map<String, String> categorical) {
    return predictBatch(List.of(features), List.of(categorical)).get(0);
  }

  /**
   * Records the newest known label of the model's stream, for versions whose networks take label
   * lags: the next predictions read it as the most recent previous label.
   *
   * @throws IllegalArgumentException when {@code label} is negative (labels are class indices)
   */
  public void recordLabel(int label) {
    labels.record(label);
  }

  /**
   * Predicts a batch of events with one model version (one forward pass); the answers are in the
   * order of {@code batch}. Counts one prediction (or one failure) per event.
   *
   * @throws IllegalArgumentException when a feature the served model needs is missing
   * @throws IllegalStateException when no version is served yet, or the predictor is closed
   */
  public List<Prediction> predictBatch(List<Map<String, Double>> batch) {
    return answer(batch.size(), (serving, recentLabels, levels) -> serving.predict(batch, recentLabels, levels));
  }

  /**
   * Predicts a batch of events with their categorical features, {@code categorical.get(r)} for
   * event {@code r}, as {@link #predictBatch(List)} otherwise.
   *
   * @throws IllegalArgumentException when a numeric feature the served model needs is missing, or
   *     {@code categorical} does not hold one map per event
   * @throws IllegalStateException when no version is served yet, or the predictor is closed
   */
  public List<Prediction> predictBatch(List<Map<String, Double>> batch, List<Map<String, String>> categorical) {
    Objects.requireNonNull(categorical, "categorical");
    return answer(batch.size(),
        (serving, recentLabels, levels) -> serving.predict(batch, categorical, recentLabels, levels));
  }

  /**
   * Predicts a batch of events held by column, as {@link #predictBatch(List)} predicts the same
   * events given as maps, with the same answers; the answers are in row order. The fastest way in
   * for a caller whose events are already columns: the batch is encoded without a map look-up per
   * event.
   *
   * @throws IllegalArgumentException when the batch has no column for a feature the served model needs
   * @throws IllegalStateException when no version is served yet, or the predictor is closed
   */
  public List<Prediction> predictBatch(FeatureColumns batch) {
    return answer(batch.rows(), (serving, recentLabels, levels) -> serving.predict(batch, recentLabels, levels));
  }

  /** How a batch is predicted by one version, given the stream's recent labels and its levels. */
  private interface BatchAnswer {
    List<Prediction> by(ServingModel serving, int[] recentLabels, FeatureLevels levels);
  }

  private List<Prediction> answer(int rows, BatchAnswer batch) {
    if (rows == 0) {
      return List.of();
    }
    long started = System.nanoTime();
    try {
      while (true) {
        ServingModel serving = current.get();
        if (serving == null) {
          throw new NothingServed(closed
              ? "the predictor for model " + model + " is closed"
              : "no model version is being served yet for model " + model);
        }
        if (!serving.acquire()) {
          continue; // swapped and closed since we read it: the next read sees its successor
        }
        try {
          int lags = serving.labelLags();
          List<Prediction> out = batch.by(serving, lags > 0 ? labels.recent(lags) : NO_LABELS,
              levelsFor(serving.architecture()));
          predictions.add(out.size());
          answerNanos.accept(System.nanoTime() - started);
          return out;
        } finally {
          serving.release();
        }
      }
    } catch (RuntimeException e) {
      PredictionFailure reason = e instanceof NothingServed ? PredictionFailure.NO_VERSION_SERVED
          : e instanceof IllegalArgumentException ? PredictionFailure.INVALID_INPUT : PredictionFailure.ERROR;
      failedPredictions.get(reason).add(rows);
      throw e;
    }
  }

  /** No version to predict with: nothing swapped in yet, or closed. */
  private static final class NothingServed extends IllegalStateException {
    NothingServed(String message) {
      super(message);
    }
  }

  /** Tells {@code nanos} how long each batch answered took, from the call to the answer. */
  void timeAnswersWith(LongConsumer nanos) {
    answerNanos = Objects.requireNonNull(nanos, "nanos");
  }

  /**
   * The levels a version reads its features against: those walked so far when they follow its
   * features and span, else fresh ones from where its training left them; null when it reads its
   * features as they are.
   */
  private FeatureLevels levelsFor(Architecture architecture) {
    if (architecture.getLevelSpan() == 0) {
      return null;
    }
    while (true) {
      FeatureLevels walked = levels.get();
      if (walked != null && walked.fits(architecture)) {
        return walked;
      }
      FeatureLevels fresh = FeatureLevels.of(architecture);
      if (levels.compareAndSet(walked, fresh)) {
        return fresh;
      }
    }
  }

  /**
   * Serves {@code next} from now on and retires the model served so far (it closes once its
   * in-flight predictions finish). Replaces whatever is served, even a higher version: use
   * {@link #swapIfNewer} to only move forward.
   *
   * @return the version served before, empty if none
   * @throws IllegalArgumentException when {@code next} is for another model
   * @throws IllegalStateException when {@code next} was served before or is closed, or this predictor is closed
   */
  synchronized OptionalInt swap(ServingModel next) {
    checkSwappable(next);
    ServingModel previous = install(next);
    return previous == null ? OptionalInt.empty() : OptionalInt.of(previous.version());
  }

  /**
   * Like {@link #swap} but only when {@code next} is a higher version than the one served; when it
   * is not, nothing changes and the caller still owns {@code next} ({@link ServingModel#discard()}).
   *
   * @return whether {@code next} is now served
   */
  boolean swapIfNewer(ServingModel next) {
    return swapIfNewerFrom(next) != NOT_SWAPPED;
  }

  /** {@link #swapIfNewer}, answering the version served before (-1: none) or {@link #NOT_SWAPPED}. */
  synchronized int swapIfNewerFrom(ServingModel next) {
    checkSwappable(next);
    if (!newerThanServed(next.sequence(), next.version())) {
      return NOT_SWAPPED;
    }
    ServingModel previous = install(next);
    return previous == null ? -1 : previous.version();
  }

  /**
   * Whether a version under the champion assignment {@code sequence} (null: none) is newer than the
   * one served ({@link Aliases#compare}): by the registry's change number, so a rollback to an
   * older version counts as newer; by version number between versions that came without one.
   */
  boolean newerThanServed(Long sequence, int version) {
    ServingModel serving = current.get();
    return serving == null || Aliases.compare(sequence, version, serving.sequence(), serving.version()) > 0;
  }

  private void checkSwappable(ServingModel next) {
    Objects.requireNonNull(next, "next");
    if (!next.model().equals(model)) {
      throw new IllegalArgumentException(
          "this predictor serves model " + model + "; cannot swap in " + next.model() + " v" + next.version());
    }
    if (closed) {
      throw new IllegalStateException("the predictor for model " + model + " is closed; cannot swap in v" + next.version());
    }
    if (next.isClosed()) {
      throw new IllegalStateException(next + " is closed; a closed model cannot be served");
    }
  }

  private ServingModel install(ServingModel next) {
    if (!next.markServed()) {
      throw new IllegalStateException(next + " was already served once; load the version again to serve it again");
    }
    ServingModel previous = current.getAndSet(next);
    swappedAt = clock.instant();
    swaps.increment();
    if (previous != null) {
      OutgoingTaker taker = outgoingTaker;
      if (taker == null || !taker.take(previous, walkedCopy(previous.architecture()))) {
        previous.retire();
      }
    }
    return previous;
  }

  /** Takes the model a swap replaced, still holding its serving reference, with a copy of the levels it walked. */
  interface OutgoingTaker {
    /** @return whether it took {@code outgoing} (then it retires it itself); false: the predictor retires it */
    boolean take(ServingModel outgoing, FeatureLevels walked);
  }

  /** From now on a swap hands the model it replaces to {@code taker} rather than retiring it at once. */
  void handOutgoingTo(OutgoingTaker taker) {
    outgoingTaker = Objects.requireNonNull(taker, "taker");
  }

  /**
   * A copy of the levels walked so far when they fit {@code architecture} (so that a version that
   * goes on scoring elsewhere reads its events as it did here, without walking these levels twice);
   * null when they do not or it reads no levels.
   */
  private FeatureLevels walkedCopy(Architecture architecture) {
    FeatureLevels walked = levels.get();
    if (architecture.getLevelSpan() == 0 || walked == null || !walked.fits(architecture)) {
      return null;
    }
    return FeatureLevels.of(Architecture.newBuilder(architecture).setFeatureLevels(walked.current()).build());
  }

  /**
   * Serves {@code outgoing}, a model another predictor served and handed over with its serving
   * reference, from the levels {@code walked} (null: fresh ones when it reads levels); retires what
   * this predictor served before.
   */
  synchronized void adopt(ServingModel outgoing, FeatureLevels walked) {
    Objects.requireNonNull(outgoing, "outgoing");
    if (!outgoing.model().equals(model)) {
      throw new IllegalArgumentException("this predictor serves model " + model + "; cannot adopt " + outgoing);
    }
    if (closed) {
      outgoing.retire();
      return;
    }
    levels.set(walked);
    ServingModel before = current.getAndSet(outgoing);
    swappedAt = clock.instant();
    swaps.increment();
    if (before != null) {
      before.retire();
    }
  }

  /**
   * Stops serving the current version when it is {@code version} (any version: null): it closes once
   * its in-flight predictions finish; predictions fail as before the first swap until another version
   * is swapped in. For an alias that was removed, or a watch that ended.
   *
   * @return whether a version was served and stopped
   */
  synchronized boolean stopServing(Integer version) {
    ServingModel serving = current.get();
    if (serving == null || (version != null && serving.version() != version)) {
      return false;
    }
    current.set(null);
    serving.retire();
    return true;
  }

  /** The version being served, empty before the first swap. */
  public OptionalInt servedVersion() {
    ServingModel serving = current.get();
    return serving == null ? OptionalInt.empty() : OptionalInt.of(serving.version());
  }

  /** When the served version went into service, empty before the first swap. */
  public Optional<Instant> swappedAt() {
    return Optional.ofNullable(swappedAt);
  }

  /** Events predicted so far. */
  public long predictions() {
    return predictions.sum();
  }

  /**
   * The mean number of parameters each row used in the served version, over the rows it predicted
   * since it was loaded: for an experts network the gate plus the experts the row was routed to, for
   * a network with early exits the layers and heads up to the exit the row left at; the cost of a
   * prediction. Empty before the first prediction and for a network that uses every parameter for
   * every row (an mlp without early exits).
   */
  public OptionalDouble activeParametersPerRow() {
    ServingModel serving = current.get();
    return serving == null ? OptionalDouble.empty() : serving.meanActiveParameters();
  }

  /** Events whose prediction threw (missing features, no model served, engine errors). */
  public long failedPredictions() {
    long total = 0;
    for (LongAdder count : failedPredictions.values()) {
      total += count.sum();
    }
    return total;
  }

  /** Events whose prediction threw for {@code reason}. */
  public long failedPredictions(PredictionFailure reason) {
    return failedPredictions.get(reason).sum();
  }

  /** Versions swapped in so far, the first one included. */
  public long swaps() {
    return swaps.sum();
  }

  /** The clock that stamps {@link #swappedAt()}. */
  Clock clock() {
    return clock;
  }

  /** Stops serving; the served model closes once in-flight predictions finish. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    ServingModel serving = current.getAndSet(null);
    if (serving != null) {
      serving.retire();
    }
  }

  @Override
  public String toString() {
    ServingModel serving = current.get();
    return "HotSwapPredictor[" + model + (serving == null ? ", nothing served" : " v" + serving.version()) + "]";
  }
}
