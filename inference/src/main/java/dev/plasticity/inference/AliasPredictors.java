package dev.plasticity.inference;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The versions of one model a service scores with, one {@link HotSwapPredictor} per {@link
 * AliasRole} it follows (the champion always; the challenger and the shadow when asked), and the
 * champion that a swap just replaced, kept for a {@linkplain VerificationWatch verification watch}.
 *
 * <p><b>The watch.</b> When the champion's predictor swaps in a new version, the outgoing one is not
 * closed: it goes on serving here as {@link AliasRole#PREVIOUS} for {@code watchEvents} events
 * ({@link #predictPrevious}), then it is released (its DJL model closes once its in-flight
 * predictions finish). A further champion swap during the watch releases the version watched and
 * watches the one that just went out. With {@code watchEvents = 0} the outgoing champion is released
 * at the swap, as a lone {@link HotSwapPredictor} does.
 *
 * <p><b>Labels</b> ({@link #recordLabel}) go to every predictor, so that a version reading label
 * lags reads the stream's labels whatever its role. Feature levels are walked by each predictor
 * over the events it scores: the shadow and the previous champion score every event as the
 * champion does, a challenger only the events it answers.
 *
 * <p>Thread-safe. {@link #close()} closes every predictor.
 */
public final class AliasPredictors implements AutoCloseable {
  private final String model;
  private final Map<AliasRole, HotSwapPredictor> followed;
  private final HotSwapPredictor previous;
  private final VerificationWatch watch;

  private AliasPredictors(String model, Map<AliasRole, HotSwapPredictor> followed, long watchEvents) {
    this.model = model;
    this.followed = Collections.unmodifiableMap(followed);
    this.previous = new HotSwapPredictor(model);
    this.watch = new VerificationWatch(watchEvents);
    followed.get(AliasRole.CHAMPION).handOutgoingTo(this::watchOutgoing);
  }

  /**
   * Predictors for {@code model}: the champion and each of {@code roles} (the champion is always
   * followed).
   *
   * @param watchEvents the events an outgoing champion scores as {@code previous} after a swap; 0: none
   * @throws IllegalArgumentException when {@code roles} holds {@link AliasRole#PREVIOUS} (not an alias
   *     to follow: the champion's swaps make it), or {@code watchEvents} is negative
   */
  public static AliasPredictors of(String model, Set<AliasRole> roles, long watchEvents) {
    if (roles.contains(AliasRole.PREVIOUS)) {
      throw new IllegalArgumentException("'previous' is not an alias to follow: the champion that a swap replaces"
          + " scores as previous during the watch; follow champion, challenger or shadow");
    }
    if (watchEvents < 0) {
      throw new IllegalArgumentException("a verification watch lasts 0 (off) or more events; was " + watchEvents);
    }
    Map<AliasRole, HotSwapPredictor> followed = new EnumMap<>(AliasRole.class);
    followed.put(AliasRole.CHAMPION, new HotSwapPredictor(model));
    for (AliasRole role : roles) {
      followed.computeIfAbsent(role, r -> new HotSwapPredictor(model));
    }
    return new AliasPredictors(model, followed, watchEvents);
  }

  /**
   * The champion only, served by {@code champion}, with no watch: what a service that follows no
   * other alias scores with.
   */
  public static AliasPredictors championOnly(HotSwapPredictor champion) {
    Objects.requireNonNull(champion, "champion");
    Map<AliasRole, HotSwapPredictor> followed = new EnumMap<>(AliasRole.class);
    followed.put(AliasRole.CHAMPION, champion);
    return new AliasPredictors(champion.model(), followed, 0);
  }

  /** The model. */
  public String model() {
    return model;
  }

  /** The champion's predictor. */
  public HotSwapPredictor champion() {
    return followed.get(AliasRole.CHAMPION);
  }

  /** The aliases followed: the champion and those asked for. */
  public Set<AliasRole> followed() {
    return Collections.unmodifiableSet(EnumSet.copyOf(followed.keySet()));
  }

  /**
   * The predictor of {@code role}, empty when it is not followed; for {@link AliasRole#PREVIOUS}, the
   * predictor of the outgoing champion (serving only during a watch).
   */
  public Optional<HotSwapPredictor> predictor(AliasRole role) {
    return role == AliasRole.PREVIOUS ? Optional.of(previous) : Optional.ofNullable(followed.get(role));
  }

  /** The outgoing champion being watched, empty when none is. */
  public OptionalInt watchedVersion() {
    return watch.watched();
  }

  /** Records the newest known label of the model's stream with every predictor ({@link HotSwapPredictor#recordLabel}). */
  public void recordLabel(int label) {
    followed.values().forEach(p -> p.recordLabel(label));
    previous.recordLabel(label);
  }

  /**
   * Scores events with the outgoing champion while it is watched: the first events of the batch, up
   * to what is left of the watch, in one forward pass (event by event when that fails, so that only
   * the events at fault go without); none when no version is watched. Every event taken counts
   * towards the watch, scored or not, so a version that cannot score the stream is still released
   * when its watch is over.
   *
   * @return for {@code batch.get(0)}, {@code batch.get(1)}, ... (possibly fewer than the batch): the
   *     outgoing version's prediction, or null where it failed to score the event
   */
  public List<Prediction> predictPrevious(List<Map<String, Double>> batch, List<Map<String, String>> categorical) {
    OptionalInt watched = watch.watched();
    long left = watch.remaining();
    if (watched.isEmpty() || left <= 0 || batch.isEmpty()) {
      return List.of();
    }
    int take = (int) Math.min(batch.size(), left);
    List<Prediction> out;
    try {
      out = previous.predictBatch(batch.subList(0, take), categorical.subList(0, take));
    } catch (RuntimeException e) { // each event on its own says which is at fault
      out = new java.util.ArrayList<>(take);
      for (int i = 0; i < take; i++) {
        try {
          out.add(previous.predict(batch.get(i), categorical.get(i)));
        } catch (RuntimeException one) {
          out.add(null);
        }
      }
    }
    synchronized (this) {
      if (watch.scored(watched.getAsInt(), take)) {
        previous.stopServing(watched.getAsInt());
      }
    }
    return out;
  }

  /** The champion's predictor swapped {@code outgoing} out: watch it, releasing the one watched before. */
  private synchronized boolean watchOutgoing(ServingModel outgoing, dev.plasticity.registry.client.FeatureLevels walked) {
    if (!watch.enabled()) {
      return false;
    }
    watch.started(outgoing.version());
    previous.adopt(outgoing, walked); // retires the version watched before, if any
    return true;
  }

  /** Stops serving every version; in-flight predictions finish first. Idempotent. */
  @Override
  public void close() {
    followed.values().forEach(HotSwapPredictor::close);
    previous.close();
  }

  @Override
  public String toString() {
    return "AliasPredictors[" + model + ", " + followed.values() + ", " + watch + "]";
  }
}
