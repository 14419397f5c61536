package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import dev.plasticity.schemas.Architecture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputLayoutTest {
  private static Architecture architecture(int labelLags) {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1", "x2"))
        .setFeatureMeans(List.of(1.0, 0.0))
        .setFeatureStds(List.of(2.0, 1.0))
        .setHiddenUnits(List.of(4))
        .setNumClasses(3)
        .setLabelLags(labelLags)
        .build();
  }

  @Test
  void aRowIsTheNumericInputsThenOneOneHotBlockPerLag() {
    InputLayout layout = InputLayout.of(architecture(2));

    assertThat(layout.width()).isEqualTo(2 + 2 * 3);
    assertThat(ModelFormat.encode(architecture(2), Map.of("x1", 3.0, "x2", 5.0), new int[] {2, 0}))
        .containsExactly(1f, 5f, 0f, 0f, 1f, 1f, 0f, 0f);
  }

  @Test
  void labelsNotKnownYetAreZeros() {
    assertThat(ModelFormat.encode(architecture(2), Map.of("x1", 1.0, "x2", 0.0), new int[] {1}))
        .containsExactly(0f, 0f, 0f, 1f, 0f, 0f, 0f, 0f);
    assertThat(ModelFormat.encode(architecture(2), Map.of("x1", 1.0, "x2", 0.0)))
        .containsExactly(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
  }

  @Test
  void aLabelOutsideTheClassesIsZerosAndLabelsBeyondTheLagsAreIgnored() {
    assertThat(ModelFormat.encode(architecture(1), Map.of("x1", 1.0, "x2", 0.0), new int[] {7, 1}))
        .containsExactly(0f, 0f, 0f, 0f, 0f);
  }

  @Test
  void withoutLagsTheRowIsTheNumericInputsAlone() {
    assertThat(InputLayout.of(architecture(0)).width()).isEqualTo(2);
    assertThat(ModelFormat.encode(architecture(0), Map.of("x1", 3.0, "x2", 5.0), new int[] {2}))
        .containsExactly(1f, 5f);
  }

  @Test
  void theNetworkOfALaggedArchitectureTakesTheWiderRow() {
    try (Model model = ModelFormat.newModel("lags", architecture(2))) {
      byte[] artifact = ModelFormat.saveParameters(model);
      assertThatThrownBy(() -> ModelFormat.load("lags", architecture(0), artifact))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("parameter shapes differ");
    }
  }

  @Test
  void negativeLagsAreRefusedNamingTheRule() {
    assertThatThrownBy(() -> new InputLayout(2, -1, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("labelLags must not be negative");
    assertThatThrownBy(() -> ModelFormat.buildBlock(architecture(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("labelLags must not be negative");
  }
}
