package dev.plasticity.trainer.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.TestConstraints;
import dev.plasticity.trainer.TrainingSettings;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTrainingTest {
  private static final List<String> FEATURES = List.of("x1", "x2", "x3");
  private static final TrainingSettings CONFIG = TrainingSettings.DEFAULTS.withEpochs(15);

  @Test
  void learnsTheSeaConceptFromThreeThousandEvents() {
    LabelledData data = LabelledData.split(SeaEvents.generate("sea", 3000, 7.0, 11, 0), 0.2);
    List<Double> epochAccuracies = new ArrayList<>();
    NetworkTraining.Result result = NetworkTraining.train("sea", data, checked(data, CONFIG), CONFIG,
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
    TrainingSettings config = TrainingSettings.DEFAULTS.withEpochs(3).withSeed(5);
    byte[] first = NetworkTraining.train("sea", data, checked(data, config), config, (e, n, a) -> {}).artifact();
    byte[] second = NetworkTraining.train("sea", data, checked(data, config), config, (e, n, a) -> {}).artifact();
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

  @Test
  void refusesToTrainACandidateThatViolatesAConstraint() {
    LabelledData data = LabelledData.split(SeaEvents.generate("sea", 200, 7.0, 1, 0), 0.2);
    Architecture network = NetworkTraining.architecture(FEATURES, data.train(), 2, List.of(32, 32));
    ConstraintCheck.Result verdict =
        new ConstraintCheck(List.of(new Constraint.MaxParameters(1000)), LatencyProbe.standard()).check(network);
    List<Integer> epochs = new ArrayList<>();

    assertThat(verdict.passed()).isFalse();
    assertThatThrownBy(() -> NetworkTraining.train("sea", data, verdict, CONFIG, (e, n, a) -> epochs.add(e)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never trained")
        .hasMessageContaining("1250 parameters exceed the limit of 1000");
    assertThat(epochs).isEmpty();
  }

  @Test
  void everyNormalizationWithAndWithoutSkipConnectionsTrainsATinyBatch() {
    // 33 training rows in batches of 32: batch normalisation must not see the lone last row
    LabelledData data = LabelledData.split(SeaEvents.generate("sea", 41, 7.0, 2, 0), 0.2);
    TrainingSettings config = new TrainingSettings(List.of(32, 32), 1, 32, 0.01f, 0.2, 42);
    assertThat(data.train()).hasSize(33);
    for (String normalization : ModelFormat.NORMALIZATIONS) {
      for (boolean residual : List.of(false, true)) {
        Architecture network = NetworkTraining.architecture(FEATURES, data.train(), 2, List.of(8, 8));
        network.setNormalization(normalization);
        network.setResidual(residual);
        network.setDropout(0.1);
        ConstraintCheck.Result verdict = new ConstraintCheck(List.of(), LatencyProbe.standard()).check(network);
        List<Double> epochAccuracies = new ArrayList<>();

        NetworkTraining.Result result =
            NetworkTraining.train("sea", data, verdict, config, (e, n, accuracy) -> epochAccuracies.add(accuracy));

        assertThat(epochAccuracies).as(ModelFormat.describe(network)).hasSize(1);
        assertThat(result.heldOutAccuracy()).isBetween(0.0, 1.0);
        try (Model loaded = ModelFormat.load("sea", result.architecture(), result.artifact())) {
          assertThat(NetworkTraining.accuracy(loaded, result.architecture(), data.heldOut()))
              .isEqualTo(result.heldOutAccuracy());
        }
      }
    }
  }

  @Test
  void aHeadFineTuneOfABatchNormalisedNetworkKeepsTheFrozenLayersRunningStatistics() {
    TrainingSettings config = TrainingSettings.DEFAULTS.withEpochs(2);
    LabelledData old = LabelledData.split(SeaEvents.generate("sea", 600, 7.0, 3, 0), 0.2);
    Architecture network = NetworkTraining.architecture(FEATURES, old.train(), 2, List.of(8, 8));
    network.setNormalization("batch");
    ConstraintCheck.Result verdict = new ConstraintCheck(List.of(), LatencyProbe.standard()).check(network);
    NetworkTraining.Result parent = NetworkTraining.train("sea", old, verdict, config, (e, n, a) -> { });
    // other events: training on them would move the running mean and variance of every batch norm layer
    LabelledData shifted = LabelledData.split(SeaEvents.generate("sea", 600, 9.0, 4, 0), 0.2);

    NetworkTraining.Result head = NetworkTraining.train("sea", shifted, verdict, config,
        new NetworkTraining.Start(parent.artifact(), FineTuneScope.HEAD), (e, n, a) -> { });

    try (Model before = ModelFormat.load("sea", parent.architecture(), parent.artifact());
        Model after = ModelFormat.load("sea", head.architecture(), head.artifact())) {
      var beforeLayers = before.getBlock().getChildren().values();
      var afterLayers = after.getBlock().getChildren().values();
      int statistics = 0;
      for (int layer = 0; layer < beforeLayers.size() - 1; layer++) { // all but the output layer
        var expected = beforeLayers.get(layer).getParameters();
        var actual = afterLayers.get(layer).getParameters();
        for (int i = 0; i < expected.size(); i++) {
          String name = expected.get(i).getKey();
          assertThat(actual.get(i).getValue().getArray().toFloatArray()).as(name)
              .containsExactly(expected.get(i).getValue().getArray().toFloatArray());
          if (expected.get(i).getValue().getType() == ai.djl.nn.Parameter.Type.RUNNING_MEAN) {
            statistics++;
          }
        }
      }
      assertThat(statistics).as("batch norm layers below the head").isEqualTo(2);
    }
  }

  /**
   * A network whose only layer is the softmax output: the cross-entropy's gradients cancel across
   * the two classes, and with every input at its mean they cancel exactly in float, so DJL's own
   * first-step check ("Gradient values are all zeros") refused to train it. It learns the label
   * shares through its bias.
   */
  @Test
  void aSoftmaxLayerAloneTrainsThoughItsGradientsCancelExactly() {
    List<dev.plasticity.schemas.LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      events.add(dev.plasticity.schemas.LabelledEvent.newBuilder()
          .setEventId("e" + i).setModel("flat").setEventTime(i)
          .setFeatures(java.util.Map.of("x1", 1.0, "x2", 2.0, "x3", 3.0))
          .setLabel(i % 10 < 7 ? 1 : 0)
          .build());
    }
    LabelledData data = LabelledData.split(events, 0.2);
    TrainingSettings config = TrainingSettings.DEFAULTS.withEpochs(5);
    Architecture logistic = NetworkTraining.architecture(FEATURES, data.train(), 2, List.of());
    ConstraintCheck.Result candidate = new ConstraintCheck(List.of(), LatencyProbe.standard()).check(logistic);

    NetworkTraining.Result result = NetworkTraining.train("flat", data, candidate, config, (e, n, a) -> {});

    assertThat(result.heldOutAccuracy()).isEqualTo(0.7, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void aNetworkNoGradientReachesIsRefusedWithTheCause() {
    LabelledData data = LabelledData.split(SeaEvents.generate("sea", 200, 7.0, 1, 0), 0.2);
    Architecture network = NetworkTraining.architecture(FEATURES, data.train(), 2, List.of(8));
    ConstraintCheck.Result candidate = new ConstraintCheck(List.of(), LatencyProbe.standard()).check(network);
    TrainingObjective constant = new TrainingObjective() {
      @Override
      public ai.djl.ndarray.NDArray loss(ai.djl.nn.Block block, ai.djl.ndarray.NDArray scores,
          ai.djl.ndarray.NDArray labels, ai.djl.ndarray.NDList rows) {
        return scores.mul(0).sum(); // does not depend on the weights
      }
    };

    assertThatThrownBy(() -> NetworkTraining.train("sea", data, candidate, TrainingSettings.DEFAULTS.withEpochs(1),
        NetworkTraining.Start.FRESH, constant, NetworkTraining.EpochListener.QUIET))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("received a gradient");
  }

  private static ConstraintCheck.Result checked(LabelledData data, TrainingSettings config) {
    Architecture network = NetworkTraining.architecture(FEATURES, data.train(), 2, config.hiddenUnits());
    return new ConstraintCheck(TestConstraints.BUSY_MACHINE, LatencyProbes.ticking(Duration.of(50, ChronoUnit.MICROS))).check(network);
  }

  @Test
  void eachEventsLabelLagsAreTheLabelsOfTheEventsBeforeItAndZerosBeforeTheFirst() {
    List<dev.plasticity.schemas.LabelledEvent> events = SeaEvents.generate("sea", 4, 9.5, 3, 0);
    Architecture lagged = Architecture.newBuilder(NetworkTraining.architecture(FEATURES, events, 2, List.of(4)))
        .setLabelLags(2).build();

    float[][] rows = NetworkTraining.encode(lagged, events);

    assertThat(rows[0]).hasSize(3 + 2 * 2);
    assertThat(java.util.Arrays.copyOfRange(rows[0], 3, 7)).containsExactly(0f, 0f, 0f, 0f);
    for (int i = 1; i < rows.length; i++) {
      float[] lags = java.util.Arrays.copyOfRange(rows[i], 3, 7);
      assertThat(lags[events.get(i - 1).getLabel()]).as("event %d, lag 1", i).isEqualTo(1f);
      assertThat(lags[0] + lags[1]).isEqualTo(1f);
      assertThat(lags[2] + lags[3]).isEqualTo(i >= 2 ? 1f : 0f);
      if (i >= 2) {
        assertThat(lags[2 + events.get(i - 2).getLabel()]).as("event %d, lag 2", i).isEqualTo(1f);
      }
    }
  }
}
