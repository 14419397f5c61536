package dev.plasticity.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CanarySharesTest {
  private static final int KEYS = 100_000;

  private static long taken(CanaryShares shares, String model) {
    return IntStream.range(0, KEYS).filter(i -> shares.takes(model, "tx-" + i)).count();
  }

  @Test
  void sendsCloseToTheShareOfManyKeysToTheChallenger() {
    // the hash is fixed, so these counts are the same on every run; a fair split of 100,000 keys
    // lands within about 0.3 points of the share (three standard deviations)
    assertThat(taken(new CanaryShares(0.1, Map.of()), "fraud") / (double) KEYS).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.003));
    assertThat(taken(new CanaryShares(0.5, Map.of()), "churn") / (double) KEYS).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.005));
    assertThat(taken(new CanaryShares(0.01, Map.of()), "fraud") / (double) KEYS).isCloseTo(0.01, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void theSameKeyAlwaysGoesTheSameWayAndALargerShareKeepsTheKeysOfASmallerOne() {
    CanaryShares small = new CanaryShares(0.05, Map.of());
    CanaryShares large = new CanaryShares(0.2, Map.of());

    for (int i = 0; i < 10_000; i++) {
      String id = "tx-" + i;
      assertThat(small.takes("fraud", id)).isEqualTo(new CanaryShares(0.05, Map.of()).takes("fraud", id));
      if (small.takes("fraud", id)) {
        assertThat(large.takes("fraud", id)).isTrue();
      }
    }
    assertThat(CanaryShares.position("fraud", "tx-1")).isEqualTo(CanaryShares.position("fraud", "tx-1"))
        .isNotEqualTo(CanaryShares.position("churn", "tx-1"));
  }

  @Test
  void noShareTakesNoKeyAndAFullShareTakesEvery() {
    assertThat(taken(CanaryShares.OFF, "fraud")).isZero();
    assertThat(taken(new CanaryShares(1, Map.of()), "fraud")).isEqualTo(KEYS);
    assertThat(CanaryShares.OFF.any()).isFalse();
  }

  @Test
  void aModelsOwnShareReplacesTheGlobalOne() {
    CanaryShares shares = new CanaryShares(0.1, Map.of("churn", 0.0, "loans", 0.3));

    assertThat(shares.of("fraud")).isEqualTo(0.1);
    assertThat(shares.of("churn")).isZero();
    assertThat(shares.of("loans")).isEqualTo(0.3);
    assertThat(taken(shares, "churn")).isZero();
    assertThat(new CanaryShares(0, Map.of("loans", 0.3)).any()).isTrue();
  }

  @Test
  void refusesAShareOutsideZeroToOneNamingTheRule() {
    assertThatThrownBy(() -> new CanaryShares(1.5, Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a canary share is a number from 0 (no canary) to 1 (every event)");
    assertThatThrownBy(() -> new CanaryShares(Double.NaN, Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CanaryShares(0, Map.of("fraud", -0.1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the canary share of fraud");
  }

  @Test
  void readsTheSharesFromTheEnvironmentAndNamesTheVariableThatBreaksTheRule() {
    ScoringConfig config = ScoringConfig.fromEnvironment(Map.of("PLASTICITY_SCORING_MODELS", "fraud,churn",
        "PLASTICITY_CANARY_SHARE", "0.05", "PLASTICITY_CANARY_SHARES", "churn=0.2, loans=0",
        "PLASTICITY_VERIFY_WATCH_EVENTS", "200"));

    assertThat(config.canary().of("fraud")).isEqualTo(0.05);
    assertThat(config.canary().of("churn")).isEqualTo(0.2);
    assertThat(config.verifyWatchEvents()).isEqualTo(200);
    ScoringConfig defaults = ScoringConfig.fromEnvironment(Map.of("PLASTICITY_SCORING_MODELS", "fraud"));
    assertThat(defaults.canary()).isEqualTo(CanaryShares.OFF);
    assertThat(defaults.verifyWatchEvents()).isEqualTo(5_000);
    assertThat(ScoringApp.followed(defaults, "fraud")).as("no canary: the challenger is not loaded")
        .doesNotContain(dev.plasticity.inference.AliasRole.CHALLENGER);
    assertThat(ScoringApp.followed(config, "fraud")).contains(dev.plasticity.inference.AliasRole.CHALLENGER,
        dev.plasticity.inference.AliasRole.SHADOW);

    assertThatThrownBy(() -> ScoringConfig.fromEnvironment(Map.of("PLASTICITY_SCORING_MODELS", "fraud",
        "PLASTICITY_CANARY_SHARE", "10%"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("PLASTICITY_CANARY_SHARE must be a number from 0 (no canary) to 1 (every event)");
    assertThatThrownBy(() -> ScoringConfig.fromEnvironment(Map.of("PLASTICITY_SCORING_MODELS", "fraud",
        "PLASTICITY_CANARY_SHARES", "fraud:0.1"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLASTICITY_CANARY_SHARES must be model=share pairs separated by commas");
    assertThatThrownBy(() -> ScoringConfig.fromEnvironment(Map.of("PLASTICITY_SCORING_MODELS", "fraud",
        "PLASTICITY_CANARY_SHARES", "fraud=2"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the share of fraud must be a number from 0");
    assertThatThrownBy(() -> ScoringConfig.fromEnvironment(Map.of("PLASTICITY_SCORING_MODELS", "fraud",
        "PLASTICITY_VERIFY_WATCH_EVENTS", "-1"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLASTICITY_VERIFY_WATCH_EVENTS");
  }
}
