package dev.plasticity.trainer.adaptation;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A cheap incremental update of the serving version: a few epochs of fine-tuning (every layer, or
 * the output layer alone) on the newest labelled events, starting from its weights. What a cadence
 * trigger runs between drifts, so slow drift is followed without any alarm; like every challenger
 * it must pass the gate. Immutable and thread-safe.
 *
 * @param epochs the most epochs it trains (fewer when the plan's budget allows fewer)
 * @param scope the layers it changes
 */
public record IncrementalUpdate(int epochs, FineTuneScope scope) implements Strategy.DomainAdaptation {
  /** Three epochs over every layer: the {@code incremental} strategy of {@code Strategies.STANDARD}. */
  public static final IncrementalUpdate STANDARD = new IncrementalUpdate(3, FineTuneScope.ALL);

  public IncrementalUpdate {
    Objects.requireNonNull(scope, "scope");
    if (epochs < 1) {
      throw new IllegalArgumentException("an incremental update trains at least 1 epoch, was " + epochs);
    }
  }

  @Override
  public String wireName() {
    return "incremental";
  }

  @Override
  public String explain() {
    return String.format(Locale.ROOT, "a cheap incremental update: at most %d epochs of fine-tuning %s of the"
        + " serving version on the newest labelled events", epochs, scope == FineTuneScope.HEAD ? "the output layer"
        : scope == FineTuneScope.TOP ? "the last hidden and output layers" : "every layer");
  }

  @Override
  public boolean warmStarts() {
    return true;
  }

  @Override
  public boolean usesReference() {
    return false;
  }

  /** A fine-tune of an experts network trains its gate and every expert (scope {@code ALL}), or the gate alone. */
  @Override
  public boolean adaptsExperts() {
    return true;
  }

  @Override
  public Adapted adapt(Parent parent, LabelledData window, List<LabelledEvent> reference, Architecture fresh,
      ConstraintCheck check, TrainingSettings training, AdaptationSettings settings,
      NetworkTraining.EpochListener listener) {
    // the parent's network and input scaling: its weights were learnt for them
    ConstraintCheck.Result candidate = check.check(parent.architecture());
    if (!candidate.passed()) {
      return Adapted.refused(candidate);
    }
    int trained = Math.min(epochs, training.epochs());
    NetworkTraining.Result result = NetworkTraining.train(parent.name(), window, candidate,
        training.withEpochs(trained), new NetworkTraining.Start(parent.artifact(), scope), listener);
    return new Adapted(candidate, result, Map.of("incremental_epochs", (double) trained),
        String.format(Locale.ROOT, "%d epochs on the newest %d events from the serving version's weights", trained,
            window.trainSize()));
  }

  @Override
  public String toString() {
    return wireName();
  }
}
