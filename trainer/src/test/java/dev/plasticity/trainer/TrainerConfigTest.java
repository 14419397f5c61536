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
  void everyStrategyNameConfiguresTheOneOverride() {
    assertThat(builder().build().strategy()).isEmpty(); // nothing configured: each run's policy decides
    for (String name : RetrainingPolicy.STRATEGIES) {
      Strategy strategy = Strategy.parse(name);
      assertThat(builder().strategy(name).build().strategy()).contains(strategy);
      assertThat(builder().build().withStrategy(strategy).strategy()).contains(strategy);
    }
    assertThat(builder().strategy("search:hyperband").build().strategy())
        .contains(new Strategy.Search(SearchAlgorithm.HYPERBAND));
    assertThat(builder().strategy("fine-tune:top").build().strategy())
        .contains(new Strategy.FineTune(FineTuneScope.TOP));
    // the last one set wins: there is one override, not one per kind
    assertThat(builder().strategy("fine-tune:head").strategy("retrain").build().strategy())
        .contains(new Strategy.Retrain());
  }

  @Test
  void aConfiguredAdaptationOverridesThePolicyOnlyWhenAVersionServes() {
    TrainerConfig config = builder().strategy("distill").build();
    RetrainingPolicy.Drift drift = new RetrainingPolicy.Drift(dev.plasticity.schemas.DriftKind.PRIOR, 0.5);

    assertThat(config.plan("sea", drift, true).strategy().wireName()).isEqualTo("distill");
    assertThat(config.plan("sea", drift, true).reason()).isEqualTo("strategy distill is configured, which overrides"
        + " the policy: training a network on the new window distilled from the serving version");
    assertThat(config.plan("sea", drift, false).strategy().wireName()).isEqualTo("retrain");
    // a search needs no serving version: it overrides always
    assertThat(builder().strategy("search:random").build().plan("sea", null, false).strategy().wireName())
        .isEqualTo("search:random");
  }

  @Test
  void refusesAnUnknownStrategyNamingTheKnownOnes() {
    assertThatThrownBy(() -> builder().strategy("ewc:all"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown strategy 'ewc:all'")
        .hasMessageContaining("importance-weighting");
  }

  @Test
  void theConfigurationComesInPartsAndEachAlgorithmTakesOnlyItsOwn() {
    TrainerConfig config = builder().registryToken("t").groupId("g").epochs(3).seed(7).searchCandidates(5)
        .adaptationSettings(AdaptationSettings.DEFAULTS.withEwcLambda(3)).build();

    assertThat(config.endpoints()).isEqualTo(new Endpoints("unused:9092", URI.create("http://unused"), "t", "g"));
    assertThat(config.training()).isEqualTo(TrainingSettings.DEFAULTS.withEpochs(3).withSeed(7));
    assertThat(config.search().maxCandidates()).isEqualTo(5);
    assertThat(config.adaptation().ewcLambda()).isEqualTo(3);
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
    assertThat(config.endpoints().registryToken()).isEqualTo("s3cr3t-token");
    assertThat(config.toString()).doesNotContain("s3cr3t-token").contains("registryToken=***");
    assertThat(builder().registryToken(" ").build().endpoints().registryToken()).isNull();
  }
}
