package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.plasticity.schemas.Architecture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelFormatTest {
  private static Architecture architecture(List<Integer> hidden) {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1", "x2", "x3"))
        .setFeatureMeans(List.of(5.0, 5.0, 5.0))
        .setFeatureStds(List.of(2.9, 2.9, 2.9))
        .setHiddenUnits(hidden)
        .setNumClasses(2)
        .build();
  }

  @Test
  void aSavedModelLoadsBackWithIdenticalOutputs() throws Exception {
    Engine.getInstance().setRandomSeed(7);
    Architecture arch = architecture(List.of(16, 8));
    float[][] rows = {
      ModelFormat.encode(arch, Map.of("x1", 1.0, "x2", 2.0, "x3", 3.0)),
      ModelFormat.encode(arch, Map.of("x1", 9.0, "x2", 0.5, "x3", 4.0))
    };
    byte[] artifact;
    float[][] before;
    try (Model model = ModelFormat.newModel("m", arch);
        Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
      before = predictor.predict(rows);
      artifact = ModelFormat.saveParameters(model);
    }
    try (Model loaded = ModelFormat.load("m", arch, artifact);
        Predictor<float[][], float[][]> predictor = loaded.newPredictor(new ClassProbabilities())) {
      assertThat(predictor.predict(rows)).isDeepEqualTo(before);
    }
  }

  @Test
  void anArtifactOfAnotherArchitectureIsRefused() {
    byte[] artifact;
    try (Model model = ModelFormat.newModel("m", architecture(List.of(16)))) {
      artifact = ModelFormat.saveParameters(model);
    }
    assertThatThrownBy(() -> ModelFormat.load("m", architecture(List.of(32, 4)), artifact))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit");
  }

  @Test
  void anArtifactWithLayersOfAnotherWidthIsRefused() {
    byte[] artifact;
    try (Model model = ModelFormat.newModel("m", architecture(List.of(16, 8)))) {
      artifact = ModelFormat.saveParameters(model);
    }
    assertThatThrownBy(() -> ModelFormat.load("m", architecture(List.of(32, 8)), artifact))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit")
        .hasMessageContaining("where the architecture needs (32, 3)");
  }

  @Test
  void anArtifactWithBytesAfterItsLastParameterIsRefused() {
    byte[] artifact;
    try (Model model = ModelFormat.newModel("m", architecture(List.of(16)))) {
      artifact = ModelFormat.saveParameters(model);
    }
    byte[] longer = java.util.Arrays.copyOf(artifact, artifact.length + 4);
    assertThatThrownBy(() -> ModelFormat.load("m", architecture(List.of(16)), longer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("left over");
  }

  @Test
  void encodingNamesAMissingFeature() {
    assertThatThrownBy(() -> ModelFormat.encode(architecture(List.of(4)), Map.of("x1", 1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x2' is missing");
  }

  @Test
  void anUnknownActivationIsNamed() {
    Architecture arch = architecture(List.of(4));
    arch.setActivation("swoosh");
    assertThatThrownBy(() -> ModelFormat.buildBlock(arch)).hasMessageContaining("unknown activation 'swoosh'");
  }

  @Test
  void theDefaultsBuildTheNetworkOfArchitecturesWrittenBeforeNormalizationAndResidualExisted() throws Exception {
    Architecture arch = architecture(List.of(16, 8));
    assertThat(arch.getNormalization()).isEqualTo("none");
    assertThat(arch.getResidual()).isFalse();
    Engine.getInstance().setRandomSeed(3);
    SequentialBlock before = new SequentialBlock()
        .add(Linear.builder().setUnits(16).build()).add(Activation.reluBlock())
        .add(Linear.builder().setUnits(8).build()).add(Activation.reluBlock())
        .add(Linear.builder().setUnits(2).build());
    float[][] rows = {ModelFormat.encode(arch, Map.of("x1", 1.0, "x2", 2.0, "x3", 3.0))};
    byte[] artifact;
    float[][] expected;
    try (Model model = Model.newInstance("old")) {
      model.setBlock(before);
      before.initialize(model.getNDManager(), DataType.FLOAT32, ModelFormat.inputShape(arch, 1));
      try (Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
        expected = predictor.predict(rows);
      }
      artifact = ModelFormat.saveParameters(model);
    }
    try (Model loaded = ModelFormat.load("m", arch, artifact);
        Predictor<float[][], float[][]> predictor = loaded.newPredictor(new ClassProbabilities())) {
      assertThat(predictor.predict(rows)).isDeepEqualTo(expected);
    }
  }

  @Test
  void everyNormalizationWithAndWithoutSkipConnectionsLoadsBackWithIdenticalOutputs() throws Exception {
    float[][] rows = {{0.1f, -1.2f, 0.7f}, {1.5f, 0.3f, -0.4f}, {-0.9f, 2.0f, 0.0f}};
    for (String normalization : ModelFormat.NORMALIZATIONS) {
      for (boolean residual : List.of(false, true)) {
        Architecture arch = architecture(List.of(8, 8, 4));
        arch.setNormalization(normalization);
        arch.setResidual(residual);
        arch.setDropout(0.25);
        Engine.getInstance().setRandomSeed(11);
        byte[] artifact;
        float[][] before;
        try (Model model = ModelFormat.newModel("m", arch);
            Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
          before = predictor.predict(rows);
          artifact = ModelFormat.saveParameters(model);
        }
        try (Model loaded = ModelFormat.load("m", arch, artifact);
            Predictor<float[][], float[][]> predictor = loaded.newPredictor(new ClassProbabilities())) {
          assertThat(predictor.predict(rows)).as(ModelFormat.describe(arch)).isDeepEqualTo(before);
        }
      }
    }
  }

  @Test
  void aResidualArtifactIsRefusedByTheSameWidthsWithoutSkipConnections() {
    Architecture residual = architecture(List.of(8, 8));
    residual.setResidual(true);
    byte[] artifact;
    try (Model model = ModelFormat.newModel("m", residual)) {
      artifact = ModelFormat.saveParameters(model);
    }
    // a consumer that ignores the residual field must refuse the artifact, not serve a different network
    assertThatThrownBy(() -> ModelFormat.load("m", architecture(List.of(8, 8)), artifact))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit");
  }

  @Test
  void onlyALayerAsWideAsTheOneBeforeItGetsASkipConnection() {
    Architecture arch = architecture(List.of(8, 8, 4, 4, 4));
    arch.setResidual(true);
    assertThat(List.of(0, 1, 2, 3, 4)).map(i -> ModelFormat.hasSkipConnection(arch, i))
        .containsExactly(false, true, false, true, true);
    arch.setResidual(false);
    assertThat(List.of(0, 1, 2, 3, 4)).map(i -> ModelFormat.hasSkipConnection(arch, i))
        .containsOnly(false);
  }

  @Test
  void anUnknownNormalizationIsNamed() {
    Architecture arch = architecture(List.of(4));
    arch.setNormalization("group");
    assertThatThrownBy(() -> ModelFormat.buildBlock(arch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown normalization 'group'; supported: [none, batch, layer]");
  }
}
