package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.plasticity.schemas.GateResult;
import dev.plasticity.trainer.GateSettings;
import org.junit.jupiter.api.Test;

/** The gate on plain arrays of right and wrong outcomes. */
class GateTest {
  private final Gate gate = new Gate(GateSettings.DEFAULTS);

  /**
   * {@code n} events; the first {@code both} right for both, then {@code wins} only the
   * challenger gets right, then {@code losses} only the champion does; the rest both get wrong.
   */
  private static boolean[][] outcomes(int n, int both, int wins, int losses) {
    boolean[] champion = new boolean[n];
    boolean[] challenger = new boolean[n];
    for (int i = 0; i < both; i++) {
      champion[i] = true;
      challenger[i] = true;
    }
    for (int i = both; i < both + wins; i++) {
      challenger[i] = true;
    }
    for (int i = both + wins; i < both + wins + losses; i++) {
      champion[i] = true;
    }
    return new boolean[][] {champion, challenger};
  }

  @Test
  void aChallengerAheadByLessThanTheBoundIsNotPromoted() {
    // 800 events, 30 vs 20 disagreements: 1.25 points ahead, well within chance
    boolean[][] o = outcomes(800, 600, 30, 20);

    GateResult result = gate.judge(o[0], o[1]);

    assertThat(result.getChallengerAccuracy()).isGreaterThan(result.getChampionAccuracy());
    double gain = result.getChallengerAccuracy() - result.getChampionAccuracy();
    assertThat(gain).isLessThan(result.getBound());
    assertThat(result.getPromoted()).isFalse();
    assertThat(result.getVerdict()).startsWith("kept the champion").contains("30 vs 20 disagreements");
  }

  @Test
  void aChallengerAheadByTheBoundOrMoreIsPromoted() {
    boolean[][] o = outcomes(800, 600, 60, 20);

    GateResult result = gate.judge(o[0], o[1]);

    assertThat(result.getPromoted()).isTrue();
    assertThat(result.getChallengerAccuracy() - result.getChampionAccuracy())
        .isGreaterThanOrEqualTo(result.getBound());
    assertThat(result.getEvents()).isEqualTo(800);
  }

  @Test
  void theBoundIsTheLeastSignificantGainOfTheExactTest() {
    // 50 disagreements: P(X >= 32) = 0.0325 <= 0.05 < P(X >= 31) = 0.0595 for X ~ Binomial(50, 1/2)
    assertThat(dev.plasticity.trainer.McNemar.leastSignificantWins(50, 0.05)).isEqualTo(32);
    assertThat(gate.bound(50, 800)).isCloseTo((2 * 32 - 50) / 800.0, within(1e-12));
    // 4 disagreements cannot be significant at 0.05 (1/16 > 0.05); 5 all one way can (1/32)
    assertThat(dev.plasticity.trainer.McNemar.leastSignificantWins(4, 0.05)).isEqualTo(-1);
    assertThat(dev.plasticity.trainer.McNemar.leastSignificantWins(5, 0.05)).isEqualTo(5);
    assertThat(gate.bound(4, 800)).isCloseTo(5 / 800.0, within(1e-12));
    // large counts neither overflow nor underflow
    assertThat(dev.plasticity.trainer.McNemar.leastSignificantWins(100_000, 0.05)).isBetween(50_200, 50_300);
  }

  @Test
  void aTieKeepsTheChampion() {
    boolean[][] o = outcomes(1000, 700, 50, 50);

    assertThat(gate.judge(o[0], o[1]).getPromoted()).isFalse();
    boolean[][] same = outcomes(1000, 900, 0, 0);
    assertThat(gate.judge(same[0], same[1]).getPromoted()).isFalse();
  }

  @Test
  void fewerEventsThanTheMinimumPromoteNothingWhileAVersionServes() {
    boolean[][] o = outcomes(150, 50, 90, 0);

    GateResult result = gate.judge(o[0], o[1]);

    assertThat(result.getPromoted()).isFalse();
    assertThat(result.getVerdict()).contains("150 events are fewer than the 200");
  }

  @Test
  void withNoVersionServingTheChallengerIsPromotedOnAnyNumberOfEvents() {
    boolean[][] o = outcomes(20, 15, 0, 0);

    GateResult result = gate.judge(null, o[1]);

    assertThat(result.getPromoted()).isTrue();
    assertThat(result.getChampionAccuracy()).isNull();
    assertThat(result.getChallengerAccuracy()).isEqualTo(0.75);
  }

  @Test
  void aStricterSignificanceAsksForALargerGain() {
    Gate strict = new Gate(new GateSettings(0.001, 200));
    boolean[][] o = outcomes(800, 600, 40, 20); // p ~ 0.007: significant at 0.05, not at 0.001

    assertThat(gate.judge(o[0], o[1]).getPromoted()).isTrue();
    assertThat(strict.judge(o[0], o[1]).getPromoted()).isFalse();
  }

  @Test
  void outcomesOfDifferentEventsAreRefused() {
    assertThatThrownBy(() -> gate.judge(new boolean[300], new boolean[299]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same events");
    assertThatThrownBy(() -> new GateSettings(0.5, 200)).isInstanceOf(IllegalArgumentException.class);
  }
}
