package dev.plasticity.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.inference.HotSwapPredictor;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorersTest {
  @Test
  void findsEachModelsPredictorByNameAndNothingForAnotherModel() {
    try (HotSwapPredictor fraud = new HotSwapPredictor("fraud"); HotSwapPredictor churn = new HotSwapPredictor("churn")) {
      Scorers scorers = Scorers.of(fraud, churn);

      assertThat(scorers.predictor("fraud")).containsSame(fraud);
      assertThat(scorers.predictor("churn")).containsSame(churn);
      assertThat(scorers.predictor("other")).isEmpty();
      assertThat(scorers.models()).containsExactly("fraud", "churn");
    }
  }

  @Test
  void refusesNoPredictorAndTwoPredictorsForOneModel() {
    try (HotSwapPredictor one = new HotSwapPredictor("fraud"); HotSwapPredictor two = new HotSwapPredictor("fraud")) {
      assertThatThrownBy(() -> Scorers.of(one, two)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("each model is served by one predictor; fraud was given twice");
      assertThatThrownBy(() -> Scorers.of(List.of())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least one model");
    }
  }

  @Test
  void aConfigDefaultsItsApplicationIdHidesItsTokenAndRefusesRepeatedModels() {
    ScoringConfig config = ScoringConfig.of("localhost:9092", URI.create("http://127.0.0.1:8081"), List.of("fraud"),
        Path.of("state")).withRegistryToken("secret");

    assertThat(config.applicationId()).isEqualTo("plasticity-scoring");
    assertThat(config.toString()).doesNotContain("secret").contains("registryToken=***");
    assertThat(ScoringApp.properties(config, java.util.Map.of("processing.guarantee", "at_least_once")))
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("application.id", "plasticity-scoring")
        .containsEntry("state.dir", "state");
    assertThatThrownBy(() -> ScoringConfig.of("localhost:9092", URI.create("http://r"), List.of("a", "a"), Path.of("s")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
    assertThatThrownBy(() -> config.withApplicationId(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("application id");
  }

  @Test
  void readsAConfigFromTheEnvironmentAndNamesAMissingVariable() {
    ScoringConfig config = ScoringConfig.fromEnvironment(java.util.Map.of("PLASTICITY_SCORING_MODELS", "fraud, churn",
        "PLASTICITY_KAFKA_BOOTSTRAP", "kafka:9092"));

    assertThat(config.models()).containsExactly("fraud", "churn");
    assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(config.registryUrl()).isEqualTo(URI.create("http://localhost:8081"));
    assertThat(config.registryToken()).isNull();
    assertThat(config.applicationId()).isEqualTo("plasticity-scoring");
    assertThat(config.stateDir()).isEqualTo(Path.of("scoring-state"));
    assertThat(config.maxBatch()).isEqualTo(256);
    assertThat(config.maxDelay()).isEqualTo(java.time.Duration.ofMillis(5));
    assertThatThrownBy(() -> ScoringConfig.fromEnvironment(java.util.Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("set PLASTICITY_SCORING_MODELS");
    assertThatThrownBy(() -> ScoringConfig.fromEnvironment(java.util.Map.of("PLASTICITY_SCORING_MODELS", "a,,b")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_SCORING_MODELS");
  }

  @Test
  void readsTheBatchingFromTheEnvironmentAndRefusesAnEmptyBatchOrDelay() {
    ScoringConfig config = ScoringConfig.fromEnvironment(java.util.Map.of("PLASTICITY_SCORING_MODELS", "fraud",
        "PLASTICITY_SCORING_MAX_BATCH", "64", "PLASTICITY_SCORING_MAX_DELAY", "20ms"));

    assertThat(config.maxBatch()).isEqualTo(64);
    assertThat(config.maxDelay()).isEqualTo(java.time.Duration.ofMillis(20));
    assertThatThrownBy(() -> ScoringConfig.fromEnvironment(java.util.Map.of("PLASTICITY_SCORING_MODELS", "fraud",
        "PLASTICITY_SCORING_MAX_BATCH", "0"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLASTICITY_SCORING_MAX_BATCH");
    assertThatThrownBy(() -> config.withBatching(0, java.time.Duration.ofMillis(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatch");
    assertThatThrownBy(() -> config.withBatching(8, java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
  }
}
