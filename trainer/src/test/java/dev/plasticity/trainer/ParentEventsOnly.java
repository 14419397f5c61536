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
 * A strategy that exists only in tests, to show a run falling back when its strategy fails: a
 * fresh network trained on the serving version's events alone, judged on the new window's
 * held-out events. Given no events of the serving version it cannot train, and throws as {@link
 * LabelledData} does for an empty training set. Stateless.
 */
public final class ParentEventsOnly implements Strategy.DomainAdaptation {
  @Override
  public String wireName() {
    return "parent-events-only";
  }

  @Override
  public String explain() {
    return "retraining on the serving version's events (test strategy)";
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
    events.addAll(window.heldOut());
    LabelledData parentOnly = new LabelledData(events, reference.size());
    NetworkTraining.Result result = NetworkTraining.train(parent.name(), parentOnly, candidate, training, listener);
    return new Strategy.Adapted(candidate, result, Map.of("reference_events", (double) reference.size()),
        reference.size() + " reference events");
  }
}
