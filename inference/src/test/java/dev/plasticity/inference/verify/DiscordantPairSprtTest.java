package dev.plasticity.inference.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sequential test's verdicts and its error rates, on seeded simulations. The rates are checked
 * against Wald's bounds ({@code alpha / (1 - beta)}, {@code beta / (1 - alpha)}) plus three
 * standard errors of the simulated rate: the seed makes each run the same, and the margin says how
 * far a correct test could stray with another seed.
 */
class DiscordantPairSprtTest {
  private static final VerifySettings DEFAULTS = VerifySettings.defaults();
  private static final int RUNS = 2_000;

  @Test
  void thirtyOneDiscordantPairsLostInARowDecideLostAndThirtyDoNot() {
    // ln(1.1) = 0.0953 per pair lost; the LOST boundary is ln(0.9 / 0.05) = 2.890
    DiscordantPairSprt test = new DiscordantPairSprt(DEFAULTS);
    for (int i = 0; i < 30; i++) {
      assertThat(test.update(false, true)).as("pair %d", i + 1).isEqualTo(Verdict.UNDECIDED);
    }
    assertThat(test.update(false, true)).isEqualTo(Verdict.LOST);
  }

  @Test
  void twentyTwoDiscordantPairsWonInARowDecideWonAndTwentyOneDoNot() {
    // ln(0.9) = -0.1054 per pair won; the WON boundary is ln(0.1 / 0.95) = -2.251
    DiscordantPairSprt test = new DiscordantPairSprt(DEFAULTS);
    for (int i = 0; i < 21; i++) {
      assertThat(test.update(true, false)).as("pair %d", i + 1).isEqualTo(Verdict.UNDECIDED);
    }
    assertThat(test.update(true, false)).isEqualTo(Verdict.WON);
  }

  @Test
  void pairsBothVersionsGotRightOrBothWrongMoveNothing() {
    DiscordantPairSprt test = new DiscordantPairSprt(DEFAULTS);
    for (int i = 0; i < 10_000; i++) {
      test.update(i % 2 == 0, i % 2 == 0);
    }

    assertThat(test.verdict()).isEqualTo(Verdict.UNDECIDED);
    assertThat(test.logLikelihoodRatio()).isZero();
    assertThat(test.concordant()).isEqualTo(10_000);
  }

  @Test
  void aDecidedTestStaysDecided() {
    DiscordantPairSprt test = new DiscordantPairSprt(DEFAULTS);
    while (test.update(false, true) == Verdict.UNDECIDED) {
      // lose until decided
    }
    for (int i = 0; i < 100; i++) {
      assertThat(test.update(true, false)).isEqualTo(Verdict.LOST);
    }
    assertThat(test.newRightOldWrong()).as("pairs after the verdict are not counted").isZero();
  }

  @Test
  void decidesLostForAClearlyWorseVersionAndWonForAClearlyBetterOne() {
    Random random = new Random(11);
    Map<Verdict, Integer> worse = simulatePairs(random, 0.7, 0.9, 500);
    Map<Verdict, Integer> better = simulatePairs(random, 0.9, 0.7, 500);

    assertThat(worse.get(Verdict.LOST)).as("a version 20 points worse is rolled back").isGreaterThanOrEqualTo(495);
    assertThat(better.get(Verdict.WON)).as("a version 20 points better stays").isGreaterThanOrEqualTo(495);
  }

  @Test
  void rollsBackAVersionNoWorseAtMostAtRateAlpha() {
    Map<Verdict, Integer> verdicts = simulateDiscordant(new Random(3), 0.5, RUNS);

    double falseLost = verdicts.get(Verdict.LOST) / (double) RUNS;
    double bound = DEFAULTS.alpha() / (1 - DEFAULTS.beta());
    assertThat(falseLost).isLessThanOrEqualTo(bound + 3 * Math.sqrt(bound * (1 - bound) / RUNS));
    assertThat(verdicts.get(Verdict.UNDECIDED)).as("the test always ends").isZero();
  }

  @Test
  void keepsAVersionWorseByDeltaAtMostAtRateBeta() {
    Map<Verdict, Integer> verdicts = simulateDiscordant(new Random(5), 0.5 + DEFAULTS.delta(), RUNS);

    double falseWon = verdicts.get(Verdict.WON) / (double) RUNS;
    double bound = DEFAULTS.beta() / (1 - DEFAULTS.alpha());
    assertThat(falseWon).isLessThanOrEqualTo(bound + 3 * Math.sqrt(bound * (1 - bound) / RUNS));
  }

  @Test
  void stricterRatesMakeRarerErrors() {
    VerifySettings strict = new VerifySettings(0.01, 0.01, 0.1, 1);
    Map<Verdict, Integer> fair = simulateDiscordant(new Random(9), 0.5, RUNS, strict);

    double bound = 0.01 / 0.99;
    assertThat(fair.get(Verdict.LOST) / (double) RUNS)
        .isLessThanOrEqualTo(bound + 3 * Math.sqrt(bound * (1 - bound) / RUNS));
  }

  /** Runs of the test on events each version gets right independently, at the accuracies given. */
  private static Map<Verdict, Integer> simulatePairs(Random random, double newAccuracy, double oldAccuracy, int runs) {
    Map<Verdict, Integer> verdicts = emptyCounts();
    for (int run = 0; run < runs; run++) {
      DiscordantPairSprt test = new DiscordantPairSprt(DEFAULTS);
      Verdict verdict = Verdict.UNDECIDED;
      for (int i = 0; i < 100_000 && verdict == Verdict.UNDECIDED; i++) {
        verdict = test.update(random.nextDouble() < newAccuracy, random.nextDouble() < oldAccuracy);
      }
      verdicts.merge(verdict, 1, Integer::sum);
    }
    return verdicts;
  }

  private static Map<Verdict, Integer> simulateDiscordant(Random random, double newLoses, int runs) {
    return simulateDiscordant(random, newLoses, runs, DEFAULTS);
  }

  /** Runs of the test on discordant pairs only, the new version losing each with probability {@code newLoses}. */
  private static Map<Verdict, Integer> simulateDiscordant(Random random, double newLoses, int runs,
      VerifySettings settings) {
    Map<Verdict, Integer> verdicts = emptyCounts();
    for (int run = 0; run < runs; run++) {
      DiscordantPairSprt test = new DiscordantPairSprt(settings);
      Verdict verdict = Verdict.UNDECIDED;
      for (int i = 0; i < 1_000_000 && verdict == Verdict.UNDECIDED; i++) {
        boolean lost = random.nextDouble() < newLoses;
        verdict = test.update(!lost, lost);
      }
      verdicts.merge(verdict, 1, Integer::sum);
    }
    return verdicts;
  }

  private static Map<Verdict, Integer> emptyCounts() {
    Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
    for (Verdict verdict : Verdict.values()) {
      counts.put(verdict, 0);
    }
    return counts;
  }
}
