package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTrainingTest {
  private static final TrainerConfig CONFIG =
      TrainerConfig.builder("unused:9092", URI.create("http://unused")).epochs(15).build();

  @Test
  void learnsTheSeaConceptFromThreeThousandEvents() {
    LabelledData data = LabelledData.split(SeaEvents.generate("sea", 3000, 7.0, 11, 0), 0.2);
    List<Double> epochAccuracies = new ArrayList<>();
    NetworkTraining.Result result = NetworkTraining.train("sea", data, List.of("x1", "x2", "x3"), 2, CONFIG,
        (epoch, epochs, accuracy) -> epochAccuracies.add(accuracy));

    assertThat(epochAccuracies).hasSize(15);
    assertThat(result.heldOutAccuracy()).isGreaterThan(0.95);
    assertThat(result.architecture().getInputFeatures()).containsExactly("x1", "x2", "x3");
    assertThat(result.architecture().getFeatureMeans().get(0)).isBetween(4.5, 5.5);
    assertThat(result.artifact()).isNotEmpty();
    assertThat(result.device()).isNotBlank();
  }

  @Test
  void theSameSeedTrainsTheSameWeights() {
    LabelledData data = LabelledData.split(SeaEvents.generate("sea", 1000, 7.0, 3, 0), 0.2);
    TrainerConfig config = TrainerConfig.builder("unused:9092", URI.create("http://unused")).epochs(3).seed(5).build();
    byte[] first = NetworkTraining.train("sea", data, List.of("x1", "x2", "x3"), 2, config, (e, n, a) -> {}).artifact();
    byte[] second = NetworkTraining.train("sea", data, List.of("x1", "x2", "x3"), 2, config, (e, n, a) -> {}).artifact();
    assertThat(second).isEqualTo(first);
  }

  @Test
  void holdsOutTheNewestEvents() {
    var events = SeaEvents.generate("sea", 100, 7.0, 1, 0);
    LabelledData data = LabelledData.split(events, 0.2);
    assertThat(data.train()).hasSize(80);
    assertThat(data.heldOut()).hasSize(20);
    assertThat(data.heldOut().get(0).getEventTime()).isGreaterThan(data.train().get(79).getEventTime());
  }
}
