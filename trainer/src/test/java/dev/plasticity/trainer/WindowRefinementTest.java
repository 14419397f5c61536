package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.trainer.RetrainingPolicy.Choice;
import dev.plasticity.trainer.RetrainingPolicy.Drift;
import dev.plasticity.trainer.RetrainingPolicy.Harm;
import dev.plasticity.trainer.RetrainingPolicy.Refinement;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** What the window read by a run adds to the default rules' choice ({@link RetrainingPolicy#refine}). */
class WindowRefinementTest {
  private static final Drift CONCEPT = new Drift(DriftKind.CONCEPT, 0.9);
  private static final Duration WALL = Duration.ofSeconds(60);

  /** A serving version at 0.70 on the window, its error flat across it (an abrupt change already complete). */
  private static WindowEvidence abrupt(int knownConcepts, Optional<WindowEvidence.Earlier> earlier) {
    return new WindowEvidence(0.70, 0.30, 0.30, 1000, knownConcepts, earlier, false, Optional.empty());
  }

  @Test
  void aConceptThatComesBackGrowsAnExpert() {
    Refinement r = RetrainingPolicy.refine(CONCEPT, WALL,
        abrupt(2, Optional.of(new WindowEvidence.Earlier(3, 0.80, 0.15, 0.05))));

    assertThat(r.choice()).contains(Choice.GROW_EXPERT);
    assertThat(r.reason()).contains("a concept seen before is back").contains("v3 0.800");
  }

  @Test
  void aWindowThatTwoVersionsShareGrowsAnExpert() {
    // the earlier champion is no better overall, but each is right where the other is wrong on 10% of the rows
    Refinement r = RetrainingPolicy.refine(CONCEPT, WALL,
        abrupt(1, Optional.of(new WindowEvidence.Earlier(2, 0.70, 0.10, 0.10))));

    assertThat(r.choice()).contains(Choice.GROW_EXPERT);
    assertThat(r.reason()).contains("mixes concepts");
  }

  @Test
  void aGateOverExpertsKeepsGrowing() {
    WindowEvidence experts = new WindowEvidence(0.70, 0.30, 0.30, 1000, 0, Optional.empty(), true, Optional.empty());

    assertThat(RetrainingPolicy.refine(CONCEPT, WALL, experts).choice()).contains(Choice.GROW_EXPERT);
  }

  @Test
  void aTightCostLimitTrainsEarlyExits() {
    WindowEvidence tight = new WindowEvidence(0.70, 0.30, 0.30, 1000, 0, Optional.empty(), false,
        Optional.of(new WindowEvidence.CostRoom("multiply-adds per row", 1408, 2000)));
    WindowEvidence roomy = new WindowEvidence(0.70, 0.30, 0.30, 1000, 0, Optional.empty(), false,
        Optional.of(new WindowEvidence.CostRoom("median single-row latency (µs)", 20, 100)));

    Refinement r = RetrainingPolicy.refine(CONCEPT, WALL, tight);
    assertThat(r.choice()).contains(Choice.EARLY_EXIT);
    assertThat(r.reason()).contains("multiply-adds per row limit").contains("1408 of a limit of 2000");
    assertThat(RetrainingPolicy.refine(CONCEPT, WALL, roomy).choice()).isEmpty();
  }

  @Test
  void anAbruptChangeOnALineageThatKnowsConceptsStartsFromTheMetaLearnedWeights() {
    // an earlier champion was scored, but it is no better and not complementary: nothing comes back
    Refinement r = RetrainingPolicy.refine(CONCEPT, WALL,
        abrupt(2, Optional.of(new WindowEvidence.Earlier(2, 0.60, 0.02, 0.12))));

    assertThat(r.choice()).contains(Choice.META_START);
    assertThat(r.reason()).contains("knows 3 concepts");
  }

  @Test
  void aFirstChangeOrAShortBudgetKeepsTheRule() {
    assertThat(RetrainingPolicy.refine(CONCEPT, WALL, abrupt(0, Optional.empty())).choice()).isEmpty();
    assertThat(RetrainingPolicy.refine(CONCEPT, Duration.ofSeconds(5),
        abrupt(2, Optional.of(new WindowEvidence.Earlier(2, 0.60, 0.02, 0.12)))).choice()).isEmpty();
  }

  @Test
  void aGradualChangeKeepsTheRuleAndSaysSo() {
    // the serving version's error still climbs across the window: the new concept is still taking over
    WindowEvidence gradual = new WindowEvidence(0.70, 0.15, 0.35, 1000, 2,
        Optional.of(new WindowEvidence.Earlier(2, 0.60, 0.02, 0.12)), false, Optional.empty());

    Refinement r = RetrainingPolicy.refine(CONCEPT, WALL, gradual);

    assertThat(r.choice()).isEmpty();
    assertThat(r.reason()).startsWith("a gradual change");
  }

  @Test
  void cadencesWarningsAndHarmlessShiftsAreNotRefined() {
    WindowEvidence back = abrupt(2, Optional.of(new WindowEvidence.Earlier(3, 0.90, 0.25, 0.05)));
    Drift cadence = new Drift(DriftKind.CONCEPT, 0.0, TriggerSignal.CADENCE, Harm.UNKNOWN);
    Drift warning = new Drift(DriftKind.CONCEPT, 0.5, TriggerSignal.WARNING, Harm.UNKNOWN);
    Drift harmless = new Drift(DriftKind.COVARIATE, 0.9, TriggerSignal.DRIFT,
        new Harm(OptionalDouble.of(0.1), Harm.ErrorTrend.HELD, true, 1000, OptionalDouble.empty()));

    assertThat(RetrainingPolicy.refine(cadence, WALL, back).choice()).isEmpty();
    assertThat(RetrainingPolicy.refine(warning, WALL, back).choice()).isEmpty();
    assertThat(RetrainingPolicy.refine(harmless, WALL, back).choice()).isEmpty();
  }

  @Test
  void anOperatorsRuleOrStrategyIsNeverRefined() {
    URI registry = URI.create("http://unused");
    TrainerConfig defaults = TrainerConfig.builder("unused:9092", registry).build();
    TrainerConfig ruled = TrainerConfig.builder("unused:9092", registry)
        .policy(RetrainingPolicy.parse("CONCEPT=fine-tune:all")).build();
    TrainerConfig configured = TrainerConfig.builder("unused:9092", registry)
        .strategy(Strategy.parse("retrain")).build();

    assertThat(defaults.refinable("sea", CONCEPT)).isTrue();
    assertThat(ruled.refinable("sea", CONCEPT)).isFalse();
    assertThat(ruled.refinable("sea", new Drift(DriftKind.COVARIATE, 0.9))).isTrue();
    assertThat(configured.refinable("sea", CONCEPT)).isFalse();
  }
}
