package dev.plasticity.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkTraining;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReptileTest {
  /** SEA concepts that differ by their threshold on x1 + x2: relatives, as a recurring stream's concepts are. */
  private static final double[] PAST_THRESHOLDS = {7, 8, 10, 11};
  private static final double NEW_THRESHOLD = 9;
  private static final Reptile REPTILE = new Reptile(Reptile.Settings.DEFAULTS);

  private static SeaParent sea;
  private static List<List<LabelledEvent>> tasks;

  @BeforeAll
  static void trainChampion() {
    sea = SeaParent.trained(5);
    tasks = new java.util.ArrayList<>();
    for (int t = 0; t < PAST_THRESHOLDS.length; t++) {
      tasks.add(SeaEvents.generate("sea", 600, PAST_THRESHOLDS[t], 100 + t, 0));
    }
  }

  @Test
  void aFewStepsFromTheMetaStartBeatTheSameStepsFromFreshWeightsOnANewConcept() {
    byte[] metaStart = REPTILE.learn(sea.architecture(), sea.artifact(), tasks, 7).parameters();
    // 160 training events of the new concept, 2 epochs of batches of 32: 10 Adam steps
    LabelledData newWindow = LabelledData.split(SeaEvents.generate("sea", 200, NEW_THRESHOLD, 200, 0), 0.2);
    List<LabelledEvent> heldOut = SeaEvents.generate("sea", 2000, NEW_THRESHOLD, 201, 0);
    TrainingSettings fewSteps = new TrainingSettings(List.of(16, 16), 2, 32, 0.01f, 0.2, 11);

    double fromMeta = accuracy(NetworkTraining.train("sea", newWindow, SeaParent.unconstrained(sea.architecture()),
        fewSteps, new NetworkTraining.Start(metaStart, FineTuneScope.ALL), (e, n, a) -> {}), heldOut);
    double fromFresh = accuracy(NetworkTraining.train("sea", newWindow, SeaParent.unconstrained(sea.architecture()),
        fewSteps, NetworkTraining.Start.FRESH, (e, n, a) -> {}), heldOut);

    assertThat(fromMeta).as("meta start %.3f vs fresh %.3f", fromMeta, fromFresh).isGreaterThan(fromFresh + 0.05);
    assertThat(fromMeta).isGreaterThan(0.85);
  }

  @Test
  void theSameSeedLearnsTheSameStartAndAnotherSeedAnother() {
    Reptile short_ = new Reptile(new Reptile.Settings(20, 5, 32, 0.01f, 0.5));
    Reptile.Result once = short_.learn(sea.architecture(), sea.artifact(), tasks, 3);
    Reptile.Result again = short_.learn(sea.architecture(), sea.artifact(), tasks, 3);
    Reptile.Result other = short_.learn(sea.architecture(), sea.artifact(), tasks, 4);

    assertThat(again.parameters()).isEqualTo(once.parameters());
    assertThat(other.parameters()).isNotEqualTo(once.parameters());
    assertThat(once.parameters()).isNotEqualTo(sea.artifact());
    assertThat(once.metaIterations()).isEqualTo(20);
    assertThat(once.tasks()).isEqualTo(PAST_THRESHOLDS.length);
  }

  @Test
  void refusesNoTasksATinyTaskAndBadSettings() {
    Architecture architecture = sea.architecture();
    assertThatThrownBy(() -> REPTILE.learn(architecture, sea.artifact(), List.of(), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one task");
    assertThatThrownBy(() -> REPTILE.learn(architecture, sea.artifact(), List.of(tasks.get(0).subList(0, 1)), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two events");
    assertThatThrownBy(() -> new Reptile.Settings(10, 5, 32, 0.01f, 1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outerStepSize");
  }

  private static double accuracy(NetworkTraining.Result result, List<LabelledEvent> events) {
    return SeaParent.accuracy(result.architecture(), result.artifact(), events);
  }
}
