package dev.plasticity.inference.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.inference.verify.LiveVerification.Decision;
import dev.plasticity.inference.verify.LiveVerification.WatchKey;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.VersionOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Watches fed live outcomes: which pairs count, when a watch ends, and what its decision says. */
class LiveVerificationTest {
  private final LiveVerification verification = new LiveVerification(VerifySettings.defaults());

  @Test
  void aWorseChampionLosesWithAReasonNamingTheTestTheCountsAndTheAccuracies() {
    Decision decision = feedUntilDecided(verification, "churn", 2, 1, 0.6, 0.9, new Random(1));

    assertThat(decision.watch()).isEqualTo(new WatchKey("churn", 2, 1));
    assertThat(decision.verdict()).isEqualTo(Verdict.LOST);
    assertThat(decision.newWrongOldRight()).isGreaterThan(decision.newRightOldWrong());
    assertThat(decision.reason()).contains("Wald SPRT on discordant pairs", "alpha 0.05", "beta 0.1", "delta 0.05",
        "version 2 is worse than version 1", "over " + decision.pairedEvents() + " paired events",
        "accuracy v2 ", "v1 ", "v2 wrong where v1 right " + decision.newWrongOldRight());
    assertThat(verification.running()).isEmpty();
  }

  @Test
  void aBetterChampionWins() {
    Decision decision = feedUntilDecided(verification, "churn", 2, 1, 0.9, 0.6, new Random(2));

    assertThat(decision.verdict()).isEqualTo(Verdict.WON);
    assertThat(decision.reason()).contains("version 2 is not worse than version 1");
  }

  @Test
  void anEndedWatchIgnoresLaterPairsSoItDecidesOnce() {
    feedUntilDecided(verification, "churn", 2, 1, 0.6, 0.9, new Random(1));

    for (int i = 0; i < 1_000; i++) {
      assertThat(verification.onOutcome(outcome("churn", served(2, "champion", false), previous(1, true)))).isEmpty();
    }
  }

  @Test
  void afterARollbackTheRestoredChampionIsNotJudgedAgainAgainstTheVersionThatLost() {
    Decision lost = feedUntilDecided(verification, "churn", 2, 1, 0.6, 0.9, new Random(1));
    verification.rolledBack(lost.watch(), 1);

    // the swap back makes v1 the champion and v2 the previous; even pairs v1 loses every time decide nothing
    for (int i = 0; i < 1_000; i++) {
      assertThat(verification.onOutcome(outcome("churn", served(1, "champion", false), previous(2, true)))).isEmpty();
    }
    assertThat(verification.running()).isEmpty();
    // the model's next swap is watched as any other
    assertThat(feedUntilDecided(verification, "churn", 3, 1, 0.6, 0.9, new Random(3)).verdict()).isEqualTo(Verdict.LOST);
  }

  @Test
  void outcomesWithoutAChampionAndAPreviousPairAreSkipped() {
    for (int i = 0; i < 1_000; i++) {
      assertThat(verification.onOutcome(outcome("churn", served(2, "champion", false)))).isEmpty();
      assertThat(verification.onOutcome(outcome("churn", served(2, "champion", false), unserved(3, "shadow", true))))
          .isEmpty();
      assertThat(verification.onOutcome(outcome("churn", served(4, "challenger", false), previous(1, true))))
          .as("a canary's answer is not the champion's").isEmpty();
    }
    assertThat(verification.running()).isEmpty();
  }

  @Test
  void aWatchEndsUndecidedAtItsCap() {
    LiveVerification capped = new LiveVerification(new VerifySettings(0.05, 0.1, 0.05, 50));
    List<Decision> decisions = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // alternate losing and winning discordant pairs: the ratio never leaves the band
      decisions.addAll(capped.onOutcome(outcome("churn", served(2, "champion", i % 2 == 0), previous(1, i % 2 != 0))));
    }

    assertThat(decisions).singleElement().satisfies(decision -> {
      assertThat(decision.verdict()).isEqualTo(Verdict.UNDECIDED);
      assertThat(decision.pairedEvents()).isEqualTo(50);
      assertThat(decision.reason()).contains("no verdict", "cap of 50 paired events");
    });
  }

  @Test
  void aNewSwapEndsTheModelsOlderWatchAndStartsItsOwn() {
    verification.onOutcome(outcome("churn", served(2, "champion", true), previous(1, true)));
    verification.onOutcome(outcome("fraud", served(7, "champion", true), previous(6, true)));
    verification.onOutcome(outcome("churn", served(3, "champion", true), previous(2, true)));

    assertThat(verification.running()).containsExactlyInAnyOrder(new WatchKey("churn", 3, 2),
        new WatchKey("fraud", 7, 6));
    assertThat(verification.onOutcome(outcome("churn", served(2, "champion", true), previous(1, true))))
        .as("a late pair of the ended watch").isEmpty();
    assertThat(verification.running()).doesNotContain(new WatchKey("churn", 2, 1));
  }

  /** Feeds pairs of independent right-or-wrong predictions until the watch decides. */
  static Decision feedUntilDecided(LiveVerification verification, String model, int newVersion, int oldVersion,
      double newAccuracy, double oldAccuracy, Random random) {
    for (int i = 0; i < 100_000; i++) {
      List<Decision> decisions = verification.onOutcome(outcome(model,
          served(newVersion, "champion", random.nextDouble() < newAccuracy),
          previous(oldVersion, random.nextDouble() < oldAccuracy)));
      if (!decisions.isEmpty()) {
        return decisions.get(0);
      }
    }
    throw new AssertionError("no decision in 100000 pairs");
  }

  static LiveOutcome outcome(String model, VersionOutcome... outcomes) {
    return LiveOutcome.newBuilder().setEventId("e").setModel(model).setEventTime(0).setJoinedAt(0).setLabel(1)
        .setOutcomes(List.of(outcomes)).build();
  }

  private static VersionOutcome served(int version, String alias, boolean correct) {
    return version(version, alias, true, correct);
  }

  private static VersionOutcome previous(int version, boolean correct) {
    return version(version, "previous", false, correct);
  }

  private static VersionOutcome unserved(int version, String alias, boolean correct) {
    return version(version, alias, false, correct);
  }

  private static VersionOutcome version(int version, String alias, boolean served, boolean correct) {
    return VersionOutcome.newBuilder().setVersion(version).setAlias(alias).setServed(served)
        .setPredictedClass(correct ? 1 : 0).setCorrect(correct).build();
  }
}
