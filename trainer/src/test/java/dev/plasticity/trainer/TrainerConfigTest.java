package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {
  private static TrainerConfig.Builder builder() {
    return TrainerConfig.builder("unused:9092", URI.create("http://unused"));
  }

  @Test
  void everyStrategyNameConfiguresARunThatReportsThatName() {
    for (String name : TrainerConfig.STRATEGIES) {
      assertThat(builder().adaptation(name).build().strategy()).isEqualTo(name);
      assertThat(builder().build().withStrategy(name).strategy()).isEqualTo(name);
    }
    assertThat(builder().adaptation("search:hyperband").build().searchStrategy()).isEqualTo("hyperband");
    assertThat(builder().adaptation("fine-tune:top").build().fineTune()).isEqualTo("top");
    assertThat(builder().fineTune("head").adaptation("retrain").build().strategy()).isEqualTo("retrain");
  }

  @Test
  void theOlderSettingsStillPickTheStrategy() {
    assertThat(builder().build().strategy()).isEqualTo("policy"); // nothing configured: each run's policy decides
    assertThat(builder().fineTune("head").build().strategy()).isEqualTo("fine-tune:head");
    assertThat(builder().searchStrategy("random").build().strategy()).isEqualTo("search:random");
  }

  @Test
  void refusesAnUnknownStrategyNamingTheKnownOnes() {
    assertThatThrownBy(() -> builder().adaptation("ewc:all"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown strategy 'ewc:all'")
        .hasMessageContaining("importance-weighting");
  }

  @Test
  void refusesAnAdaptationTogetherWithAFineTune() {
    assertThatThrownBy(() -> builder().adaptation("distill").fineTune("all").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("adaptation 'distill' runs instead of a search or a fine-tune");
  }

  @Test
  void refusesSettingsOutsideTheirRange() {
    assertThatThrownBy(() -> new AdaptationSettings(-1, 10, 2, 0.5, java.util.List.of(), 10))
        .hasMessageContaining("ewcLambda");
    assertThatThrownBy(() -> new AdaptationSettings(1, 10, 2, 1.5, java.util.List.of(), 10))
        .hasMessageContaining("distillAlpha must be in [0, 1]");
    assertThatThrownBy(() -> new AdaptationSettings(1, 10, 2, 0.5, java.util.List.of(), 0.5))
        .hasMessageContaining("maxImportanceWeight must be at least 1");
  }
}
