package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftConfig;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.GateResult;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.MixedRetraining;
import dev.plasticity.trainer.ParentEventsOnly;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.Strategies;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.run.InMemoryIo.Report;
import dev.plasticity.trainer.network.LatencyProbes;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Whole retraining runs (plan, read, train, gate, register) with real DJL training, against
 * events, versions and progress kept in memory: no broker, no registry.
 */
class RetrainingRunTest {
  private static final long OLD = 0;
  private static final long NEW = 1_000_000;

  private final InMemoryIo.Events events = new InMemoryIo.Events()
      .add(SeaEvents.generate("sea", 1000, 7.0, 11, OLD))
      .add(SeaEvents.generate("sea", 1000, 9.5, 12, NEW));
  private final InMemoryIo.Versions versions = new InMemoryIo.Versions();
  private final InMemoryIo.Progress progress = new InMemoryIo.Progress();

  /**
   * Small networks, few epochs; the constraints are stated here, and latency is measured by a
   * probe whose clock ticks 50 µs per call, so no verdict depends on how busy the machine is.
   */
  private static TrainerConfig.Builder config() {
    return TrainerConfig.builder("no-broker:9092", URI.create("http://no-registry")).trainingEvents(1000)
        .minTrainingEvents(200).epochs(6).hiddenUnits(List.of(16, 16))
        .constraints(List.of(new Constraint.MaxParameters(10_000),
            new Constraint.MaxLatency(Duration.ofMillis(1), Duration.ofMillis(2))));
  }

  private RetrainingRun run(TrainerConfig config) {
    return new RetrainingRun(config, events, versions, progress, Clock.systemUTC(),
        LatencyProbes.ticking(Duration.ofNanos(50_000)));
  }

  private static DataWindow window(long start) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start).setEndTime(start)
        .setEventCount(1000).setOffsets(List.of()).build();
  }

  private ModelVersion bootstrap(RetrainingRun run) {
    TrainingOutcome first = run.run("bootstrap-sea", "sea", null, window(OLD), 1000);
    assertThat(first.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
    return first.version().orElseThrow();
  }

  @Test
  void bootstrapsThenAnswersAWeakConceptDriftWithEwcAndRegistersAChampionThatBeatsTheServingVersion() {
    RetrainingRun run = run(config().build());

    ModelVersion v1 = bootstrap(run);
    TrainingOutcome outcome = run.run("concept-1", "sea", 1, window(NEW), 1000,
        new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3));

    assertThat(v1.getLineage().getStrategy()).isEqualTo("retrain");
    assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
    assertThat(outcome.challengerAccuracy().getAsDouble())
        .isGreaterThan(outcome.servingAccuracy().getAsDouble() + 0.01);
    ModelVersion v2 = outcome.version().orElseThrow();
    assertThat(v2.getVersion()).isEqualTo(2);
    assertThat(v2.getLineage().getStrategy()).isEqualTo("ewc");
    assertThat(v2.getLineage().getParentVersion()).isEqualTo(1);
    assertThat(v2.getLineage().getReason()).contains("(default rule)");
    assertThat(v2.getLineage().getGate().getPromoted()).isTrue();
    assertThat(v2.getMetrics()).containsEntry("reference_events", 1000.0);
    // the lineage records what the run read: the trigger's window starts it, the newest event read ends it
    assertThat(v2.getLineage().getWindow().getStartTime()).isEqualTo(NEW);
    assertThat(v2.getLineage().getWindow().getEventCount()).isEqualTo(1000);
    assertThat(v2.getLineage().getWindow().getEndTime())
        .isEqualTo(events.read("sea", NEW, 1000, 1000, 1000, Duration.ZERO, n -> { }).events().get(999).getEventTime());
    assertThat(versions.champion("sea")).contains(v2);
    assertThat(progress.phases("concept-1")).containsExactly(TrainingPhase.STARTED, TrainingPhase.READING_DATA,
        TrainingPhase.TRAINING, TrainingPhase.EVALUATING, TrainingPhase.REGISTERED);
    assertThat(progress.reports).filteredOn(r -> r.triggerId().equals("concept-1"))
        .allSatisfy(r -> assertThat(r.strategy()).isEqualTo("ewc"));
  }

  @Test
  void aChallengerBarelyBetterThanTheServingVersionIsRegisteredAsAChallengerAndNotServed() {
    // the same concept before and after: a fine-tune of v1 on more of it gains little
    InMemoryIo.Events sameConcept = new InMemoryIo.Events()
        .add(SeaEvents.generate("sea", 1000, 9.5, 11, OLD))
        .add(SeaEvents.generate("sea", 1000, 9.5, 12, NEW));
    RetrainingRun run = new RetrainingRun(config().epochs(5).build(), sameConcept, versions, progress,
        Clock.systemUTC(), LatencyProbes.ticking(Duration.ofNanos(50_000)));
    bootstrap(run);
    RetrainingRun fineTune = new RetrainingRun(config().strategy("fine-tune:all").build(), sameConcept, versions,
        progress, Clock.systemUTC(), LatencyProbes.ticking(Duration.ofNanos(50_000)));

    TrainingOutcome outcome = fineTune.run("concept-same", "sea", 1, window(NEW), 1000,
        new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3));

    ModelVersion v2 = outcome.version().orElseThrow();
    GateResult gate = v2.getLineage().getGate();
    double gain = gate.getChallengerAccuracy() - gate.getChampionAccuracy();
    assertThat(gain).as(gate.getVerdict()).isGreaterThan(0).isLessThan(gate.getBound());
    assertThat(gate.getPromoted()).isFalse();
    assertThat(gate.getEvents()).isEqualTo(200);
    assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.CHALLENGER);
    assertThat(v2.getAlias()).isEqualTo("challenger");
    assertThat(v2.getMetrics()).containsEntry("gate_bound", gate.getBound()).containsEntry("gate_promoted", 0.0);
    assertThat(versions.champion("sea").orElseThrow().getVersion()).isEqualTo(1);
    assertThat(progress.phases("concept-same")).contains(TrainingPhase.REJECTED);
    assertThat(v2.getLineage().getSignal()).isEqualTo(TriggerSignal.DRIFT);
    assertThat(v2.getLineage().getLostGates()).isZero();
    assertThat(outcome.message()).contains("the first challenger of v1 to lose its gate");
  }

  @Test
  void lostGatesOfTheSameParentAreCountedInTheLineageTheOutcomeAndTheProgress() {
    InMemoryIo.Events sameConcept = new InMemoryIo.Events()
        .add(SeaEvents.generate("sea", 1000, 9.5, 11, OLD))
        .add(SeaEvents.generate("sea", 1000, 9.5, 12, NEW));
    RetrainingRun run = new RetrainingRun(config().epochs(5).build(), sameConcept, versions, progress,
        Clock.systemUTC(), LatencyProbes.ticking(Duration.ofNanos(50_000)));
    ModelVersion v1 = bootstrap(run);
    RetrainingRun fineTune = new RetrainingRun(config().strategy("fine-tune:all").build(), sameConcept, versions,
        progress, Clock.systemUTC(), LatencyProbes.ticking(Duration.ofNanos(50_000)));
    RetrainingPolicy.Drift drift = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3);

    TrainingOutcome first = fineTune.run("concept-a", "sea", 1, window(NEW), 1000, drift);
    TrainingOutcome second = fineTune.run("concept-b", "sea", 1, window(NEW), 1000, drift);

    assertThat(v1.getLineage().getSignal()).isNull();
    assertThat(first.status()).isEqualTo(TrainingOutcome.Status.CHALLENGER);
    assertThat(first.lostGates()).isZero();
    assertThat(second.lostGates()).isEqualTo(1);
    assertThat(second.version().orElseThrow().getLineage().getLostGates()).isEqualTo(1);
    assertThat(progress.reports).filteredOn(r -> r.triggerId().equals("concept-b")
        && r.phase() == TrainingPhase.STARTED).singleElement()
        .satisfies(r -> assertThat(r.message()).contains("1 earlier challenger of v1 lost its gate"));
  }

  @Test
  void aHarmlessCovariateShiftIsRecordedAndNothingIsTrainedOrRegistered() {
    RetrainingRun run = run(config().build());
    bootstrap(run);
    RetrainingPolicy.Drift harmless = new RetrainingPolicy.Drift(DriftKind.COVARIATE, 0.4, TriggerSignal.DRIFT,
        new RetrainingPolicy.Harm(OptionalDouble.of(0.04), RetrainingPolicy.Harm.ErrorTrend.HELD, true, 1000,
            OptionalDouble.empty()));

    TrainingOutcome outcome = run.run("covariate-harmless", "sea", 1, window(NEW), 1000, harmless);

    assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.RECORDED);
    assertThat(outcome.version()).isEmpty();
    assertThat(outcome.message()).contains("read as harmless shift (served error 0.040 vs registered")
        .contains("recorded, not retrained");
    assertThat(versions.all("sea")).hasSize(1);
    assertThat(progress.phases("covariate-harmless")).containsExactly(TrainingPhase.SKIPPED);
  }

  @Test
  void aStrategyThatFailsOnItsInputFallsBackToFineTuningAndTheFallbackIsRecorded() {
    Strategies table = Strategies.STANDARD.with(new ParentEventsOnly());
    RetrainingRun run = run(config().policy(RetrainingPolicy.parse("*=parent-events-only", table)).build());
    bootstrap(run);

    // the trigger's window starts where v1's did: there are no events of v1's before it to train on
    TrainingOutcome outcome = run.run("concept-fallback", "sea", 1, window(OLD), 1000,
        new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3));

    ModelVersion v2 = outcome.version().orElseThrow();
    assertThat(v2.getLineage().getStrategy()).isEqualTo("fine-tune:all");
    assertThat(v2.getLineage().getReason()).contains("parent-events-only failed (need at least one training and one"
        + " held-out event; trainSize 0").contains("fell back to fine-tune:all");
    assertThat(progress.reports).filteredOn(r -> r.triggerId().equals("concept-fallback")
        && r.message().contains("fell back to fine-tune:all")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.strategy()).isEqualTo("fine-tune:all"));
  }

  @Test
  void aWarningLevelCandidateIsHeldAndServedWhenTheDriftIsConfirmed() {
    long confirmed = 2_000_000;
    events.add(SeaEvents.generate("sea", 1000, 9.5, 13, confirmed));
    RetrainingRun run = run(config().build());
    bootstrap(run);

    TrainingOutcome warning = run.run("warning-1", "sea", 1, window(NEW), 1000, new RetrainingPolicy.Drift(
        DriftKind.CONCEPT, 0.3, TriggerSignal.WARNING, RetrainingPolicy.Harm.UNKNOWN));

    assertThat(warning.status()).isEqualTo(TrainingOutcome.Status.HELD);
    assertThat(warning.version()).isEmpty();
    assertThat(versions.all("sea")).hasSize(1);

    TrainingOutcome drift = run.run("drift-1", "sea", 1, window(confirmed), 1000,
        new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3));

    assertThat(drift.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
    ModelVersion v2 = drift.version().orElseThrow();
    assertThat(versions.champion("sea")).contains(v2);
    assertThat(v2.getLineage().getTriggerId()).isEqualTo("drift-1");
    assertThat(v2.getLineage().getSignal()).isEqualTo(TriggerSignal.WARNING);
    assertThat(v2.getLineage().getReason()).contains("warning warning-1 confirmed by drift drift-1");
    assertThat(v2.getLineage().getWindow().getStartTime()).isEqualTo(NEW);
    // judged on the confirming window's events, all newer than what the candidate trained on
    assertThat(v2.getLineage().getGate().getEvents()).isEqualTo(1000);
    assertThat(v2.getLineage().getGate().getPromoted()).isTrue();
    assertThat(progress.phases("drift-1")).doesNotContain(TrainingPhase.TRAINING);
  }

  @Test
  void aRegistryFailureFailsTheRunUnderItsPlannedStrategyAndTheRetryRegistersExactlyOneVersion() {
    RetrainingRun run = run(config().build());
    bootstrap(run);
    RetrainingPolicy.Drift prior = new RetrainingPolicy.Drift(DriftKind.PRIOR, 0.6);
    versions.refuseNext(1);

    assertThatThrownBy(() -> run.run("prior-1", "sea", 1, window(NEW), 1000, prior))
        .isInstanceOfSatisfying(RetrainingRun.Failed.class,
            e -> assertThat(RetrainingRun.strategyOf(e)).isEqualTo("fine-tune:head"))
        .hasRootCauseMessage("registry unreachable: connection refused");
    assertThat(versions.refused()).isEqualTo(1);
    assertThat(versions.all("sea")).hasSize(1);
    assertThat(progress.phases("prior-1")).doesNotContain(TrainingPhase.REGISTERED, TrainingPhase.REJECTED);

    TrainingOutcome retried = run.run("prior-1", "sea", 1, window(NEW), 1000, prior);
    TrainingOutcome again = run.run("prior-1", "sea", 1, window(NEW), 1000, prior);

    assertThat(retried.version().orElseThrow().getLineage().getStrategy()).isEqualTo("fine-tune:head");
    assertThat(again.status()).isEqualTo(TrainingOutcome.Status.ALREADY_TRAINED);
    assertThat(again.version()).isEqualTo(retried.version());
    assertThat(versions.all("sea")).hasSize(2);
  }

  @Test
  void aTriggerWhoseBaseANewerChampionReplacedIsSkippedAndRegistersNothingOverIt() {
    RetrainingRun run = run(config().build());
    bootstrap(run);
    RetrainingPolicy.Drift concept = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3);
    TrainingOutcome answered = run.run("concept-1", "sea", 1, window(NEW), 1000, concept);
    assertThat(answered.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);

    // a second trigger the drift job sent about v1 before v2 served
    TrainingOutcome late = run.run("concept-late", "sea", 1, window(NEW), 1000, concept);

    assertThat(late.status()).isEqualTo(TrainingOutcome.Status.SUPERSEDED);
    assertThat(late.version()).isEmpty();
    assertThat(late.message()).contains("v1").contains("v2 has served since");
    assertThat(versions.all("sea")).hasSize(2);
    assertThat(versions.champion("sea")).isEqualTo(answered.version());
    assertThat(progress.phases("concept-late")).containsExactly(TrainingPhase.SKIPPED);
    // its own retry, after its version served, is still recognised as already trained
    assertThat(run.run("concept-1", "sea", 1, window(NEW), 1000, concept).status())
        .isEqualTo(TrainingOutcome.Status.ALREADY_TRAINED);
  }

  @Test
  void aConceptThatComesBackIsAnsweredByRecallingItsEarlierChampionWithoutTraining() {
    long back = 2_000_000;
    events.add(SeaEvents.generate("sea", 1000, 7.0, 13, back)); // the first concept again
    RetrainingRun run = run(config().build());
    bootstrap(run);
    RetrainingPolicy.Drift concept = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3);
    ModelVersion v2 = run.run("concept-1", "sea", 1, window(NEW), 1000, concept).version().orElseThrow();
    assertThat(versions.champion("sea")).contains(v2);

    TrainingOutcome returned = run.run("concept-back", "sea", 2, window(back), 1000, concept);

    assertThat(returned.status()).isEqualTo(TrainingOutcome.Status.RECALLED);
    assertThat(returned.version().orElseThrow().getVersion()).isEqualTo(1);
    assertThat(returned.challengerAccuracy().getAsDouble()).isGreaterThan(returned.servingAccuracy().getAsDouble());
    // v1 itself serves again: no version is created, and the history records the recall naming the trigger
    assertThat(versions.all("sea")).hasSize(2);
    assertThat(versions.champion("sea").orElseThrow().getVersion()).isEqualTo(1);
    ChampionMove move = versions.championMoves("sea").get(2);
    assertThat(move.version()).isEqualTo(1);
    assertThat(move.cause()).isEqualTo(ChangeCause.RECALL);
    assertThat(move.reason()).startsWith("trigger concept-back: v1 beats serving v2 on the window, ")
        .contains("on the newest 200 events").contains("the best of 1 past champion(s)");
    assertThat(progress.phases("concept-back")).doesNotContain(TrainingPhase.TRAINING);
    assertThat(progress.reports).filteredOn(r -> r.triggerId().equals("concept-back")
        && r.phase() == TrainingPhase.REGISTERED).extracting(Report::strategy).containsExactly("recall");
    // the trigger retried: its recall is found in the history, nothing is trained or recalled again
    TrainingOutcome retried = run.run("concept-back", "sea", 2, window(back), 1000, concept);
    assertThat(retried.status()).isEqualTo(TrainingOutcome.Status.ALREADY_TRAINED);
    assertThat(retried.version().orElseThrow().getVersion()).isEqualTo(1);
    assertThat(versions.championMoves("sea")).hasSize(3);
  }

  @Test
  void aRecallTheRegistryRefusesFallsBackToTrainingANewVersion() {
    long back = 2_000_000;
    events.add(SeaEvents.generate("sea", 1000, 7.0, 13, back));
    RetrainingRun run = run(config().build());
    bootstrap(run);
    RetrainingPolicy.Drift concept = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3);
    run.run("concept-1", "sea", 1, window(NEW), 1000, concept);
    versions.refuseNextRecalls(1);

    TrainingOutcome returned = run.run("concept-back", "sea", 2, window(back), 1000, concept);

    assertThat(returned.status()).isIn(TrainingOutcome.Status.CHAMPION, TrainingOutcome.Status.CHALLENGER);
    assertThat(returned.version().orElseThrow().getVersion()).isEqualTo(3);
    assertThat(versions.championMoves("sea")).extracting(ChampionMove::cause).doesNotContain(ChangeCause.RECALL);
    assertThat(progress.reports).filteredOn(r -> r.triggerId().equals("concept-back"))
        .extracting(Report::message).anyMatch(m -> m.startsWith("v1 is not recalled, the registry refused (409"));
  }

  @Test
  void aRecallIsNotMadeOnceTheChampionMovedSinceTheRunBeganAndTheRunTrainsInstead() {
    long back = 2_000_000;
    events.add(SeaEvents.generate("sea", 1000, 7.0, 13, back));
    RetrainingRun run = run(config().build());
    bootstrap(run);
    RetrainingPolicy.Drift concept = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3);
    run.run("concept-1", "sea", 1, window(NEW), 1000, concept);
    // while the run scores v1, an operator promotes it
    versions.onDownload(v -> {
      if (v.getVersion() == 1) {
        versions.promote("sea", 1);
      }
    });

    TrainingOutcome returned = run.run("concept-back", "sea", 2, window(back), 1000, concept);

    assertThat(returned.status()).isNotEqualTo(TrainingOutcome.Status.RECALLED);
    assertThat(versions.championMoves("sea")).extracting(ChampionMove::cause).doesNotContain(ChangeCause.RECALL);
    assertThat(progress.reports).filteredOn(r -> r.triggerId().equals("concept-back"))
        .extracting(Report::message).contains("v1 is not recalled: the champion moved from v2 to v1 since the run"
            + " began; training as usual");
  }

  @Test
  void aChampionMovedJustBeforeTheRecallReachesTheRegistryIsNotReplaced() {
    long back = 2_000_000;
    events.add(SeaEvents.generate("sea", 1000, 7.0, 13, back));
    RetrainingRun run = run(config().build());
    bootstrap(run);
    RetrainingPolicy.Drift concept = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3);
    run.run("concept-1", "sea", 1, window(NEW), 1000, concept);
    // after the run checked that v2 still serves, an operator promotes v1 before the recall lands
    versions.beforeRecall(() -> versions.promote("sea", 1));

    TrainingOutcome returned = run.run("concept-back", "sea", 2, window(back), 1000, concept);

    assertThat(returned.status()).isNotEqualTo(TrainingOutcome.Status.RECALLED);
    assertThat(versions.championMoves("sea")).extracting(ChampionMove::cause).doesNotContain(ChangeCause.RECALL);
    assertThat(progress.reports).filteredOn(r -> r.triggerId().equals("concept-back"))
        .extracting(Report::message).anyMatch(m -> m.startsWith("v1 is not recalled, the registry refused (409: sea v2"
            + " no longer is the champion"));
  }

  @Test
  void withRecallOffAConceptThatComesBackIsTrainedAsANewVersion() {
    long back = 2_000_000;
    events.add(SeaEvents.generate("sea", 1000, 7.0, 13, back));
    RetrainingRun run = run(config().recall(false).build());
    bootstrap(run);
    RetrainingPolicy.Drift concept = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 0.3);
    run.run("concept-1", "sea", 1, window(NEW), 1000, concept);

    TrainingOutcome returned = run.run("concept-back", "sea", 2, window(back), 1000, concept);

    assertThat(returned.status()).isNotEqualTo(TrainingOutcome.Status.RECALLED);
    assertThat(returned.version().orElseThrow().getVersion()).isEqualTo(3);
    assertThat(versions.championMoves("sea")).extracting(ChampionMove::cause).doesNotContain(ChangeCause.RECALL);
  }

  @Test
  void aDefinedModelsFirstVersionTakesTheDefinitionsFeaturesClassesAndDriftSettings() {
    versions.define(new ModelDefinition("sea", ModelDefinition.Classes.of(3),
        new ModelDefinition.Features(List.of("x3", "x1", "x2"), List.of()),
        new ModelDefinition.Constraints(5_000L, null, null, null), "CONCEPT=fine-tune:top",
        DriftConfig.newBuilder().setWindowSize(700).build()));
    RetrainingRun run = run(config().cadenceEvents(0).build());

    ModelVersion v1 = run.run("manual-1", "sea", null, window(OLD), 1000,
        new RetrainingPolicy.Drift(DriftKind.CONCEPT, 1.0, TriggerSignal.MANUAL, RetrainingPolicy.Harm.UNKNOWN))
        .version().orElseThrow();

    assertThat(v1.getArchitecture().getInputFeatures()).containsExactly("x3", "x1", "x2");
    assertThat(v1.getArchitecture().getNumClasses()).isEqualTo(3);
    assertThat(v1.getDriftConfig().getWindowSize()).isEqualTo(700);
    assertThat(v1.getLineage().getStrategy()).isEqualTo("retrain");
    assertThat(v1.getLineage().getReason()).contains("manual request").contains("no version serves");
    assertThat(v1.getLineage().getSignal()).isEqualTo(TriggerSignal.MANUAL);
  }

  @Test
  void aManualRequestForAServedModelIsAnsweredByTheDefinitionsPolicyAndGated() {
    versions.define(new ModelDefinition("sea", ModelDefinition.Classes.of(2), null, null, "CONCEPT=fine-tune:top",
        null));
    RetrainingRun run = run(config().cadenceEvents(0).build());
    bootstrap(run);

    TrainingOutcome outcome = run.run("manual-2", "sea", null, window(NEW), 1000,
        new RetrainingPolicy.Drift(DriftKind.CONCEPT, 1.0, TriggerSignal.MANUAL, RetrainingPolicy.Harm.UNKNOWN));

    ModelVersion v2 = outcome.version().orElseThrow();
    assertThat(v2.getLineage().getStrategy()).isEqualTo("fine-tune:top");
    assertThat(v2.getLineage().getReason()).contains("configured rule CONCEPT=fine-tune:top")
        .contains("requested by an operator");
    assertThat(v2.getLineage().getParentVersion()).isEqualTo(1);
    assertThat(v2.getLineage().getGate()).isNotNull();
  }

  @Test
  void aDefinitionsConstraintsReplaceTheConfiguredOnesOfTheirKind() {
    versions.define(new ModelDefinition("sea", ModelDefinition.Classes.of(2), null,
        new ModelDefinition.Constraints(100L, null, null, null), "", null));
    RetrainingRun run = run(config().build());

    TrainingOutcome outcome = run.run("bootstrap-sea", "sea", null, window(OLD), 1000);

    assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.INFEASIBLE);
    assertThat(outcome.message()).contains("exceed the limit of 100");
  }

  @Test
  void aRunThatFailsBeforeItIsPlannedIsLabelledUnplanned() {
    VersionStore unreachable = new VersionStore() {
      @Override
      public Optional<dev.plasticity.registry.client.ModelDefinition> definition(String model) {
        throw new IllegalStateException("registry unreachable");
      }

      @Override
      public Optional<ModelVersion> champion(String model) {
        throw new IllegalStateException("registry unreachable");
      }

      @Override
      public Optional<ModelVersion> version(String model, int version) {
        throw new IllegalStateException("registry unreachable");
      }

      @Override
      public List<ModelVersion> versions(String model) {
        throw new IllegalStateException("registry unreachable");
      }

      @Override
      public Optional<ModelVersion> versionForTrigger(String model, String triggerId) {
        throw new IllegalStateException("registry unreachable");
      }

      @Override
      public Optional<String> rejection(String model, int version) {
        throw new IllegalStateException("registry unreachable");
      }

      @Override
      public List<ChampionMove> championMoves(String model) {
        throw new IllegalStateException("registry unreachable");
      }

      @Override
      public void recall(String model, int version, int replacing, String reason) {
        throw new IllegalStateException("registry unreachable");
      }

      @Override
      public byte[] downloadVerified(ModelVersion version) {
        throw new IllegalStateException("registry unreachable");
      }

      @Override
      public ModelVersion register(ModelVersion request, byte[] artifact) {
        throw new IllegalStateException("registry unreachable");
      }
    };
    RetrainingRun run = new RetrainingRun(config().build(), events, unreachable, progress, Clock.systemUTC(),
        LatencyProbes.ticking(Duration.ofNanos(50_000)));

    assertThatThrownBy(() -> run.run("early", "sea", null, window(NEW), 1000))
        .isNotInstanceOf(RetrainingRun.Failed.class)
        .satisfies(e -> assertThat(RetrainingRun.strategyOf((RuntimeException) e)).isEqualTo("unplanned"));
    assertThat(progress.reports).isEmpty();
  }

  @Test
  void aStrategyAddedWithOneClassAndOneTableEntryRunsAndIsRecordedByName() {
    Strategies table = Strategies.STANDARD.with(new MixedRetraining());
    RetrainingRun run = run(config().policy(RetrainingPolicy.parse("*=mixed-retrain", table)).build());
    bootstrap(run);

    TrainingOutcome outcome = run.run("covariate-1", "sea", 1, window(NEW), 1000,
        new RetrainingPolicy.Drift(DriftKind.COVARIATE, 0.2));

    ModelVersion v2 = outcome.version().orElseThrow();
    assertThat(v2.getLineage().getStrategy()).isEqualTo("mixed-retrain");
    assertThat(v2.getLineage().getReason()).contains("configured rule *=mixed-retrain");
    assertThat(v2.getMetrics()).containsEntry("reference_events", 1000.0);
    // the lineage records what the run read: the trigger's window starts it, the newest event read ends it
    assertThat(v2.getLineage().getWindow().getStartTime()).isEqualTo(NEW);
    assertThat(v2.getLineage().getWindow().getEventCount()).isEqualTo(1000);
    assertThat(v2.getLineage().getWindow().getEndTime())
        .isEqualTo(events.read("sea", NEW, 1000, 1000, 1000, Duration.ZERO, n -> { }).events().get(999).getEventTime());
    assertThat(outcome.message()).contains("1000 reference events and 800 new ones, unweighted");
  }
}
