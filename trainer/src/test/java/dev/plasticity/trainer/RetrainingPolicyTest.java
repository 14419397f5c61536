package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.DriftKind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy and the plans {@link TrainerConfig} makes from it, without Kafka or a registry. */
class RetrainingPolicyTest {
  private static final RetrainingPolicy.Drift STRONG_CONCEPT = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.82);
  private static final RetrainingPolicy.Drift WEAK_CONCEPT = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3);

  private static TrainerConfig.Builder config() {
    return TrainerConfig.builder("unused:9092", URI.create("http://unused")).epochs(12)
        .searchWallTime(Duration.ofMinutes(2)).searchCandidates(24).searchMaxEpochs(9);
  }

  @Test
  void theDefaultPolicyAnswersEachDriftKindWithItsOwnStrategy() {
    TrainerConfig config = config().build();

    assertThat(config.plan("sea", STRONG_CONCEPT, true).strategy().wireName()).isEqualTo("search:evolution");
    assertThat(config.plan("sea", WEAK_CONCEPT, true).strategy().wireName()).isEqualTo("ewc");
    assertThat(config.plan("sea", new RetrainingPolicy.Drift(DriftKind.COVARIATE, 0.9), true).strategy().wireName())
        .isEqualTo("importance-weighting");
    assertThat(config.plan("sea", new RetrainingPolicy.Drift(DriftKind.PRIOR, 0.9), true).strategy().wireName())
        .isEqualTo("fine-tune:head");
  }

  @Test
  void retrainsWhenNoVersionServesOrNoTriggerAsked() {
    TrainerConfig config = config().build();

    RetrainingPlan bootstrap = config.plan("sea", null, false);
    assertThat(bootstrap.strategy().wireName()).isEqualTo("retrain");
    assertThat(bootstrap.reason()).isEqualTo("no trigger (bootstrap): nothing to adapt, training a fresh network on"
        + " the new window");
    RetrainingPlan nothingServes = config.plan("sea", STRONG_CONCEPT, false);
    assertThat(nothingServes.strategy().wireName()).isEqualTo("retrain");
    assertThat(nothingServes.reason()).startsWith("CONCEPT drift, severity 0.82 but no version serves: nothing to adapt");
  }

  @Test
  void aCadenceUpdateIsPlannedWithItsOwnFewEpochsAndSaysSo() {
    RetrainingPolicy.Drift cadence = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.0,
        dev.plasticity.schemas.TriggerSignal.CADENCE, RetrainingPolicy.Harm.UNKNOWN);

    RetrainingPlan plan = config().build().plan("sea", cadence, true);

    assertThat(plan.strategy().wireName()).isEqualTo("incremental");
    assertThat(plan.budget().maxEpochs()).isEqualTo(3);
    assertThat(plan.describe()).startsWith("incremental, 3 epochs");
  }

  @Test
  void theReasonSaysWhichRuleMatchedAndWhatTheStrategyDoes() {
    RetrainingPlan plan = config().build().plan("sea", STRONG_CONCEPT, true);

    assertThat(plan.reason()).isEqualTo("CONCEPT drift, severity 0.82 >= 0.50 (default rule): the task changed,"
        + " searching architectures from the champion's with evolution; trains on the events since the change that"
        + " have arrived (at least two drift windows) to serve soon");
  }

  @Test
  void aRulesLimitsReplaceTheConfiguredBudgetAndTheRestStay() {
    TrainerConfig config = config().build();

    // the default strong-concept rule: 60 s, 6 trainings of up to 4 epochs
    assertThat(config.plan("sea", STRONG_CONCEPT, true).budget())
        .isEqualTo(new SearchBudget(Duration.ofSeconds(60), 6, 4));
    // a fine-tune trains for the configured epochs
    assertThat(config.plan("sea", WEAK_CONCEPT, true).budget().maxEpochs()).isEqualTo(12);

    TrainerConfig partial = config().policy(RetrainingPolicy.parse("CONCEPT=search:hyperband(candidates=5)")).build();
    assertThat(partial.plan("sea", WEAK_CONCEPT, true).budget())
        .isEqualTo(new SearchBudget(Duration.ofMinutes(2), 5, 9));
    TrainerConfig shorter = config().policy(RetrainingPolicy.parse("PRIOR=fine-tune:top(epochs=3)")).build();
    assertThat(shorter.plan("sea", new RetrainingPolicy.Drift(DriftKind.PRIOR, 0.1), true).budget().maxEpochs())
        .isEqualTo(3);
  }

  @Test
  void configuredRulesComeFirstAndUnmatchedTriggersFallThroughToTheDefaults() {
    TrainerConfig config = config()
        .policy(RetrainingPolicy.parse("CONCEPT>=0.9=search:random, CONCEPT=retrain"))
        .build();

    assertThat(config.plan("sea", new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.95), true).strategy().wireName())
        .isEqualTo("search:random");
    RetrainingPlan weak = config.plan("sea", STRONG_CONCEPT, true);
    assertThat(weak.strategy().wireName()).isEqualTo("retrain");
    assertThat(weak.reason()).contains("(configured rule CONCEPT=retrain)");
    assertThat(config.plan("sea", new RetrainingPolicy.Drift(DriftKind.PRIOR, 0.5), true).strategy().wireName())
        .isEqualTo("fine-tune:head");
  }

  @Test
  void aModelsOwnPolicyReplacesTheGeneralOne() {
    TrainerConfig config = config()
        .policy(RetrainingPolicy.parse("*=retrain"))
        .policy("fraud", RetrainingPolicy.parse("COVARIATE=fine-tune:top"))
        .build();
    RetrainingPolicy.Drift covariate = new RetrainingPolicy.Drift(DriftKind.COVARIATE, 0.4);

    assertThat(config.plan("sea", covariate, true).strategy().wireName()).isEqualTo("retrain");
    assertThat(config.plan("fraud", covariate, true).strategy().wireName()).isEqualTo("fine-tune:top");
    assertThat(config.plan("fraud", STRONG_CONCEPT, true).strategy().wireName()).isEqualTo("search:evolution");
  }

  @Test
  void aConfiguredSearchOrFineTuneOverridesThePolicy() {
    RetrainingPlan searched = config().strategy("search:hyperband").build().plan("sea", WEAK_CONCEPT, true);
    assertThat(searched.strategy().wireName()).isEqualTo("search:hyperband");
    assertThat(searched.budget()).isEqualTo(new SearchBudget(Duration.ofMinutes(2), 24, 9));
    assertThat(searched.reason()).isEqualTo("strategy search:hyperband is configured, which overrides the policy: searching architectures from"
        + " the champion's with hyperband");

    TrainerConfig tuning = config().strategy("fine-tune:head").build();
    assertThat(tuning.plan("sea", STRONG_CONCEPT, true).strategy().wireName()).isEqualTo("fine-tune:head");
    // with nothing to fine-tune, the policy decides: retrain
    assertThat(tuning.plan("sea", STRONG_CONCEPT, false).strategy().wireName()).isEqualTo("retrain");
  }

  @Test
  void readsBackTheTextItWrites() {
    String text = "CONCEPT>=0.5=search:hyperband(wall=2m, candidates=12, epochs=3), CONCEPT=fine-tune:top,"
        + " PRIOR=ewc, *=retrain(wall=90s)";
    RetrainingPolicy policy = RetrainingPolicy.parse(text);

    assertThat(policy.rules()).containsExactly(
        new RetrainingPolicy.Rule(DriftKind.CONCEPT, 0.5, Strategy.parse("search:hyperband"),
            new RetrainingPolicy.Limits(Duration.ofMinutes(2), 12, 3)),
        new RetrainingPolicy.Rule(DriftKind.CONCEPT, 0, Strategy.parse("fine-tune:top"), RetrainingPolicy.Limits.NONE),
        new RetrainingPolicy.Rule(DriftKind.PRIOR, 0, Strategy.parse("ewc"), RetrainingPolicy.Limits.NONE),
        new RetrainingPolicy.Rule(null, 0, Strategy.parse("retrain"), new RetrainingPolicy.Limits(Duration.ofSeconds(90), 0, 0)));
    assertThat(policy.toString()).isEqualTo(text);
    assertThat(RetrainingPolicy.parse(policy.toString())).isEqualTo(policy);
    assertThat(RetrainingPolicy.parse(" ")).isEqualTo(RetrainingPolicy.defaults());
    assertThat(RetrainingPolicy.parse("CONCEPT=search:controller(wall=2m)").rules())
        .containsExactly(new RetrainingPolicy.Rule(DriftKind.CONCEPT, 0, new Strategy.Search(SearchAlgorithm.CONTROLLER),
            new RetrainingPolicy.Limits(Duration.ofMinutes(2), 0, 0)));
    assertThat(RetrainingPolicy.parse("concept >= 0.25 = Search:Random").rules())
        .containsExactly(new RetrainingPolicy.Rule(DriftKind.CONCEPT, 0.25, Strategy.parse("search:random"),
            RetrainingPolicy.Limits.NONE));
  }

  @Test
  void refusesTextItCannotReadNamingTheRuleAndWhy() {
    assertThatThrownBy(() -> RetrainingPolicy.parse("CONCEPT=search:evoluton"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("policy rule 'CONCEPT=search:evoluton': unknown strategy 'search:evoluton'; known: retrain,");
    assertThatThrownBy(() -> RetrainingPolicy.parse("CONCEPTUAL=retrain"))
        .hasMessageContaining("unknown drift kind 'CONCEPTUAL'; kinds are COVARIATE, PRIOR, CONCEPT and * (any)");
    assertThatThrownBy(() -> RetrainingPolicy.parse("CONCEPT>=1.5=retrain"))
        .hasMessageContaining("lowest severity must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> RetrainingPolicy.parse("CONCEPT retrain"))
        .hasMessageContaining("a rule reads KIND[>=SEVERITY]=STRATEGY[(LIMIT, ...)]");
    assertThatThrownBy(() -> RetrainingPolicy.parse("CONCEPT=search:random(wall=soon)"))
        .hasMessageContaining("wall time 'soon' is not a duration such as 90s, 2m or PT1M30S");
    assertThatThrownBy(() -> RetrainingPolicy.parse("CONCEPT=search:random(candidates=0)"))
        .hasMessageContaining("candidates must be a positive whole number, was '0'");
    assertThatThrownBy(() -> RetrainingPolicy.parse("CONCEPT=search:random(patience=3)"))
        .hasMessageContaining("unknown limit 'patience'; limits are wall, candidates, epochs and harmless");
  }

  @Test
  void refusesARuleThatAnEarlierOneHidesForever() {
    assertThatThrownBy(() -> RetrainingPolicy.parse("CONCEPT=retrain, CONCEPT>=0.5=search:evolution"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rule 2 (CONCEPT>=0.5=search:evolution) can never apply: rule 1 (CONCEPT=retrain) matches every"
            + " trigger it would, and the first match decides");
    assertThatThrownBy(() -> RetrainingPolicy.parse("*=retrain, PRIOR=fine-tune:head"))
        .hasMessageContaining("rule 2 (PRIOR=fine-tune:head) can never apply");
  }

  @Test
  void aRuleNamingAStrategyOutsideTheTableIsRefusedNamingEveryKnownOne() {
    assertThatThrownBy(() -> RetrainingPolicy.parse("PRIOR=fine-tune:neck"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policy rule 'PRIOR=fine-tune:neck': unknown strategy 'fine-tune:neck'; known: retrain,"
            + " fine-tune:all, fine-tune:top, fine-tune:head, ewc, distill, importance-weighting, incremental,"
            + " meta-start, early-exit, grow-expert, search:random, search:evolution, search:hyperband, search:gradient, search:controller");
  }

  @Test
  void everyNameInTheTableReadsBackAsAStrategyThatWritesTheSameName() {
    assertThat(RetrainingPolicy.STRATEGIES).hasSize(16);
    for (String name : RetrainingPolicy.STRATEGIES) {
      Strategy strategy = Strategy.parse(name);
      assertThat(strategy.wireName()).isEqualTo(name);
      RetrainingPolicy policy = RetrainingPolicy.parse("PRIOR=" + name);
      assertThat(policy.rules()).singleElement().satisfies(rule -> assertThat(rule.strategy()).isEqualTo(strategy));
      assertThat(policy.toString()).isEqualTo("PRIOR=" + name);
    }
  }

  @Test
  void theDefaultRulesNameStrategiesOfTheTable() {
    assertThat(RetrainingPolicy.defaultRules()).extracting(rule -> rule.strategy().wireName())
        .containsExactly("search:evolution", "ewc", "importance-weighting", "fine-tune:head");
    assertThat(RetrainingPolicy.defaultRules())
        .allSatisfy(rule -> assertThat(Strategy.parse(rule.strategy().wireName())).isEqualTo(rule.strategy()));
  }

  @Test
  void aStrategyAddedToTheTableIsReadFromARuleAndPlanned() {
    Strategies table = Strategies.STANDARD.with(new MixedRetraining());

    RetrainingPolicy policy = RetrainingPolicy.parse("PRIOR=mixed-retrain", table);
    RetrainingPlan plan = config().policy(policy).build()
        .plan("sea", new RetrainingPolicy.Drift(DriftKind.PRIOR, 0.4), true);

    assertThat(plan.strategy()).isInstanceOf(MixedRetraining.class);
    assertThat(plan.reason()).endsWith("the label shares moved, retraining on the new window (test strategy)");
    assertThat(table.names()).endsWith("mixed-retrain").hasSize(RetrainingPolicy.STRATEGIES.size() + 1);
    assertThatThrownBy(() -> RetrainingPolicy.parse("PRIOR=mixed-retrain"))
        .hasMessageContaining("unknown strategy 'mixed-retrain'");
    assertThatThrownBy(() -> table.with(new MixedRetraining()))
        .hasMessage("strategy name 'mixed-retrain' is already taken");
  }
}
