package dev.plasticity.bench;

import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.OfflineTraining;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import java.util.List;
import java.util.Map;

/**
 * Adaptation strategies on fixed windows of labelled events, outside any Kafka or registry: the
 * adaptation benchmark compares retraining, fine-tuning, EWC, distillation and importance
 * weighting after the same drift. A parent is trained on the old window; each strategy then
 * trains on the same new window (the newest 20% held out, as a run does) and is scored on
 * held-out events of the new concept and of the old one. Stateless.
 */
final class AdaptationComparison {
  /** The strategies {@link #adapt} compares. */
  static final List<Strategy> STRATEGIES = List.of("retrain", "fine-tune:all", "fine-tune:head", "ewc", "distill",
      "importance-weighting").stream().map(Strategy::parse).toList();

  private AdaptationComparison() {}

  /**
   * The serving version before the drift.
   *
   * @param network its network, parameters and training time
   * @param window the events it was trained on, oldest first (the reference window)
   */
  record Parent(OfflineTraining.Network network, List<LabelledEvent> window) {
    Parent {
      window = List.copyOf(window);
    }

    long parameters() {
      return network.parameters();
    }

    double seconds() {
      return network.seconds();
    }
  }

  /**
   * What one strategy achieved.
   *
   * @param strategy the strategy's name
   * @param seed the seed of its training
   * @param newConcept accuracy on held-out events of the new concept
   * @param oldConcept accuracy on held-out events of the old concept (what was kept)
   * @param parameters the trained network's parameter count
   * @param seconds wall time of the adaptation, reference work (Fisher, weights, teacher) included
   * @param figures the strategy's own figures (e.g. {@code ewc_lambda}, {@code importance_ess})
   */
  record Report(String strategy, long seed, double newConcept, double oldConcept, long parameters,
      double seconds, Map<String, Double> figures) {}

  /** How every network of a comparison trains: {@code hiddenUnits}, {@code epochs}, seed; the rest the defaults. */
  static TrainingSettings settings(List<Integer> hiddenUnits, int epochs, int seed) {
    return TrainingSettings.DEFAULTS.withHiddenUnits(hiddenUnits).withEpochs(epochs).withSeed(seed);
  }

  /** Trains the parent on {@code window} (oldest first; its newest 20% held out). */
  static Parent trainParent(List<LabelledEvent> window, TrainingSettings settings) {
    return new Parent(OfflineTraining.train("parent", window, settings), window);
  }

  /** Accuracy of {@code parent} on {@code events}. */
  static double accuracy(Parent parent, List<LabelledEvent> events) {
    return OfflineTraining.accuracy(parent.network(), events);
  }

  /** Adapts {@code parent} to {@code window} with {@code strategy}, scoring the result on both concepts. */
  static Report adapt(Strategy strategy, Parent parent, List<LabelledEvent> window, List<LabelledEvent> newConcept,
      List<LabelledEvent> oldConcept, TrainingSettings settings, AdaptationSettings adaptation) {
    OfflineTraining.Network adapted = OfflineTraining.adapt(strategy, parent.network(), parent.window(), window,
        settings, adaptation);
    return new Report(strategy.wireName(), settings.seed(), OfflineTraining.accuracy(adapted, newConcept),
        OfflineTraining.accuracy(adapted, oldConcept), adapted.parameters(), adapted.seconds(), adapted.figures());
  }
}
