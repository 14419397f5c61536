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

  @Test
  void waitsBetweenAttemptsTwiceAsLongEachTimeUpToTheMaximum() {
    TrainerConfig defaults = builder().build();
    assertThat(defaults.retryDelay(1)).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(defaults.retryDelay(2)).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(defaults.retryDelay(6)).isEqualTo(java.time.Duration.ofSeconds(160));
    assertThat(defaults.retryDelay(7)).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(defaults.retryDelay(1000)).isEqualTo(java.time.Duration.ofMinutes(5));
    TrainerConfig quick = builder().retryBackoff(java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(300)).build();
    assertThat(quick.retryDelay(1)).isEqualTo(java.time.Duration.ofMillis(200));
    assertThat(quick.retryDelay(2)).isEqualTo(java.time.Duration.ofMillis(300));
  }

  @Test
  void refusesABackoffThatIsNotPositiveOrExceedsItsMaximum() {
    assertThatThrownBy(() -> builder().retryBackoff(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retryBackoff must be positive");
    assertThatThrownBy(() -> builder().retryBackoff(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(1))
            .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxRetryBackoff must be at least retryBackoff");
  }

  @Test
  void neverPrintsTheRegistryToken() {
    TrainerConfig config = builder().registryToken("s3cr3t-token").build();
    assertThat(config.registryToken()).isEqualTo("s3cr3t-token");
    assertThat(config.toString()).doesNotContain("s3cr3t-token").contains("registryToken=***");
    assertThat(builder().registryToken(" ").build().registryToken()).isNull();
  }
}
