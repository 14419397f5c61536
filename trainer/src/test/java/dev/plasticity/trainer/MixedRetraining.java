package dev.plasticity.trainer;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A strategy that exists only in tests, to show that a new one is one class and one table entry
 * ({@code Strategies.STANDARD.with(new MixedRetraining())}): a fresh network trained on the
 * serving version's events followed by the new window's, unweighted, judged on the new window's
 * held-out events. Stateless.
 */
public final class MixedRetraining implements Strategy.DomainAdaptation {
  @Override
  public String wireName() {
    return "mixed-retrain";
  }

  @Override
  public String explain() {
    return "retraining on the new window (test strategy)";
  }

  @Override
  public boolean usesReference() {
    return true;
  }

  @Override
  public Strategy.Adapted adapt(Strategy.Parent parent, LabelledData window, List<LabelledEvent> reference,
      Architecture fresh, ConstraintCheck check, TrainingSettings training, AdaptationSettings settings,
      NetworkTraining.EpochListener listener) {
    ConstraintCheck.Result candidate = check.check(fresh);
    if (!candidate.passed()) {
      return Strategy.Adapted.refused(candidate);
    }
    List<LabelledEvent> events = new ArrayList<>(reference);
    events.addAll(window.events());
    LabelledData mixed = new LabelledData(events, reference.size() + window.trainSize());
    NetworkTraining.Result result = NetworkTraining.train(parent.name(), mixed, candidate, training, listener);
    return new Strategy.Adapted(candidate, result, Map.of("reference_events", (double) reference.size()),
        reference.size() + " reference events and " + window.trainSize() + " new ones, unweighted");
  }
}
