package dev.plasticity.trainer.run;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.RetrainingPlan;
import dev.plasticity.trainer.network.NetworkTraining;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Candidates trained at the error detector's warning level, kept in memory until the drift that
 * confirms them: one per model (the newest warning's wins), for the version that served when it
 * was trained, for at most {@code maxAge}. A drift trigger for the same model and base version
 * takes it, to gate it against the champion on events newer than its training data and serve it at
 * once if it passes. Thread-safe.
 */
final class WarningCandidates {
  /** How long a warning-level candidate waits for its confirmation by default. */
  static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(30);

  private final Map<String, Held> byModel = new ConcurrentHashMap<>();
  private final Duration maxAge;
  private final Clock clock;

  WarningCandidates(Duration maxAge, Clock clock) {
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("a held candidate's maximum age must be positive, was " + maxAge);
    }
  }

  /**
   * A candidate trained for a warning, not registered.
   *
   * @param triggerId the warning trigger it answered
   * @param baseVersion the version serving when it was trained
   * @param plan how it was trained, and why
   * @param window the warning trigger's window
   * @param events the events it was trained and held out on, oldest first
   * @param trainedThrough the newest event time among {@code events}: a confirming gate judges on later events only
   * @param result the trained network
   * @param metrics the strategy's figures
   * @param features its input features
   * @param numClasses its classes
   * @param heldAt when it was held, epoch millis
   */
  record Held(String model, String triggerId, int baseVersion, RetrainingPlan plan, DataWindow window,
      List<LabelledEvent> events, long trainedThrough, NetworkTraining.Result result, Map<String, Double> metrics,
      List<String> features, int numClasses, long heldAt) {
    Held {
      events = List.copyOf(events);
      metrics = Map.copyOf(metrics);
      features = List.copyOf(features);
    }
  }

  /** Keeps {@code held} for its model, replacing an older one. */
  void hold(Held held) {
    byModel.put(held.model(), held);
  }

  /**
   * Removes and returns the candidate held for {@code model} if it was trained while {@code
   * baseVersion} served and is not older than the maximum age; a stale one is dropped.
   */
  Optional<Held> take(String model, int baseVersion) {
    Held held = byModel.get(model);
    if (held == null) {
      return Optional.empty();
    }
    boolean fresh = clock.millis() - held.heldAt() <= maxAge.toMillis();
    if (held.baseVersion() != baseVersion && fresh) {
      return Optional.empty(); // it answers another version's warning: leave it for that version's drift
    }
    byModel.remove(model, held);
    return fresh ? Optional.of(held) : Optional.empty();
  }
}
