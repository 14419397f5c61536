package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.LabelledEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer's public face for benchmarks: strategies and searches on events in memory. */
class OfflineTrainingTest {
  private static final TrainingSettings SETTINGS = TrainingSettings.DEFAULTS.withEpochs(4)
      .withHiddenUnits(List.of(8)).withSeed(3);
  private static final List<LabelledEvent> OLD = SeaEvents.generate("sea", 800, 7.0, 21, 0);
  private static final List<LabelledEvent> NEW = SeaEvents.generate("sea", 800, 9.5, 22, 1_000_000);
  private static final List<LabelledEvent> NEW_TEST = SeaEvents.generate("sea", 400, 9.5, 23, 2_000_000);

  @Test
  void everyStrategyButASearchAdaptsTheParentAndIsScoredOnTheNewConcept() {
    OfflineTraining.Network parent = OfflineTraining.train("parent", OLD, SETTINGS);
    double before = OfflineTraining.accuracy(parent, NEW_TEST);

    // the strategies that learn the new window outright beat the parent on it
    for (String name : List.of("retrain", "fine-tune:all", "ewc")) {
      OfflineTraining.Network adapted = OfflineTraining.adapt(Strategy.parse(name), parent, OLD, NEW, SETTINGS,
          AdaptationSettings.DEFAULTS);
      assertThat(OfflineTraining.accuracy(adapted, NEW_TEST)).as(name).isGreaterThan(before);
    }
    // each domain adaptation is the one named: its own figures say so
    assertThat(adapt("ewc", parent).figures()).containsKey("ewc_lambda");
    assertThat(adapt("distill", parent).figures()).containsKey("distill_temperature");
    assertThat(adapt("importance-weighting", parent).figures()).containsEntry("reference_events", 800.0)
        .containsKey("importance_ess");
    assertThatThrownBy(() -> OfflineTraining.adapt(Strategy.parse("search:random"), parent, OLD, NEW, SETTINGS,
        AdaptationSettings.DEFAULTS)).hasMessageContaining("search:random is a search, not an adaptation");
  }

  private static OfflineTraining.Network adapt(String strategy, OfflineTraining.Network parent) {
    return OfflineTraining.adapt(Strategy.parse(strategy), parent, OLD, NEW, SETTINGS, AdaptationSettings.DEFAULTS);
  }

  @Test
  void aSearchTrainsWithinItsBudgetAndItsConstraints() {
    OfflineTraining.SearchOutcome outcome = OfflineTraining.search("sea", SearchAlgorithm.RANDOM, NEW,
        List.of(new Constraint.MaxParameters(2_000)), new SearchBudget(Duration.ofMinutes(5), 3, 2), SETTINGS);

    assertThat(outcome.trained()).isBetween(1, 3);
    assertThat(outcome.withinConstraints()).isTrue();
    assertThat(outcome.best()).hasValueSatisfying(best -> assertThat(best.parameters()).isLessThanOrEqualTo(2_000));
  }

  @Test
  void aGradientSearchOverTheTabularSpaceTrainsOneNetworkWithinItsConstraints() {
    OfflineTraining.SearchOutcome outcome = OfflineTraining.search("sea", SearchAlgorithm.GRADIENT, NEW,
        List.of(new Constraint.MaxParameters(2_000)), new SearchBudget(Duration.ofMinutes(5), 3, 2), SETTINGS);

    assertThat(outcome.trained()).isEqualTo(1);
    assertThat(outcome.withinConstraints()).isTrue();
    assertThat(outcome.best()).hasValueSatisfying(best -> assertThat(best.parameters()).isLessThanOrEqualTo(2_000));
  }

  @Test
  void aControllerSearchFindsANetworkWithinTheConstraints() {
    OfflineTraining.SearchOutcome outcome = OfflineTraining.search("sea", SearchAlgorithm.CONTROLLER, NEW,
        List.of(new Constraint.MaxParameters(300)), new SearchBudget(Duration.ofMinutes(5), 4, 2), SETTINGS);

    assertThat(outcome.trained()).isEqualTo(4);
    assertThat(outcome.refused()).as("samples over 300 parameters, refused untrained").isPositive();
    assertThat(outcome.withinConstraints()).isTrue();
    assertThat(outcome.best()).hasValueSatisfying(best -> assertThat(best.parameters()).isLessThanOrEqualTo(300));
  }
}
