package dev.plasticity.inference.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The label join's configuration as the environment gives it. */
class JoinEnvironmentTest {

  @Test
  void anEmptyEnvironmentGivesTheDefaults() {
    JoinConfig config = JoinConfig.fromEnvironment(Map.of());

    assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.applicationId()).isEqualTo(LabelJoinApp.DEFAULT_APPLICATION_ID);
    assertThat(config.stateDir()).isEqualTo(Path.of("join-state"));
    assertThat(config.settings()).isEqualTo(JoinSettings.defaults());
    assertThat(JoinEnvironment.WINDOW.defaultValue()).isEqualTo("24h");
    assertThat(JoinEnvironment.GRACE.defaultValue()).isEqualTo("5m");
    assertThat(JoinEnvironment.PREDICTION_WAIT.defaultValue()).isEqualTo("30s");
    assertThat(config.verify()).as("live verification is on unless turned off")
        .contains(dev.plasticity.inference.verify.VerifyConfig.of(java.net.URI.create("http://localhost:8081"), null));
  }

  @Test
  void everyVariableSetsItsPartOfTheConfig() {
    JoinConfig config = JoinConfig.fromEnvironment(Map.of(
        "PLASTICITY_KAFKA_BOOTSTRAP", "kafka:9092",
        "PLASTICITY_JOIN_WINDOW", "2h",
        "PLASTICITY_JOIN_GRACE", "PT30S",
        "PLASTICITY_JOIN_PREDICTION_WAIT", "2m",
        "PLASTICITY_JOIN_APPLICATION_ID", "fraud-join",
        "PLASTICITY_JOIN_STATE_DIR", " /var/lib/join ",
        "PLASTICITY_VERIFY", "off"));

    assertThat(config).isEqualTo(new JoinConfig("kafka:9092", "fraud-join", Path.of("/var/lib/join"),
        new JoinSettings(Duration.ofHours(2), Duration.ofSeconds(30), Duration.ofMinutes(2))));
  }

  @Test
  void aGraceOfZeroWaitsExactlyTheWindow() {
    JoinConfig config = JoinConfig.fromEnvironment(Map.of("PLASTICITY_JOIN_GRACE", "0"));

    assertThat(config.settings().grace()).isZero();
    assertThat(config.settings().waitMillis()).isEqualTo(JoinSettings.DEFAULT_WINDOW.toMillis());
  }

  @Test
  void aWindowThatIsNotAPositiveDurationIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> JoinConfig.fromEnvironment(Map.of("PLASTICITY_JOIN_WINDOW", "0s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PLASTICITY_JOIN_WINDOW must be a positive duration, got '0s'");
    assertThatThrownBy(() -> JoinConfig.fromEnvironment(Map.of("PLASTICITY_JOIN_WINDOW", "a day")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("PLASTICITY_JOIN_WINDOW must be a duration such as");
  }

  @Test
  void aNegativeGraceIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> JoinConfig.fromEnvironment(Map.of("PLASTICITY_JOIN_GRACE", "PT-1M")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PLASTICITY_JOIN_GRACE must be zero or a positive duration, got 'PT-1M'");
  }

  @Test
  void aPredictionWaitOfZeroJoinsAtOnceAndANegativeOneIsRefusedNamingTheVariable() {
    assertThat(JoinConfig.fromEnvironment(Map.of("PLASTICITY_JOIN_PREDICTION_WAIT", "0")).settings().predictionWait())
        .isZero();
    assertThatThrownBy(() -> JoinConfig.fromEnvironment(Map.of("PLASTICITY_JOIN_PREDICTION_WAIT", "PT-1S")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PLASTICITY_JOIN_PREDICTION_WAIT must be zero or a positive duration, got 'PT-1S'");
  }

  @Test
  void aBlankApplicationIdOrStateDirIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> JoinConfig.fromEnvironment(Map.of("PLASTICITY_JOIN_APPLICATION_ID", "  ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("PLASTICITY_JOIN_APPLICATION_ID is blank");
    assertThatThrownBy(() -> JoinConfig.fromEnvironment(Map.of("PLASTICITY_JOIN_STATE_DIR", " ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("PLASTICITY_JOIN_STATE_DIR is blank");
  }

  @Test
  void aWindowAndGraceTooLongTogetherAreRefusedNamingBothVariables() {
    assertThatThrownBy(() -> JoinConfig.fromEnvironment(Map.of("PLASTICITY_JOIN_WINDOW", "2562047788015h",
        "PLASTICITY_JOIN_GRACE", "1h")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("PLASTICITY_JOIN_WINDOW and PLASTICITY_JOIN_GRACE: the join window plus grace must fit");
  }

  @Test
  void theJoinsVariablesAreListedOnceEach() {
    assertThat(JoinEnvironment.ALL).extracting(dev.plasticity.schemas.Setting::name).doesNotHaveDuplicates()
        .containsExactly("PLASTICITY_KAFKA_BOOTSTRAP", "PLASTICITY_JOIN_WINDOW", "PLASTICITY_JOIN_GRACE",
            "PLASTICITY_JOIN_PREDICTION_WAIT", "PLASTICITY_JOIN_APPLICATION_ID", "PLASTICITY_JOIN_STATE_DIR",
            "PLASTICITY_VERIFY", "PLASTICITY_VERIFY_ALPHA", "PLASTICITY_VERIFY_BETA", "PLASTICITY_VERIFY_DELTA",
            "PLASTICITY_VERIFY_MAX_PAIRED_EVENTS", "PLASTICITY_VERIFY_GROUP_ID", "PLASTICITY_REGISTRY_URL",
            "PLASTICITY_REGISTRY_TOKEN");
  }
}
