package dev.plasticity.trainer;

import dev.plasticity.schemas.ModelVersion;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the trainer did with one trigger.
 *
 * @param triggerId the trigger (or bootstrap) id
 * @param model the model
 * @param status what happened
 * @param version the version registered (or found already registered); empty when FAILED or
 *     INFEASIBLE
 * @param servingAccuracy accuracy of the version that was serving, on the held-out events
 * @param challengerAccuracy accuracy of the newly trained network (or of the recalled version) on the same events
 * @param trainingEvents events read for the run
 * @param seconds wall time of the run
 * @param device the DJL device trained on, e.g. {@code cpu()} or {@code gpu(0)}
 * @param message a sentence for people
 * @param lostGates challengers of the same serving version that lost their gate before this run
 */
public record TrainingOutcome(
    String triggerId,
    String model,
    Status status,
    Optional<ModelVersion> version,
    OptionalDouble servingAccuracy,
    OptionalDouble challengerAccuracy,
    int trainingEvents,
    double seconds,
    String device,
    String message,
    int lostGates) {

  /**
   * An outcome with nothing trained or scored: the trigger was skipped, recorded, already answered
   * or given up on; {@code version} is the one that already answers it, if any.
   */
  public static TrainingOutcome untrained(String triggerId, String model, Status status, Optional<ModelVersion> version,
      double seconds, String message, int lostGates) {
    return new TrainingOutcome(triggerId, model, status, version, OptionalDouble.empty(), OptionalDouble.empty(), 0,
        seconds, "", message, lostGates);
  }

  /** How a trigger ended. */
  public enum Status {
    /** Trained, passed the gate, registered as the new champion. */
    CHAMPION,
    /** Trained, but not significantly better than the serving version at the gate: registered as a challenger. */
    CHALLENGER,
    /**
     * The candidate network violates the model's constraints (the message says which and why):
     * nothing was trained or registered.
     */
    INFEASIBLE,
    /**
     * The trigger was recorded and nothing trained: the drift did not hurt the served version (a
     * covariate or prior shift under which its error did not rise), so a new version would not pay.
     */
    RECORDED,
    /**
     * A cadence update that lost its gate: trained, not registered (cadence runs are frequent; only
     * the winners become versions).
     */
    REJECTED,
    /**
     * A warning-level candidate: trained, not registered, held until a drift of the same version
     * confirms the warning (then gated and, if it passes, served at once).
     */
    HELD,
    /**
     * A past champion beat the serving version on the trigger's window and serves again (the
     * registry's recall): nothing was trained and no version created; {@code version} is the one
     * recalled, {@code challengerAccuracy} its accuracy on the held-out events.
     */
    RECALLED,
    /** A version for this trigger was already registered, or the trigger already recalled one: nothing was trained. */
    ALREADY_TRAINED,
    /**
     * Nothing was trained because something newer answers it: the trigger's base version is no
     * longer the champion (a newer version serves, and the drift job watches it afresh), or the
     * trigger is a cadence update with a newer trigger of the model queued behind it.
     */
    SUPERSEDED,
    /** Gave up after the configured attempts. */
    FAILED
  }
}
