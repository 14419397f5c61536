package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
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
}
