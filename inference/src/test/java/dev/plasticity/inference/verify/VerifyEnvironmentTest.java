package dev.plasticity.inference.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Live verification's configuration as the environment gives it. */
class VerifyEnvironmentTest {

  @Test
  void isOnByDefaultWithTheStatedRates() {
    VerifyConfig config = VerifyConfig.fromEnvironment(Map.of()).orElseThrow();

    assertThat(config.settings()).isEqualTo(new VerifySettings(0.05, 0.1, 0.05, 20_000));
    assertThat(config.groupId()).isEqualTo(VerifyConfig.DEFAULT_GROUP_ID);
    assertThat(config.registryUrl()).isEqualTo(URI.create("http://localhost:8081"));
    assertThat(config.registryToken()).isNull();
  }

  @Test
  void everyVariableSetsItsPartOfTheConfig() {
    VerifyConfig config = VerifyConfig.fromEnvironment(Map.of("PLASTICITY_VERIFY", "on",
        "PLASTICITY_VERIFY_ALPHA", "0.01", "PLASTICITY_VERIFY_BETA", "0.2", "PLASTICITY_VERIFY_DELTA", "0.1",
        "PLASTICITY_VERIFY_MAX_PAIRED_EVENTS", "500", "PLASTICITY_VERIFY_GROUP_ID", "verifier-b",
        "PLASTICITY_REGISTRY_URL", "http://registry:8081", "PLASTICITY_REGISTRY_TOKEN", "secret")).orElseThrow();

    assertThat(config).isEqualTo(new VerifyConfig("verifier-b", URI.create("http://registry:8081"), "secret",
        new VerifySettings(0.01, 0.2, 0.1, 500)));
  }

  @Test
  void theRegistryTokenNeverShowsInTheConfigOrTheJoinConfigThatHoldsIt() {
    VerifyConfig config = VerifyConfig.of(URI.create("http://registry:8081"), "s3cret-token");

    assertThat(config.toString()).doesNotContain("s3cret-token").contains("registryToken=***");
    assertThat(new dev.plasticity.inference.join.JoinConfig("kafka:9092", "join", java.nio.file.Path.of("state"),
        dev.plasticity.inference.join.JoinSettings.defaults(), java.util.Optional.of(config)).toString())
        .doesNotContain("s3cret-token");
    assertThat(VerifyConfig.of(URI.create("http://registry:8081"), " ").registryToken()).isNull();
  }

  @Test
  void offReadsNothingElse() {
    assertThat(VerifyConfig.fromEnvironment(Map.of("PLASTICITY_VERIFY", "off", "PLASTICITY_VERIFY_ALPHA", "x")))
        .isEmpty();
  }

  @Test
  void badValuesAreRefusedNamingTheVariableOrTheRule() {
    assertThatThrownBy(() -> VerifyConfig.fromEnvironment(Map.of("PLASTICITY_VERIFY", "yes")))
        .hasMessageContaining("PLASTICITY_VERIFY").hasMessageContaining("on or off");
    assertThatThrownBy(() -> VerifyConfig.fromEnvironment(Map.of("PLASTICITY_VERIFY_ALPHA", "1.5")))
        .hasMessageContaining("PLASTICITY_VERIFY_ALPHA").hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> VerifyConfig.fromEnvironment(Map.of("PLASTICITY_VERIFY_DELTA", "0.6")))
        .hasMessageContaining("PLASTICITY_VERIFY_DELTA").hasMessageContaining("0.5");
    assertThatThrownBy(() -> VerifyConfig.fromEnvironment(Map.of("PLASTICITY_VERIFY_ALPHA", "0.6",
        "PLASTICITY_VERIFY_BETA", "0.5"))).hasMessageContaining("alpha + beta must be below 1");
    assertThatThrownBy(() -> VerifyConfig.fromEnvironment(Map.of("PLASTICITY_VERIFY_MAX_PAIRED_EVENTS", "0")))
        .hasMessageContaining("PLASTICITY_VERIFY_MAX_PAIRED_EVENTS");
  }
}
