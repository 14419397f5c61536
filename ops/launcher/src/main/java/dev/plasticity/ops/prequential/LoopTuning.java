package dev.plasticity.ops.prequential;

import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.TrainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Trainer settings a replay overrides, to compare a loop configured otherwise with the defaults on
 * the same rows; a null field keeps the trainer's default.
 *
 * @param policy retraining rules in {@link RetrainingPolicy}'s text form, tried before the default rules
 * @param cadenceEvents every this many events of a champion, a scheduled cheap update (0: none)
 * @param epochs training epochs of a run
 * @param trainingEvents events a run reads from its trigger's window on
 * @param maxMultiplyAdds a limit on the multiply-adds per row of every network the trainer registers, in
 *     place of the default one (the default parameter and latency limits stay)
 */
public record LoopTuning(String policy, Long cadenceEvents, Integer epochs, Integer trainingEvents,
    Long maxMultiplyAdds) {
  /** The trainer's defaults. */
  public static final LoopTuning DEFAULTS = new LoopTuning(null, null, null, null);

  public LoopTuning {
    if (policy != null) {
      RetrainingPolicy.parse(policy); // fails now, naming the rule, not when the stack starts
    }
    if (maxMultiplyAdds != null && maxMultiplyAdds < 1) {
      throw new IllegalArgumentException("a multiply-add limit must be positive, was " + maxMultiplyAdds);
    }
  }

  /** These settings with the trainer's default constraints. */
  public LoopTuning(String policy, Long cadenceEvents, Integer epochs, Integer trainingEvents) {
    this(policy, cadenceEvents, epochs, trainingEvents, null);
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
      if (maxMultiplyAdds != null) {
        List<Constraint> constraints = new ArrayList<>(Constraint.defaults().stream()
            .filter(c -> !(c instanceof Constraint.MaxMultiplyAdds)).toList());
        constraints.add(new Constraint.MaxMultiplyAdds(maxMultiplyAdds));
        b.constraints(constraints);
      }
      return b;
    };
  }
}
