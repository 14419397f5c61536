package dev.plasticity.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkTraining;
import dev.plasticity.trainer.network.TrainingObjective;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ElasticWeightConsolidationTest {
  private static SeaParent sea;
  private static final List<LabelledEvent> OLD_CONCEPT = SeaEvents.generate("sea", 2000, 7.0, 91, 0);
  private static final List<LabelledEvent> NEW_CONCEPT = SeaEvents.generate("sea", 2000, 9.5, 92, 0);

  @BeforeAll
  static void trainParent() {
    sea = SeaParent.trained(3);
  }

  private static NetworkTraining.Result train(TrainingObjective objective) {
    return train(objective, sea.config());
  }

  private static NetworkTraining.Result train(TrainingObjective objective, TrainingSettings config) {
    return NetworkTraining.train("sea", sea.newWindow(), SeaParent.unconstrained(sea.architecture()), config,
        new NetworkTraining.Start(sea.artifact(), FineTuneScope.ALL), objective, (epoch, epochs, accuracy) -> {});
  }

  private static double accuracy(NetworkTraining.Result result, List<LabelledEvent> events) {
    return SeaParent.accuracy(result.architecture(), result.artifact(), events);
  }

  @Test
  void keepsMoreOfTheOldSeaConceptThanFineTuningEveryLayer() {
    ElasticWeightConsolidation ewc =
        ElasticWeightConsolidation.around(sea.architecture(), sea.artifact(), sea.oldWindow().train(), 500, 1e6);

    NetworkTraining.Result fineTuned = train(TrainingObjective.CROSS_ENTROPY);
    NetworkTraining.Result consolidated = train(ewc);

    double parentOnNew = SeaParent.accuracy(sea.architecture(), sea.artifact(), NEW_CONCEPT);
    assertThat(accuracy(consolidated, OLD_CONCEPT)).as("old concept kept")
        .isGreaterThan(accuracy(fineTuned, OLD_CONCEPT) + 0.01);
    assertThat(accuracy(consolidated, NEW_CONCEPT)).as("new concept learnt").isGreaterThan(parentOnNew + 0.05);
    // the weights that mattered for the old concept moved less
    assertThat(ewc.penalty(parameters(consolidated))).isLessThan(ewc.penalty(parameters(fineTuned)) / 10);
  }

  @Test
  void withLambdaZeroIsExactlyFineTuningEveryLayer() {
    ElasticWeightConsolidation none =
        ElasticWeightConsolidation.around(sea.architecture(), sea.artifact(), sea.oldWindow().train(), 50, 0);

    TrainingSettings twoEpochs = sea.config().withEpochs(2);
    assertThat(train(none, twoEpochs).artifact()).isEqualTo(train(TrainingObjective.CROSS_ENTROPY, twoEpochs).artifact());
  }

  @Test
  void theParentItselfCostsNothingAndTheFisherIsPositive() {
    ElasticWeightConsolidation ewc =
        ElasticWeightConsolidation.around(sea.architecture(), sea.artifact(), sea.oldWindow().train(), 100, 10);
    List<float[]> parent;
    try (ai.djl.Model model = ModelFormat.load("sea", sea.architecture(), sea.artifact())) {
      parent = model.getBlock().getParameters().values().stream().map(p -> p.getArray().toFloatArray()).toList();
    }

    assertThat(ewc.penalty(parent)).isZero();
    assertThat(ewc.meanFisher()).isPositive();
    assertThatThrownBy(() -> ElasticWeightConsolidation.around(sea.architecture(), sea.artifact(), List.of(), 10, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one reference event");
  }

  @Test
  void theStrategyTakesItsFisherFromTheNewWindowWhenThereAreNoReferenceEventsAndSaysSo() {
    Strategy.Adapted adapted = AdaptationStrategy.EWC.adapt(sea.asParent(), sea.newWindow(), List.of(),
        sea.architecture(), new ConstraintCheck(List.of(), LatencyProbe.standard()), TrainingSettings.DEFAULTS.withEpochs(1),
        new AdaptationSettings(50, 100, 2, 0.5, List.of(), 10),
        (epoch, epochs, accuracy) -> {});

    assertThat(adapted.note()).contains("no reference events").contains("own predictions");
    assertThat(adapted.result().architecture()).isEqualTo(sea.architecture());
    assertThat(adapted.metrics()).containsEntry("ewc_lambda", 50.0).containsEntry("ewc_fisher_events", 100.0)
        .containsEntry("reference_events", 0.0);
  }

  private static List<float[]> parameters(NetworkTraining.Result result) {
    try (ai.djl.Model model = ModelFormat.load("sea", result.architecture(), result.artifact())) {
      return model.getBlock().getParameters().values().stream().map(p -> p.getArray().toFloatArray()).toList();
    }
  }
}
