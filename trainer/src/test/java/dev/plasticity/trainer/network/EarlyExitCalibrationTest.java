package dev.plasticity.trainer.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import dev.plasticity.registry.client.EarlyExitBlock;
import dev.plasticity.registry.client.ExitConfidences;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.TrainingSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyExitCalibrationTest {
  private static final List<String> FEATURES = List.of("x1", "x2", "x3");

  @Test
  void picksTheLowestThresholdWithinTheAllowedLossAndSavesLayersOnAnEasyStream() {
    // SEA without label noise: most rows lie far from the boundary x1 + x2 = 7, so a shallow exit is sure of them
    LabelledData data = LabelledData.split(SeaEvents.generate("sea", 2000, 7.0, 21, 0), 0.3);
    TrainingSettings config = TrainingSettings.DEFAULTS.withEpochs(10).withSeed(3);
    Architecture network = Architecture.newBuilder(
            NetworkTraining.architecture(FEATURES, data.train(), 2, List.of(16, 16, 16)))
        .setEarlyExits(true).setExitConfidence(ExitCalibration.FULL_DEPTH).build();
    NetworkTraining.Result trained = NetworkTraining.train("sea", data,
        new ConstraintCheck(List.of(), LatencyProbe.standard()).check(network), config, (e, n, a) -> { });

    try (Model model = ModelFormat.load("sea", network, trained.artifact())) {
      ExitCalibration.Result calibration =
          ExitCalibration.calibrate(model, network, data.events(), data.trainSize(), 0.005);

      assertThat(calibration.accuracy()).isGreaterThanOrEqualTo(calibration.fullDepthAccuracy() - 0.005);
      assertThat(calibration.fullDepthAccuracy()).isGreaterThan(0.95);
      assertThat(calibration.meanLayers()).isLessThan(3.0);
      assertThat(calibration.confidence()).isLessThanOrEqualTo(1.0);
      assertThat(calibration.exitShares()[0]).isGreaterThan(0.0);
      assertThat(calibration.metrics()).containsKeys("exit_confidence", "exit_mean_layers", "exit_share_layers_1",
          "exit_share_layers_2", "exit_share_layers_3", "exit_mean_active_parameters");

      // deep supervision: the first exit alone is a usable classifier
      ExitConfidences confidences = ((EarlyExitBlock) model.getBlock()).confidences(model.getNDManager(),
          java.util.Arrays.copyOfRange(NetworkTraining.encode(network, data.events()), data.trainSize(),
              data.events().size()));
      int[] first = confidences.predictions(0.0);
      int right = 0;
      for (int i = 0; i < first.length; i++) {
        right += first[i] == data.heldOut().get(i).getLabel() ? 1 : 0;
      }
      assertThat(right / (double) first.length).isGreaterThan(0.85);
    }

    // the network served at the calibrated threshold scores what calibration measured
    Architecture calibrated = Architecture.newBuilder(network)
        .setExitConfidence(calibrationOf(network, trained.artifact(), data).confidence()).build();
    try (Model served = ModelFormat.load("sea", calibrated, trained.artifact())) {
      assertThat(NetworkTraining.accuracy(served, calibrated, data.events(), data.trainSize()))
          .isCloseTo(calibrationOf(network, trained.artifact(), data).accuracy(), within(1.5 / data.heldOut().size()));
    }
  }

  private static ExitCalibration.Result calibrationOf(Architecture network, byte[] artifact, LabelledData data) {
    try (Model model = ModelFormat.load("sea", network, artifact)) {
      return ExitCalibration.calibrate(model, network, data.events(), data.trainSize(), 0.005);
    }
  }

  @Test
  void choosesFullDepthWhenEveryEarlierExitLosesTooMuch() {
    // two rows, two exits: the first exit is sure and wrong on both, the output layer right on both
    ExitConfidences confidences = new ExitConfidences(new float[][] {{0.9f, 0.6f}, {0.8f, 0.7f}},
        new int[][] {{0, 1}, {0, 1}}, new long[] {10, 30});
    ExitCalibration.Result result = ExitCalibration.calibrate(confidences, new int[] {1, 1}, 0.1);
    assertThat(result.confidence()).isGreaterThan(0.9);
    assertThat(result.accuracy()).isEqualTo(1.0);
    assertThat(result.meanLayers()).isEqualTo(2.0);
    assertThat(result.exitShares()).containsExactly(0.0, 1.0);
  }

  @Test
  void choosesTheLowestThresholdThatKeepsTheAccuracy() {
    // the first exit is right where it is sure (0.95, 0.9) and wrong where it is not (0.6)
    ExitConfidences confidences = new ExitConfidences(
        new float[][] {{0.95f, 0.99f}, {0.9f, 0.99f}, {0.6f, 0.99f}, {0.55f, 0.99f}},
        new int[][] {{1, 1}, {0, 0}, {0, 1}, {1, 0}}, new long[] {10, 30});
    ExitCalibration.Result result = ExitCalibration.calibrate(confidences, new int[] {1, 0, 1, 0}, 0.0);
    assertThat(result.confidence()).isEqualTo(0.9f);
    assertThat(result.accuracy()).isEqualTo(1.0);
    assertThat(result.exitShares()).containsExactly(0.5, 0.5);
    assertThat(result.meanActiveParameters()).isEqualTo(20.0);
    // allowing a quarter of the rows to be lost, the lowest threshold lets one of the unsure rows go wrong
    assertThat(ExitCalibration.calibrate(confidences, new int[] {1, 0, 1, 0}, 0.25).confidence()).isEqualTo(0.6f);
  }
}
