package dev.plasticity.trainer.adaptation;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.List;

/**
 * A network trained on the old SEA concept (x1 + x2 <= 7) and the new concept's window (<= 9.5),
 * for the adaptation tests: what the serving version and its next window look like after a
 * concept change.
 */
record SeaParent(LabelledData oldWindow, LabelledData newWindow, Architecture architecture, byte[] artifact,
    TrainingSettings config) {
  static final List<String> FEATURES = List.of("x1", "x2", "x3");

  /** The parent ([16, 16], 8 epochs) trained on 1,200 old-concept events of {@code seed}; 1,200 new ones of {@code seed + 1}. */
  static SeaParent trained(long seed) {
    TrainingSettings config = TrainingSettings.DEFAULTS.withEpochs(8).withHiddenUnits(List.of(16, 16))
        .withSeed((int) seed);
    LabelledData oldWindow = LabelledData.split(SeaEvents.generate("sea", 1200, 7.0, seed, 0), 0.2);
    LabelledData newWindow = LabelledData.split(SeaEvents.generate("sea", 1200, 9.5, seed + 1, 1_000_000), 0.2);
    Architecture architecture =
        NetworkTraining.architecture(FEATURES, oldWindow.train(), 2, config.hiddenUnits());
    NetworkTraining.Result parent = NetworkTraining.train("sea", oldWindow, unconstrained(architecture), config,
        (epoch, epochs, accuracy) -> {});
    return new SeaParent(oldWindow, newWindow, architecture, parent.artifact(), config);
  }

  static ConstraintCheck.Result unconstrained(Architecture architecture) {
    return new ConstraintCheck(List.of(), LatencyProbe.standard()).check(architecture);
  }

  Strategy.Parent asParent() {
    return new Strategy.Parent("sea", architecture, artifact);
  }

  /** Accuracy of a trained network on {@code events}. */
  static double accuracy(Architecture architecture, byte[] artifact, List<LabelledEvent> events) {
    try (ai.djl.Model model = ModelFormat.load("sea", architecture, artifact)) {
      return NetworkTraining.accuracy(model, architecture, events);
    }
  }
}
