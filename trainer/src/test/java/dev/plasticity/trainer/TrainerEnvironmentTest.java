package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerEnvironmentTest {
  @Test
  void anEmptyEnvironmentGivesTheConfigurationsDefaults() {
    TrainerConfig fromEnvironment = TrainerEnvironment.read(Map.of()).build();
    TrainerConfig defaults = TrainerConfig.builder("localhost:9092", URI.create("http://localhost:8081")).build();

    assertThat(fromEnvironment.endpoints()).isEqualTo(defaults.endpoints());
    assertThat(fromEnvironment.maxAttempts()).isEqualTo(defaults.maxAttempts());
    assertThat(fromEnvironment.retryBackoff()).isEqualTo(defaults.retryBackoff());
    assertThat(fromEnvironment.maxRetryBackoff()).isEqualTo(defaults.maxRetryBackoff());
    assertThat(fromEnvironment.maxClasses()).isEqualTo(defaults.maxClasses());
    assertThat(fromEnvironment.policy()).isEqualTo(RetrainingPolicy.defaults());
    assertThat(fromEnvironment.gate()).isEqualTo(defaults.gate()).isEqualTo(GateSettings.DEFAULTS);
  }

  @Test
  void recallIsOnUnlessTheEnvironmentTurnsItOffAndAnythingButTrueOrFalseIsRefused() {
    assertThat(TrainerEnvironment.read(Map.of()).build().recall()).isTrue();
    assertThat(TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_RECALL", "false")).build().recall()).isFalse();
    assertThat(TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_RECALL", "TRUE")).build().recall()).isTrue();
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_RECALL", "off")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLASTICITY_TRAINER_RECALL must be true or false");
  }

  @Test
  void readsTheGatesSignificanceAndMinimumEventsFromTheEnvironment() {
    TrainerConfig config = TrainerEnvironment.read(Map.of(
        "PLASTICITY_TRAINER_GATE_SIGNIFICANCE", "0.01",
        "PLASTICITY_TRAINER_GATE_MIN_EVENTS", "500")).build();

    assertThat(config.gate()).isEqualTo(new GateSettings(0.01, 500));
    assertThat(TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_GATE_MIN_EVENTS", "50")).build().gate())
        .isEqualTo(new GateSettings(GateSettings.DEFAULTS.significance(), 50));
  }

  @Test
  void refusesAGateSettingOutsideItsRangeNamingTheVariableAndTheRule() {
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_GATE_SIGNIFICANCE", "0.5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLASTICITY_TRAINER_GATE_SIGNIFICANCE must be in (0, 0.5)").hasMessageContaining("'0.5'");
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_GATE_SIGNIFICANCE", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLASTICITY_TRAINER_GATE_SIGNIFICANCE must be in (0, 0.5)");
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_GATE_SIGNIFICANCE", "five percent")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLASTICITY_TRAINER_GATE_SIGNIFICANCE is not a number");
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_GATE_MIN_EVENTS", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLASTICITY_TRAINER_GATE_MIN_EVENTS must be a whole number from 1");
  }

  @Test
  void readsEndpointsRetriesAndLimitsFromTheEnvironment() {
    TrainerConfig config = TrainerEnvironment.read(Map.of(
        "PLASTICITY_KAFKA_BOOTSTRAP", "kafka:9092",
        "PLASTICITY_REGISTRY_URL", "http://registry:8080",
        "PLASTICITY_REGISTRY_TOKEN", "s3cret",
        "PLASTICITY_TRAINER_GROUP", "trainers",
        "PLASTICITY_TRAINER_MAX_ATTEMPTS", "5",
        "PLASTICITY_TRAINER_RETRY_BACKOFF", "500ms",
        "PLASTICITY_TRAINER_MAX_RETRY_BACKOFF", "PT30S",
        "PLASTICITY_TRAINER_MAX_CLASSES", "10")).build();

    assertThat(config.endpoints()).isEqualTo(new Endpoints("kafka:9092", URI.create("http://registry:8080"), "s3cret", "trainers"));
    assertThat(config.maxAttempts()).isEqualTo(5);
    assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.maxRetryBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.maxClasses()).isEqualTo(10);
  }

  @Test
  void namesTheVariableThatIsMalformed() {
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_RETRY_BACKOFF", "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_TRAINER_RETRY_BACKOFF must be a duration");
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_MAX_ATTEMPTS", "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_TRAINER_MAX_ATTEMPTS");
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_POLICY", "no such rule")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_TRAINER_POLICY is not a policy");
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_RETRY_BACKOFF", "10m")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetryBackoff must be at least retryBackoff");
  }

  @Test
  void readsLabelLagsForEveryModelAndForParticularModels() {
    TrainerConfig config = TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_LABEL_LAGS", "auto, sea=off,prices=2"))
        .build();

    assertThat(config.labelLagsFor("electricity")).isEqualTo(LabelLags.AUTO);
    assertThat(config.labelLagsFor("sea")).isEqualTo(LabelLags.OFF);
    assertThat(config.labelLagsFor("prices")).isEqualTo(new LabelLags.Fixed(2));
    assertThat(TrainerEnvironment.read(Map.of()).build().labelLagsFor("any")).isEqualTo(LabelLags.OFF);
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_LABEL_LAGS", "sometimes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_TRAINER_LABEL_LAGS")
        .hasMessageContaining("label lags must be off, auto, auto:K or a whole number");
  }

  @Test
  void readsInputLevelsForEveryModelAndForParticularModels() {
    TrainerConfig config = TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_INPUT_LEVELS", "auto,sea=off, prices=48"))
        .build();

    assertThat(config.inputLevelsFor("electricity")).isEqualTo(InputLevels.AUTO);
    assertThat(config.inputLevelsFor("sea")).isEqualTo(InputLevels.OFF);
    assertThat(config.inputLevelsFor("prices")).isEqualTo(new InputLevels.Fixed(48));
    assertThat(TrainerEnvironment.read(Map.of()).build().inputLevelsFor("any")).isEqualTo(InputLevels.OFF);
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_INPUT_LEVELS", "auto,prices=1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_TRAINER_INPUT_LEVELS")
        .hasMessageContaining("input levels must be off, auto or a span of events");
    assertThatThrownBy(() -> TrainerEnvironment.read(Map.of("PLASTICITY_TRAINER_INPUT_LEVELS", "auto,300")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names the setting for every model twice");
  }
}
