package dev.plasticity.inference.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferenceSettingsTest {
  @Test
  void listensOnlyOnThisMachineUnlessToldOtherwise() {
    InferenceSettings settings = InferenceSettings.fromEnvironment(Map.of("PLASTICITY_MODEL", "sea"));

    assertThat(settings.bindHost()).isEqualTo("127.0.0.1");
    assertThat(settings.port()).isEqualTo(8082);
    assertThat(settings.registryUrl()).isEqualTo(URI.create("http://localhost:8081"));
    assertThat(settings.kafkaBootstrap()).isEqualTo("localhost:9092");
  }

  @Test
  void takesTheBindHostAndPortFromTheEnvironment() {
    InferenceSettings settings = InferenceSettings.fromEnvironment(Map.of("PLASTICITY_MODEL", "sea",
        "PLASTICITY_INFERENCE_BIND_HOST", "0.0.0.0", "PLASTICITY_INFERENCE_PORT", "9000"));

    assertThat(settings.bindHost()).isEqualTo("0.0.0.0");
    assertThat(settings.port()).isEqualTo(9000);
  }

  @Test
  void namesTheVariableThatIsMissingOrMalformed() {
    assertThatThrownBy(() -> InferenceSettings.fromEnvironment(Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_MODEL");
    assertThatThrownBy(() -> InferenceSettings.fromEnvironment(Map.of("PLASTICITY_MODEL", "sea", "PLASTICITY_INFERENCE_PORT", "80a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_INFERENCE_PORT must be a port number");
    assertThatThrownBy(() -> InferenceSettings.fromEnvironment(Map.of("PLASTICITY_MODEL", "sea", "PLASTICITY_INFERENCE_PORT", "70000")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 (any free port) or 1..65535");
    assertThatThrownBy(() -> InferenceSettings.fromEnvironment(Map.of("PLASTICITY_MODEL", "sea", "PLASTICITY_INFERENCE_BIND_HOST", " ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_INFERENCE_BIND_HOST");
  }
}
