package dev.plasticity.ops.prequential;

import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.TrainerConfig;
import java.util.function.UnaryOperator;

/**
 * Trainer settings a replay overrides, to compare a loop configured otherwise with the defaults on
 * the same rows; a null field keeps the trainer's default.
 *
 * @param policy retraining rules in {@link RetrainingPolicy}'s text form, tried before the default rules
 * @param cadenceEvents every this many events of a champion, a scheduled cheap update (0: none)
 * @param epochs training epochs of a run
 * @param trainingEvents events a run reads from its trigger's window on
 */
public record LoopTuning(String policy, Long cadenceEvents, Integer epochs, Integer trainingEvents) {
  /** The trainer's defaults. */
  public static final LoopTuning DEFAULTS = new LoopTuning(null, null, null, null);

  public LoopTuning {
    if (policy != null) {
      RetrainingPolicy.parse(policy); // fails now, naming the rule, not when the stack starts
    }
  }

  /** What these settings change in a trainer's configuration. */
  UnaryOperator<TrainerConfig.Builder> trainer() {
    return b -> {
      if (policy != null) {
        b.policy(RetrainingPolicy.parse(policy));
      }
      if (cadenceEvents != null) {
        b.cadenceEvents(cadenceEvents);
      }
      if (epochs != null) {
        b.epochs(epochs);
      }
      if (trainingEvents != null) {
        b.trainingEvents(trainingEvents);
      }
      return b;
    };
  }
}
