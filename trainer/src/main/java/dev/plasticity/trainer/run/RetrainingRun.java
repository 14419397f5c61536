package dev.plasticity.trainer.run;

import ai.djl.Model;
import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.NetworkFamily;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.CandidateTrial;
import dev.plasticity.schemas.CategoricalFeature;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.GateResult;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.trainer.CandidateFigures;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.GateSettings;
import dev.plasticity.trainer.InputLevels;
import dev.plasticity.trainer.LabelLags;
import dev.plasticity.trainer.RetrainingPlan;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.SearchBudget;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.WindowEvidence;
import dev.plasticity.trainer.adaptation.AdaptationStrategy;
import dev.plasticity.trainer.adaptation.EarlyExitTraining;
import dev.plasticity.trainer.adaptation.GrowExpert;
import dev.plasticity.trainer.network.CategoryVocabulary;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkTraining;
import dev.plasticity.trainer.search.ArchitectureSearch;
import dev.plasticity.trainer.search.SearchListener;
import dev.plasticity.trainer.search.SearchSpace;
import dev.plasticity.trainer.search.SearchTrial;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run, from a trigger (or a bootstrap request) to a registered version: read the
 * window's events back, split off the newest as held-out, check the candidate network against the
 * model's constraints (one that violates any is not trained), train, compare with the version that
 * is serving on the same held-out events, register as champion only if the {@link Gate} finds it
 * significantly better there (else as a challenger, not served).
 * What the run does is planned from the trigger's kind and severity ({@link TrainerConfig#plan},
 * by the model's {@link RetrainingPolicy} unless a strategy is configured outright): the
 * challenger comes from one training of the configured network, from an architecture search, or
 * from a fine-tune of the serving version. The plan's strategy and reason go into the STARTED
 * progress event and the version's lineage.
 * The model's {@link LabelLags} decide, from the training events, whether the network takes the
 * stream's previous labels as inputs, and its {@link InputLevels} whether it reads its features
 * relative to their recent levels; a plan that would continue the serving version's network with
 * other inputs than its own retrains from fresh weights instead ({@link Fallback#forLayout}).
 * The trigger id is the idempotency key: a trigger that already produced a version is not
 * trained again, and the registry refuses to create a second version for it.
 *
 * <p>Its I/O is three small interfaces: where events come from ({@link EventSource}), where
 * versions come from and go ({@link VersionStore}), where progress goes ({@link ProgressSink});
 * the service plugs in Kafka and the registry, tests may plug in memory. A run that fails after
 * it was planned throws {@link Failed}, which names the strategy it ran last (a strategy that
 * throws while training falls back to a simpler one, see {@link Fallback}).
 *
 * <p>A model with a definition ({@link ModelDefinition}, from the registry) is run by its
 * definition: its policy and constraints replace the configured ones ({@link
 * TrainerConfig#definedBy}), its first version takes the definition's numeric features (in their
 * order) and drift settings, every version predicts at least its classes, and an event labelled
 * outside them or lacking one of its features is dead-lettered rather than trained on. A model
 * without one is run as before: features from its first event, classes from its labels.
 *
 * <p>By the trigger's signal: a CADENCE update that loses its gate is not registered; a WARNING's
 * candidate is trained but held ({@link WarningCandidates}), and the DRIFT that confirms it for the
 * same base version gates it on newer events and serves it at once if it passes. Thread-safe if its
 * I/O is: its only state is the held warning-level candidates, which are thread-safe.
 */
public final class RetrainingRun {
  private static final Logger log = LoggerFactory.getLogger(RetrainingRun.class);

  private final TrainerConfig config;
  private final EventSource events;
  private final VersionStore registry;
  private final ProgressSink progress;
  private final Clock clock;
  private final LatencyProbe latencyProbe;
  private final WarningCandidates warnings;
  /** The definition of the model this instance runs for; null for the service's instance, which looks it up. */
  private final ModelDefinition definition;

  /** A run over Kafka (events from the labelled-events topic) and the registry behind {@code registry}. */
  public RetrainingRun(TrainerConfig config, RegistryClient registry, ProgressSink progress, Clock clock) {
    this(config, new KafkaEventSource(config.endpoints().bootstrapServers(), config.maxClasses()),
        new RegistryVersionStore(registry), progress, clock, LatencyProbe.standard());
  }

  /**
   * A run reading events from {@code events}, starting from and registering into {@code
   * registry}, reporting to {@code progress}, measuring candidates' latency with {@code latencyProbe}.
   */
  RetrainingRun(TrainerConfig config, EventSource events, VersionStore registry, ProgressSink progress, Clock clock,
      LatencyProbe latencyProbe) {
    this.config = java.util.Objects.requireNonNull(config, "config");
    this.events = java.util.Objects.requireNonNull(events, "events");
    this.registry = java.util.Objects.requireNonNull(registry, "registry");
    this.progress = java.util.Objects.requireNonNull(progress, "progress");
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
    this.latencyProbe = java.util.Objects.requireNonNull(latencyProbe, "latencyProbe");
    this.warnings = new WarningCandidates(WarningCandidates.DEFAULT_MAX_AGE, clock);
    this.definition = null;
  }

  /** {@code run} for the model {@code definition} describes: its configuration, event rules and definition. */
  private RetrainingRun(RetrainingRun run, ModelDefinition definition) {
    this.config = run.config.definedBy(definition);
    this.events = run.events.definedBy(definition.classes().count(), definition.features().numeric());
    this.registry = run.registry;
    this.progress = run.progress;
    this.clock = run.clock;
    this.latencyProbe = run.latencyProbe;
    this.warnings = run.warnings;
    this.definition = definition;
  }

  private ConstraintCheck constraintCheckFor(String model) {
    return new ConstraintCheck(config.constraintsFor(model), latencyProbe);
  }

  /** Like {@link #run(String, String, Integer, DataWindow, int, RetrainingPolicy.Drift)} for a run no trigger asked for. */
  public TrainingOutcome run(String triggerId, String model, Integer baseVersion, DataWindow window, int wanted) {
    return run(triggerId, model, baseVersion, window, wanted, null);
  }

  /**
   * Trains a new version of {@code model} from events at or after {@code window.startTime}.
   *
   * @param baseVersion the version serving when the trigger fired, or null when there is none
   * @param wanted events to read (the run waits for them up to the configured data wait)
   * @param drift the trigger's kind and severity, which the plan follows; null when no trigger asked (a bootstrap)
   */
  public TrainingOutcome run(String triggerId, String model, Integer baseVersion, DataWindow window, int wanted,
      RetrainingPolicy.Drift drift) {
    if (definition == null) {
      Optional<ModelDefinition> defined = registry.definition(model);
      if (defined.isPresent()) {
        return new RetrainingRun(this, defined.get()).run(triggerId, model, baseVersion, window, wanted, drift);
      }
    }
    long started = System.nanoTime();
    Optional<TrainingOutcome> superseded = superseded(triggerId, model, baseVersion, drift, started);
    if (superseded.isPresent()) {
      return superseded.get();
    }
    StartingVersion base = StartingVersion.choose(registry, model, baseVersion);
    Optional<ModelVersion> serving = base.version();
    RetrainingPolicy.Drift judged = drift == null || serving.isEmpty() || serving.get().getReference() == null
        ? drift : drift.withRegisteredError(serving.get().getReference().getErrorRate());
    RetrainingPlan planned = config.plan(model, judged, serving.isPresent());
    RetrainingPlan plan = base.why().isEmpty() ? planned : planned.alsoBecause(base.why());
    if (!base.why().isEmpty()) {
      log.warn("trigger {} of {}: {}", triggerId, model, base.why());
    }
    AtomicReference<Strategy> current = new AtomicReference<>(plan.strategy());
    try {
      return carryOut(triggerId, model, base, plan, window, plan.eventsFor(wanted), drift, started, current);
    } catch (RuntimeException e) {
      throw new Failed(current.get(), e);
    }
  }

  /**
   * A trigger whose base version a newer champion replaced since it fired (an earlier trigger's
   * answer, a warning candidate confirmed, a cadence update): trained against the old base, its
   * challenger could register over the newer champion, so it is skipped. A champion older than the
   * base (a rollback) does not supersede it: {@link StartingVersion} decides what such a run starts from.
   */
  private Optional<TrainingOutcome> superseded(String triggerId, String model, Integer baseVersion,
      RetrainingPolicy.Drift drift, long started) {
    if (baseVersion == null || registry.versionForTrigger(model, triggerId).isPresent()) {
      return Optional.empty(); // a bootstrap, or a retried trigger whose own version serves now
    }
    Optional<ModelVersion> champion = registry.champion(model);
    if (champion.isEmpty() || champion.get().getVersion() <= baseVersion) {
      return Optional.empty();
    }
    String asked = drift != null && drift.signal() == TriggerSignal.CADENCE ? "a cadence update of v" + baseVersion
        : "the trigger saw drift of v" + baseVersion;
    String message = "superseded, nothing trained: " + asked + ", but v" + champion.get().getVersion()
        + " has served since; the drift job watches it afresh";
    log.info("trigger {} of {}: {}", triggerId, model, message);
    progress.report(triggerId, model, ProgressSink.NOTHING_PLANNED, TrainingPhase.SKIPPED, 0, 0, null, 1.0, message);
    return Optional.of(TrainingOutcome.untrained(triggerId, model, TrainingOutcome.Status.SUPERSEDED, Optional.empty(),
        seconds(started), message, 0));
  }

  /**
   * A run that failed after it was planned, with the strategy it ran last: its plan's, or the last
   * it fell back to (the service labels a trigger it gives up on with it). The cause says why.
   */
  public static final class Failed extends RuntimeException {
    private final transient Strategy strategy;

    Failed(Strategy strategy, RuntimeException cause) {
      super(strategy.wireName() + " failed: " + cause.getMessage(), cause);
      this.strategy = strategy;
    }

    /** The strategy the failed run ran last. */
    Strategy strategy() {
      return strategy;
    }
  }

  /** The strategy a failed run ran last, or {@link #UNPLANNED} when it failed before it was planned. */
  public static String strategyOf(RuntimeException e) {
    return e instanceof Failed failed ? failed.strategy().wireName() : UNPLANNED;
  }

  /** What a trigger given up on is labelled with when its run failed before planning (choosing a base, say). */
  static final String UNPLANNED = "unplanned";

  private TrainingOutcome carryOut(String triggerId, String model, StartingVersion base, RetrainingPlan plan,
      DataWindow window, int wanted, RetrainingPolicy.Drift drift, long started, AtomicReference<Strategy> current) {
    Optional<ModelVersion> serving = base.version();
    Optional<ModelVersion> existing = registry.versionForTrigger(model, triggerId);
    if (existing.isPresent()) {
      String message = "trigger already produced v" + existing.get().getVersion() + "; nothing to train";
      report(plan, triggerId, model, TrainingPhase.SKIPPED, 0, null, 1.0, message);
      return TrainingOutcome.untrained(triggerId, model, TrainingOutcome.Status.ALREADY_TRAINED, existing,
          seconds(started), message, 0);
    }
    // read once: the lost gates of the serving version's challengers, and the past champions a drift may recall
    List<ModelVersion> history = serving.isPresent() ? registry.versions(model) : List.of();
    List<ChampionMove> moves = serving.isPresent() ? registry.championMoves(model) : List.of();
    Optional<Integer> recalledBefore = Recall.recalledBy(moves, triggerId);
    if (recalledBefore.isPresent()) {
      String message = "trigger already recalled v" + recalledBefore.get() + "; nothing to train";
      report(plan, triggerId, model, TrainingPhase.SKIPPED, 0, null, 1.0, message);
      return TrainingOutcome.untrained(triggerId, model, TrainingOutcome.Status.ALREADY_TRAINED,
          registry.version(model, recalledBefore.get()), seconds(started), message, 0);
    }
    int lostGates = serving.map(v -> Gate.lostBy(history, v.getVersion())).orElse(0);
    String lost = lostGates == 0 ? "" : "; " + lostGates + " earlier challenger" + (lostGates == 1 ? "" : "s")
        + " of v" + serving.orElseThrow().getVersion() + " lost " + (lostGates == 1 ? "its" : "their") + " gate";
    if (plan.course() == RetrainingPlan.Course.RECORD) {
      String message = "recorded, nothing trained: " + plan.reason() + lost;
      log.info("trigger {} of {}: {}", triggerId, model, message);
      report(plan, triggerId, model, TrainingPhase.SKIPPED, 0, null, 1.0, message);
      return TrainingOutcome.untrained(triggerId, model, TrainingOutcome.Status.RECORDED, Optional.empty(),
          seconds(started), message, lostGates);
    }
    if (drift != null && drift.signal() == TriggerSignal.DRIFT && serving.isPresent()) {
      Optional<WarningCandidates.Held> held = warnings.take(model, serving.get().getVersion());
      if (held.isPresent()) {
        Optional<TrainingOutcome> confirmed = confirm(held.get(), triggerId, serving.get(), base.artifact().orElseThrow(),
            window, wanted, lostGates, started);
        if (confirmed.isPresent()) {
          return confirmed.get();
        }
      }
    }
    report(plan, triggerId, model, TrainingPhase.STARTED, 0, null, 0.0, plan.describe() + " on "
        + NetworkTraining.device() + ", from events since " + window.getStartTime() + ". Why: " + plan.reason()
        + lost);

    EventSource.Window read = this.events.read(model, window.getStartTime(), wanted,
        Math.min(wanted, config.minTrainingEvents()), plan.waitsFor(wanted), config.dataWait(),
        n -> report(plan, triggerId, model, TrainingPhase.READING_DATA, 0, null,
            0.1 * Math.min(n, wanted) / wanted, "read " + Math.min(n, wanted) + "/" + wanted + " events"));
    List<LabelledEvent> events = read.events();
    String deadLettered = (read.undecodable() == 0 ? "" : ", " + read.undecodable() + " undecodable sent to "
        + Topics.EVENTS_DLQ) + (read.invalid() == 0 ? "" : ", " + read.invalid() + " invalid sent to "
        + Topics.EVENTS_DLQ);
    report(plan, triggerId, model, TrainingPhase.READING_DATA, 0, null, 0.1,
        events.size() + " events read" + deadLettered);
    LabelledData data = LabelledData.split(events, config.training().heldOutFraction());

    // one download of the serving version's weights, when it was chosen: scored here, then a search's,
    // fine-tune's or adaptation's start; each version reads its own label lags from the window
    Optional<byte[]> servingArtifact = base.artifact();
    // a drift the window may decide on scores the serving version on the whole window (how its error moves
    // across it); the gate and recall read the held-out part of that one pass
    boolean refining = drift != null && drift.signal() == TriggerSignal.DRIFT && serving.isPresent()
        && config.refinable(model, drift);
    boolean[] servingWhole = refining ? correctOf(serving.get(), servingArtifact.orElseThrow(), data.events()) : null;
    boolean[] servingCorrect = servingWhole != null
        ? Arrays.copyOfRange(servingWhole, data.trainSize(), servingWhole.length)
        : serving.map(v -> correctOf(v, servingArtifact.orElseThrow(), data)).orElse(null);
    OptionalDouble servingAccuracy = servingCorrect == null ? OptionalDouble.empty()
        : OptionalDouble.of(share(servingCorrect));
    Optional<Scored> earlier = Optional.empty();
    if (drift != null && drift.signal() == TriggerSignal.DRIFT && serving.isPresent()) {
      earlier = bestEarlier(triggerId, model, serving.get(), history, moves, data);
      Optional<TrainingOutcome> recalled = config.recall()
          ? earlier.flatMap(best -> recall(triggerId, model, serving.get(), best, servingCorrect, data, events,
              lostGates, started))
          : Optional.empty();
      if (recalled.isPresent()) {
        return recalled.get();
      }
    }
    RetrainingPlan decided = refining
        ? refined(plan, drift, serving.get(), servingWhole, servingCorrect, earlier, history, moves, triggerId, model,
            current)
        : plan;
    if (decided.strategy() != plan.strategy()) {
      report(decided, triggerId, model, TrainingPhase.TRAINING, 0, null, 0.1, decided.strategy().wireName()
          + " in place of " + plan.strategy().wireName() + ": " + decided.reason().substring(plan.reason().length() + 2));
    }
    List<String> features = serving.map(v -> v.getArchitecture().getInputFeatures()).orElseGet(() ->
        definition != null && !definition.features().numeric().isEmpty() ? definition.features().numeric()
            : featureNames(events));
    int numClasses = definition != null
        ? Math.max(definition.classes().count(), serving.map(v -> v.getArchitecture().getNumClasses()).orElse(2))
        : Math.max(data.numClasses(), serving.map(v -> v.getArchitecture().getNumClasses()).orElse(2));

    LabelLags.Choice lags = config.labelLagsFor(model).choose(data.train());
    InputLevels.Choice levels = config.inputLevelsFor(model).choose(features, data.train(),
        serving.map(v -> v.getArchitecture().getLevelSpan()).orElse(0));
    Architecture inputs = Architecture.newBuilder(NetworkTraining.architecture(features, data.train(), numClasses,
        config.training().hiddenUnits(), levels.levelSpan())).setLabelLags(lags.labelLags())
        .setCategoricalFeatures(categoricalInputs(decided.strategy(), serving,
            definition == null ? List.of() : definition.features().categorical(), events, data)).build();
    RetrainingPlan lagged = lags.reason().isEmpty() ? decided : decided.alsoBecause(lags.reason());
    RetrainingPlan levelled = levels.reason().isEmpty() ? lagged : lagged.alsoBecause(levels.reason());
    RetrainingPlan laid = laidOut(levelled, serving, inputs, current);
    if (!lags.reason().isEmpty() || !levels.reason().isEmpty() || laid != levelled) {
      report(laid, triggerId, model, TrainingPhase.TRAINING, 0, null, 0.1,
          laid.reason().substring(decided.reason().length() + 2));
    }
    Attempt attempt = trainFallingBack(laid, triggerId, model, serving, servingArtifact, data, inputs, window,
        current);
    Trained trained = attempt.trained();
    RetrainingPlan ran = attempt.plan();
    if (trained.infeasible() != null) {
      return infeasible(ran, triggerId, model, trained.infeasible(), servingAccuracy, events.size(), started,
          lostGates);
    }
    ConstraintCheck.Result candidate = trained.candidate();
    NetworkTraining.Result result = trained.result();
    List<CandidateTrial> candidates = trained.candidates();
    Map<String, Double> adaptationMetrics = trained.metrics();
    String note = trained.note();

    if (drift != null && drift.signal() == TriggerSignal.WARNING && serving.isPresent()) {
      long trainedThrough = events.stream().mapToLong(LabelledEvent::getEventTime).max().orElse(Long.MIN_VALUE);
      warnings.hold(new WarningCandidates.Held(model, triggerId, serving.get().getVersion(), ran, window, events,
          trainedThrough, result, adaptationMetrics, features, numClasses, clock.millis()));
      String message = String.format("warning-level candidate held, not registered (%s, %d events%s)%s: it is"
          + " gated against v%d when a drift of this version is confirmed", ran.strategy().wireName(),
          events.size(), deadLettered, note, serving.get().getVersion());
      log.info("trigger {} of {}: {}", triggerId, model, message);
      report(ran, triggerId, model, TrainingPhase.SKIPPED, ran.budget().maxEpochs(), null, 1.0, message);
      return new TrainingOutcome(triggerId, model, TrainingOutcome.Status.HELD, Optional.empty(), servingAccuracy,
          OptionalDouble.empty(), events.size(), seconds(started), result.device(), message, lostGates);
    }

    // the gate: both scored on the newest events of the window, which no strategy trained on
    GateResult gate = new Gate(config.gate()).judge(servingCorrect,
        correctOf(model, result.architecture(), result.artifact(), data));
    report(ran, triggerId, model, TrainingPhase.EVALUATING, ran.budget().maxEpochs(), gate.getChallengerAccuracy(),
        0.95, "gate: " + gate.getVerdict());
    boolean champion = gate.getPromoted();
    if (!champion && drift != null && drift.signal() == TriggerSignal.CADENCE) {
      return notRegistered(ran, triggerId, model, gate, servingAccuracy, events.size(), started, lostGates);
    }

    ReferenceStatistics reference = ReferenceStatisticsCalculator.compute(features,
        CategoryVocabulary.names(result.architecture().getCategoricalFeatures()), events, numClasses, 1.0 - gate.getChallengerAccuracy(), data.heldOut().size());
    Map<String, Double> metrics = new HashMap<>();
    metrics.put("accuracy", gate.getChallengerAccuracy());
    servingAccuracy.ifPresent(a -> metrics.put("serving_accuracy", a));
    putGate(metrics, gate);
    metrics.put("training_events", (double) data.train().size());
    metrics.put("held_out_events", (double) data.heldOut().size());
    metrics.put("training_seconds", result.seconds());
    metrics.put("parameters", (double) candidate.figures().parameters());
    metrics.put("multiply_adds", (double) candidate.figures().multiplyAdds());
    metrics.putAll(adaptationMetrics);
    // what a row costs on average: measured on the held-out rows where routing or exits vary it, else all
    metrics.put("active_parameters", adaptationMetrics.getOrDefault(GrowExpert.ACTIVE_PARAMETERS,
        adaptationMetrics.getOrDefault(EarlyExitTraining.ACTIVE_PARAMETERS, (double) candidate.figures().parameters())));
    if (!candidates.isEmpty()) {
      metrics.put("candidates_trained", (double) candidates.stream().filter(c -> c.getEpochs() > 0).count());
      metrics.put("candidates_refused", (double) candidates.stream().filter(c -> c.getEpochs() == 0).count());
    }
    candidate.figures().latency().ifPresent(latency -> {
      metrics.put("latency_median_us", latency.median().toNanos() / 1e3);
      metrics.put("latency_p99_us", latency.p99().toNanos() / 1e3);
    });
    ModelVersion request = ModelVersion.newBuilder()
        .setModel(model)
        .setVersion(0)
        .setAlias(champion ? Aliases.CHAMPION : Aliases.CHALLENGER)
        .setArchitecture(result.architecture())
        .setMetrics(metrics)
        .setArtifactUri("")
        .setArtifactSha256("")
        .setLineage(Lineage.newBuilder()
            .setParentVersion(serving.map(ModelVersion::getVersion).orElse(null))
            .setTriggerId(triggerId)
            .setStrategy(ran.strategy().wireName())
            .setReason(ran.reason())
            .setWindow(trainedOn(window, events))
            .setCandidates(candidates)
            .setGate(gate)
            .setSignal(drift == null ? null : drift.signal())
            .setLostGates(lostGates)
            .build())
        .setReference(reference)
        .setCreatedAt(clock.millis())
        .setDriftConfig(config.driftConfigFor(serving.map(ModelVersion::getDriftConfig).orElse(null)))
        .build();
    ModelVersion stored = registry.register(request, result.artifact());

    String message = String.format("%s v%d (accuracy %.3f%s, %d events%s, %.1f s on %s)%s; gate: %s%s",
        champion ? "registered champion" : "registered challenger, not served:", stored.getVersion(),
        gate.getChallengerAccuracy(),
        servingAccuracy.isPresent() ? String.format(" vs serving %.3f", servingAccuracy.getAsDouble()) : "",
        events.size(), deadLettered, seconds(started), result.device(), note, gate.getVerdict(),
        champion || serving.isEmpty() ? lost : lost.isEmpty() ? "; the first challenger of v"
            + serving.get().getVersion() + " to lose its gate" : lost + ", and now this one");
    log.info("trigger {} of {}: {}", triggerId, model, message);
    report(ran, triggerId, model, champion ? TrainingPhase.REGISTERED : TrainingPhase.REJECTED, ran.budget().maxEpochs(),
        gate.getChallengerAccuracy(), 1.0, message);
    return new TrainingOutcome(triggerId, model,
        champion ? TrainingOutcome.Status.CHAMPION : TrainingOutcome.Status.CHALLENGER, Optional.of(stored),
        servingAccuracy, OptionalDouble.of(gate.getChallengerAccuracy()), events.size(), seconds(started),
        result.device(), message, lostGates);
  }

  /**
   * The plan once its window is read: {@link RetrainingPolicy#refine} weighs the serving version's
   * error across the window ({@code whole}: whether it gets each of the window's events right), the best earlier champion's scores against it and the latency room,
   * and may replace a default rule's strategy with one the window calls for. A configured strategy
   * or rule is never replaced (the caller checks {@link TrainerConfig#refinable}).
   */
  private RetrainingPlan refined(RetrainingPlan plan, RetrainingPolicy.Drift drift, ModelVersion serving,
      boolean[] whole, boolean[] servingCorrect, Optional<Scored> earlier, List<ModelVersion> history,
      List<ChampionMove> moves, String triggerId, String model, AtomicReference<Strategy> current) {
    if (whole.length < 2) {
      return plan;
    }
    int half = whole.length / 2;
    double earlyError = 1 - share(Arrays.copyOfRange(whole, 0, half));
    double lateError = 1 - share(Arrays.copyOfRange(whole, half, whole.length));
    Optional<WindowEvidence.Earlier> best = earlier.map(e -> new WindowEvidence.Earlier(e.version().getVersion(),
        share(e.correct()), onlyFirstRight(e.correct(), servingCorrect), onlyFirstRight(servingCorrect, e.correct())));
    WindowEvidence evidence = new WindowEvidence(share(servingCorrect), earlyError, lateError, whole.length,
        Recall.candidates(history, moves, serving.getVersion()).size(), best,
        NetworkFamily.of(serving.getArchitecture()) == NetworkFamily.EXPERTS, costRoom(model, serving));
    RetrainingPolicy.Refinement refinement = RetrainingPolicy.refine(drift, plan.budget().wallTime(), evidence);
    if (refinement.choice().isEmpty()) {
      return refinement.reason().isEmpty() ? plan : plan.alsoBecause(refinement.reason());
    }
    Strategy chosen = refinement.choice().get().strategy();
    log.info("trigger {} of {}: {} in place of {}: {}", triggerId, model, chosen.wireName(),
        plan.strategy().wireName(), refinement.reason());
    current.set(chosen);
    return config.switchTo(plan, chosen, "the window decides: " + refinement.reason());
  }

  /** Share of events the first gets right and the second wrong. */
  private static double onlyFirstRight(boolean[] first, boolean[] second) {
    int n = 0;
    for (int i = 0; i < first.length; i++) {
      if (first[i] && !second[i]) {
        n++;
      }
    }
    return n / (double) first.length;
  }

  /**
   * How the serving network, at full depth, meets the model's tightest cost limit, when it has one:
   * its multiply-adds per row against a multiply-add limit, its median and p99 single-row latency
   * (measured on the trainer's device) against a latency limit; the one that takes the largest share.
   */
  private Optional<WindowEvidence.CostRoom> costRoom(String model, ModelVersion serving) {
    List<Constraint> limits = config.constraintsFor(model).stream()
        .filter(c -> c instanceof Constraint.MaxLatency || c instanceof Constraint.MaxMultiplyAdds).toList();
    if (limits.isEmpty()) {
      return Optional.empty();
    }
    CandidateFigures figures;
    try {
      figures = constraintCheckFor(model).checkAtFullDepth(serving.getArchitecture()).figures();
    } catch (RuntimeException e) {
      log.warn("the costs of v{} of {} cannot be measured ({}); the policy weighs none", serving.getVersion(),
          model, e.toString());
      return Optional.empty();
    }
    List<WindowEvidence.CostRoom> rooms = new ArrayList<>();
    for (Constraint limit : limits) {
      if (limit instanceof Constraint.MaxMultiplyAdds m) {
        rooms.add(new WindowEvidence.CostRoom("multiply-adds per row", figures.multiplyAdds(), m.limit()));
      } else if (limit instanceof Constraint.MaxLatency l && figures.latency().isPresent()) {
        CandidateFigures.Latency measured = figures.latency().get();
        rooms.add(new WindowEvidence.CostRoom("median single-row latency (µs)", measured.median().toNanos() / 1e3,
            l.median().toNanos() / 1e3));
        rooms.add(new WindowEvidence.CostRoom("p99 single-row latency (µs)", measured.p99().toNanos() / 1e3,
            l.p99().toNanos() / 1e3));
      }
    }
    return rooms.stream().max(java.util.Comparator.comparingDouble(WindowEvidence.CostRoom::share));
  }

  /**
   * The past champions that served most recently ({@link Recall#MAX_CANDIDATES}) that the registry
   * has not seen rejected, scored on the run's held-out events: the best of them, with how many were
   * scored. Empty when there are none.
   */
  private Optional<Scored> bestEarlier(String triggerId, String model, ModelVersion serving,
      List<ModelVersion> history, List<ChampionMove> moves, LabelledData data) {
    List<ModelVersion> earlier = recallable(model, history, moves, serving);
    Scored best = null;
    for (ModelVersion v : earlier) {
      boolean[] correct;
      try {
        correct = correctOf(v, registry.downloadVerified(v), data);
      } catch (RuntimeException e) {
        log.warn("trigger {} of {}: v{} cannot be recalled ({}); it is skipped", triggerId, model, v.getVersion(),
            e.toString());
        continue;
      }
      if (best == null || share(correct) > share(best.correct())) {
        best = new Scored(v, correct, earlier.size());
      }
    }
    return Optional.ofNullable(best);
  }

  /** The past champions of {@code history} a drift could recall ({@link Recall#candidates}), less those the registry rejected. */
  private List<ModelVersion> recallable(String model, List<ModelVersion> history, List<ChampionMove> moves,
      ModelVersion serving) {
    return Recall.candidates(history, moves, serving.getVersion()).stream()
        .filter(v -> registry.rejection(model, v.getVersion()).isEmpty()).toList();
  }

  /** The best earlier champion on the held-out events, out of {@code scored}. */
  private record Scored(ModelVersion version, boolean[] correct, int scored) {}

  /**
   * A concept that comes back: before training, the past champions that served most recently
   * ({@link Recall#MAX_CANDIDATES}) are scored on the run's held-out events ({@link #bestEarlier}),
   * and the best of them is gated against the serving version with the gate's significance divided
   * among them (Bonferroni). One that passes is made the champion again through the registry's
   * recall (cause {@code RECALL}, the reason naming the trigger): the version itself serves again,
   * nothing is trained and no version is created. Empty when none passes, when the champion moved
   * since the run began, or when the registry refuses the recall (409): the run trains as usual.
   */
  private Optional<TrainingOutcome> recall(String triggerId, String model, ModelVersion serving, Scored scored,
      boolean[] servingCorrect, LabelledData data, List<LabelledEvent> events, int lostGates, long started) {
    ModelVersion best = scored.version();
    int candidates = scored.scored();
    GateSettings gateSettings = config.gate();
    GateResult gate = new Gate(new GateSettings(gateSettings.significance() / candidates,
        gateSettings.minEvents())).judge(servingCorrect, scored.correct());
    if (!gate.getPromoted()) {
      log.info("trigger {} of {}: no earlier champion recalled (best v{}: {})", triggerId, model, best.getVersion(),
          gate.getVerdict());
      return Optional.empty();
    }
    Optional<ModelVersion> champion = registry.champion(model);
    if (champion.isEmpty() || champion.get().getVersion() != serving.getVersion()) {
      String message = String.format(Locale.ROOT, "v%d is not recalled: the champion moved from v%d to %s since the"
          + " run began; training as usual", best.getVersion(), serving.getVersion(),
          champion.map(v -> "v" + v.getVersion()).orElse("none"));
      log.warn("trigger {} of {}: {}", triggerId, model, message);
      progress.report(triggerId, model, Recall.STRATEGY, TrainingPhase.EVALUATING, 0, 0, gate.getChallengerAccuracy(),
          0.1, message);
      return Optional.empty();
    }
    String reason = String.format(Locale.ROOT, "%sv%d beats serving v%d on the window, %.3f vs %.3f on the newest %d"
        + " events (the best of %d past champion(s), significance %.3f shared among them; %s)",
        Recall.reasonPrefix(triggerId), best.getVersion(), serving.getVersion(), gate.getChallengerAccuracy(),
        share(servingCorrect), data.heldOut().size(), candidates, gateSettings.significance(), gate.getVerdict());
    try {
      registry.recall(model, best.getVersion(), serving.getVersion(), reason);
    } catch (Recall.Refused e) {
      String message = String.format(Locale.ROOT, "v%d is not recalled, the registry refused (%s); training as usual",
          best.getVersion(), e.getMessage());
      log.warn("trigger {} of {}: {}", triggerId, model, message);
      progress.report(triggerId, model, Recall.STRATEGY, TrainingPhase.EVALUATING, 0, 0, gate.getChallengerAccuracy(),
          0.1, message);
      return Optional.empty();
    }
    String message = String.format(Locale.ROOT, "recalled v%d as champion in place of v%d, nothing trained (%d events,"
        + " %.1f s): %s", best.getVersion(), serving.getVersion(), events.size(), seconds(started),
        reason.substring(Recall.reasonPrefix(triggerId).length()));
    log.info("trigger {} of {}: {}", triggerId, model, message);
    progress.report(triggerId, model, Recall.STRATEGY, TrainingPhase.REGISTERED, 0, 0, gate.getChallengerAccuracy(),
        1.0, message);
    return Optional.of(new TrainingOutcome(triggerId, model, TrainingOutcome.Status.RECALLED, Optional.of(best),
        OptionalDouble.of(share(servingCorrect)), OptionalDouble.of(gate.getChallengerAccuracy()), events.size(),
        seconds(started), "", message, lostGates));
  }

  /**
   * Gates a warning-level candidate against the serving version on events newer than its training
   * data, from the confirming trigger's window onwards; registers it as champion for the confirming
   * trigger if it passes. Empty when it does not (or no such events arrived): the run then trains as
   * usual.
   */
  private Optional<TrainingOutcome> confirm(WarningCandidates.Held held, String triggerId, ModelVersion serving,
      byte[] servingArtifact, DataWindow window, int wanted, int lostGates, long started) {
    String model = serving.getModel();
    String both = "warning " + held.triggerId() + " confirmed by drift " + triggerId;
    RetrainingPlan plan = held.plan().alsoBecause(both + ": the candidate trained at the warning is served if it"
        + " passes the gate");
    report(plan, triggerId, model, TrainingPhase.STARTED, 0, null, 0.0, "gating the candidate held since " + both
        + ". Why: " + plan.reason());
    long from = Math.max(window.getStartTime(), held.trainedThrough() + 1);
    List<LabelledEvent> newer = events.readBetween(model, from, Long.MAX_VALUE, wanted, config.dataWait());
    if (newer.isEmpty()) {
      report(plan, triggerId, model, TrainingPhase.EVALUATING, 0, null, 0.1,
          "no events newer than the held candidate's training data: training as usual");
      return Optional.empty();
    }
    NetworkTraining.Result result = held.result();
    GateResult gate = new Gate(config.gate()).judge(correctOf(serving, servingArtifact, newer),
        correctOf(model, result.architecture(), result.artifact(), newer));
    report(plan, triggerId, model, TrainingPhase.EVALUATING, 0, gate.getChallengerAccuracy(), 0.5,
        "gate: " + gate.getVerdict());
    if (!gate.getPromoted()) {
      report(plan, triggerId, model, TrainingPhase.EVALUATING, 0, gate.getChallengerAccuracy(), 0.5,
          "the held candidate did not pass: training as usual");
      return Optional.empty();
    }
    Map<String, Double> metrics = new HashMap<>(held.metrics());
    metrics.put("accuracy", gate.getChallengerAccuracy());
    metrics.put("serving_accuracy", gate.getChampionAccuracy());
    putGate(metrics, gate);
    metrics.put("training_events", (double) held.events().size());
    metrics.put("training_seconds", result.seconds());
    ModelVersion request = ModelVersion.newBuilder()
        .setModel(model)
        .setVersion(0)
        .setAlias(Aliases.CHAMPION)
        .setArchitecture(result.architecture())
        .setMetrics(metrics)
        .setArtifactUri("")
        .setArtifactSha256("")
        .setLineage(Lineage.newBuilder()
            .setParentVersion(serving.getVersion())
            .setTriggerId(triggerId)
            .setStrategy(plan.strategy().wireName())
            .setReason(plan.reason())
            .setWindow(held.window())
            .setGate(gate)
            .setSignal(TriggerSignal.WARNING)
            .setLostGates(lostGates)
            .build())
        .setReference(ReferenceStatisticsCalculator.compute(held.features(),
            CategoryVocabulary.names(held.result().architecture().getCategoricalFeatures()), held.events(), held.numClasses(),
            1.0 - gate.getChallengerAccuracy(), gate.getEvents()))
        .setCreatedAt(clock.millis())
        .setDriftConfig(config.driftConfigFor(serving.getDriftConfig()))
        .build();
    ModelVersion stored = registry.register(request, result.artifact());
    String message = String.format("registered champion v%d, the candidate of %s (accuracy %.3f vs serving %.3f"
        + " on %d newer events); gate: %s", stored.getVersion(), both, gate.getChallengerAccuracy(),
        gate.getChampionAccuracy(), gate.getEvents(), gate.getVerdict());
    log.info("trigger {} of {}: {}", triggerId, model, message);
    report(plan, triggerId, model, TrainingPhase.REGISTERED, 0, gate.getChallengerAccuracy(), 1.0, message);
    return Optional.of(new TrainingOutcome(triggerId, model, TrainingOutcome.Status.CHAMPION, Optional.of(stored),
        OptionalDouble.of(gate.getChampionAccuracy()), OptionalDouble.of(gate.getChallengerAccuracy()),
        newer.size(), seconds(started), result.device(), message, lostGates));
  }

  /**
   * The categorical inputs of this run's network: the serving version's categorical features (or,
   * without one, those the model's definition declares, else those the window's events carry); their vocabularies the serving version's as they
   * are for a strategy that continues its network, so that its input layout and weights still fit,
   * else fitted afresh on the training events ({@link CategoryVocabulary}), so that a retraining or
   * a search learns the values that became frequent.
   */
  private static List<CategoricalFeature> categoricalInputs(Strategy strategy, Optional<ModelVersion> serving,
      List<String> declared, List<LabelledEvent> events, LabelledData data) {
    if (serving.isPresent() && Fallback.continuesServing(strategy)) {
      return serving.get().getArchitecture().getCategoricalFeatures();
    }
    List<String> names = serving.map(v -> CategoryVocabulary.names(v.getArchitecture().getCategoricalFeatures()))
        .orElseGet(() -> declared.isEmpty() ? CategoryVocabulary.featureNames(events) : declared);
    return CategoryVocabulary.fit(names, data.train(), CategoryVocabulary.DEFAULT_CAP);
  }

  /**
   * The plan with its strategy replaced by a fresh retraining when it would continue the serving
   * version's network but cannot continue an experts network ({@link Fallback#forFamily}) or the run
   * chose other label lags or input levels than that version's ({@link Fallback#forLayout}), saying
   * so in its reason; else the plan as it is.
   */
  private static RetrainingPlan laidOut(RetrainingPlan plan, Optional<ModelVersion> serving, Architecture inputs,
      AtomicReference<Strategy> current) {
    if (serving.isEmpty()) {
      return plan;
    }
    Architecture served = serving.get().getArchitecture();
    Optional<Strategy> forFamily = Fallback.forFamily(plan.strategy(), NetworkFamily.of(served));
    if (forFamily.isPresent()) {
      current.set(forFamily.get());
      return plan.with(forFamily.get(), plan.strategy().wireName() + " cannot adapt v" + serving.get().getVersion()
          + ", an experts network (" + ModelFormat.describe(served) + "): fell back to " + forFamily.get().wireName()
          + " from fresh weights");
    }
    boolean sameInputs = served.getLabelLags() == inputs.getLabelLags()
        && served.getLevelSpan() == inputs.getLevelSpan();
    Optional<Strategy> fresh = Fallback.forLayout(plan.strategy(), sameInputs);
    if (fresh.isEmpty()) {
      return plan;
    }
    current.set(fresh.get());
    return plan.with(fresh.get(), plan.strategy().wireName() + " cannot reuse the weights of v"
        + serving.get().getVersion() + ", whose network takes " + served.getLabelLags() + " label lags and "
        + levelsText(served.getLevelSpan()) + " where this run's takes " + inputs.getLabelLags() + " and "
        + levelsText(inputs.getLevelSpan()) + ": fell back to " + fresh.get().wireName() + " from fresh weights");
  }

  private static String levelsText(int span) {
    return span == 0 ? "its features as they are" : "its features relative to levels over " + span + " events";
  }

  /** A challenger trained, and the plan that trained it: the run's, or the fallback its strategy failed to. */
  private record Attempt(Trained trained, RetrainingPlan plan) {}

  /**
   * Trains with the plan's strategy; when it throws, with the {@link Fallback} after it, recording
   * why in the plan's reason and in progress, until one trains or the simplest fails too (thrown).
   */
  private Attempt trainFallingBack(RetrainingPlan planned, String triggerId, String model,
      Optional<ModelVersion> serving, Optional<byte[]> servingArtifact, LabelledData data, Architecture inputs,
      DataWindow window, AtomicReference<Strategy> current) {
    RetrainingPlan plan = planned;
    while (true) {
      try {
        return new Attempt(trainWith(plan, triggerId, model, serving, servingArtifact, data, inputs, window), plan);
      } catch (RuntimeException e) {
        Strategy failed = plan.strategy();
        Strategy simpler = Fallback.after(failed, serving.isPresent()).orElseThrow(() -> e);
        String fellBack = failed.wireName() + " failed (" + e.getMessage() + "), fell back to " + simpler.wireName();
        log.warn("trigger {} of {}: {}", triggerId, model, fellBack, e);
        plan = plan.with(simpler, fellBack);
        current.set(simpler);
        report(plan, triggerId, model, TrainingPhase.TRAINING, 0, null, 0.1, fellBack);
      }
    }
  }

  /** Trains a challenger with the plan's strategy; throws what the strategy throws. */
  private Trained trainWith(RetrainingPlan plan, String triggerId, String model, Optional<ModelVersion> serving,
      Optional<byte[]> servingArtifact, LabelledData data, Architecture inputs, DataWindow window) {
    return plan.strategy().match(new Strategy.Cases<Trained>() {
      @Override
      public Trained retrain(Strategy.Retrain retrain) {
        return train(plan, triggerId, model, data, inputs, Optional.empty());
      }

      @Override
      public Trained fineTune(Strategy.FineTune fineTune) {
        // a fine-tune keeps the parent's network and its input scaling: its weights were learnt for them;
        // only where its levels start moves on to the end of this run's training events
        return train(plan, triggerId, model, data, levelsMovedOn(serving.orElseThrow().getArchitecture(), data),
            Optional.of(new NetworkTraining.Start(servingArtifact.orElseThrow(), fineTune.scope())));
      }

      @Override
      public Trained search(Strategy.Search search) {
        report(plan, triggerId, model, TrainingPhase.TRAINING, 0, null, 0.1, "searching architectures with "
            + search.algorithm().wireName() + " (" + plan.budget() + "), the serving network first");
        // a search space of mlps: an experts champion is no seed for it, the search starts from scratch
        boolean seeds = serving.isPresent()
            && NetworkFamily.of(serving.get().getArchitecture()) == NetworkFamily.MLP;
        ArchitectureSearch.Outcome outcome = new ArchitectureSearch(SearchSpace.tabular(), constraintCheckFor(model),
            config.training(), search.algorithm(), plan.budget())
            .run(model, data, inputs, seeds ? serving.get().getArchitecture() : null,
                seeds ? servingArtifact.orElse(null) : null, searchProgress(plan, triggerId, model));
        if (outcome.best() == null) {
          return Trained.infeasible("the search found no candidate within the constraints ("
              + outcome.search().stoppedBecause() + ")");
        }
        return new Trained(outcome.bestCandidate(), outcome.best(), outcome.lineage(), Map.of(), "", null);
      }

      @Override
      public Trained adapt(Strategy.DomainAdaptation adaptation) {
        Strategy.Adapted adapted = RetrainingRun.this.adapt(adaptation, plan, triggerId, model, serving.orElseThrow(),
            servingArtifact.orElseThrow(), data, inputs, window);
        return adapted.result() == null ? Trained.infeasible(adapted.note())
            : new Trained(adapted.candidate(), adapted.result(), List.of(), adapted.metrics(), "; " + adapted.note(),
                null);
      }
    });
  }

  /**
   * {@code network} with its {@code featureLevels} at the end of {@code data}'s training events,
   * its scaling unchanged; {@code network} itself when it reads its features as they are.
   */
  private static Architecture levelsMovedOn(Architecture network, LabelledData data) {
    if (network.getLevelSpan() == 0) {
      return network;
    }
    return Architecture.newBuilder(network)
        .setFeatureLevels(NetworkTraining.standardised(network, data.train()).getFeatureLevels()).build();
  }

  /**
   * What a strategy trained: the checked candidate, its training, a search's candidates, an
   * adaptation's figures and note; or, with {@code infeasible} set, why nothing could be trained.
   */
  private record Trained(ConstraintCheck.Result candidate, NetworkTraining.Result result,
      List<CandidateTrial> candidates, Map<String, Double> metrics, String note, String infeasible) {
    static Trained infeasible(String why) {
      return new Trained(null, null, List.of(), Map.of(), "", why);
    }
  }

  /**
   * One training of {@code network} (a fresh one, or the serving version's when {@code start}
   * fine-tunes it) for the plan's epochs, once it passes the model's constraints.
   */
  private Trained train(RetrainingPlan plan, String triggerId, String model, LabelledData data, Architecture network,
      Optional<NetworkTraining.Start> start) {
    ConstraintCheck.Result candidate = constraintCheckFor(model).check(network);
    if (!candidate.passed()) {
      return Trained.infeasible(candidate.summary());
    }
    report(plan, triggerId, model, TrainingPhase.TRAINING, 0, null, 0.1, "candidate " + candidate.summary());
    NetworkTraining.Result result = NetworkTraining.train(model, data, candidate,
        config.training().withEpochs(plan.budget().maxEpochs()), start.orElse(NetworkTraining.Start.FRESH),
        (epoch, epochs, trainAccuracy) -> report(plan, triggerId, model, TrainingPhase.TRAINING, epoch, trainAccuracy,
            0.1 + 0.8 * epoch / epochs, String.format("epoch %d/%d, train accuracy %.3f", epoch, epochs, trainAccuracy)));
    return new Trained(candidate, result, List.of(), Map.of(), "", null);
  }

  /**
   * A cadence challenger that lost its gate: reported REJECTED, nothing registered (cadence runs
   * are frequent; only the ones that win become versions).
   */
  private TrainingOutcome notRegistered(RetrainingPlan plan, String triggerId, String model, GateResult gate,
      OptionalDouble servingAccuracy, int events, long started, int lostGates) {
    String message = "cadence update not registered: " + gate.getVerdict();
    log.info("trigger {} of {}: {}", triggerId, model, message);
    report(plan, triggerId, model, TrainingPhase.REJECTED, plan.budget().maxEpochs(), gate.getChallengerAccuracy(),
        1.0, message);
    return new TrainingOutcome(triggerId, model, TrainingOutcome.Status.REJECTED, Optional.empty(), servingAccuracy,
        OptionalDouble.of(gate.getChallengerAccuracy()), events, seconds(started), "", message, lostGates);
  }

  /** Nothing within the model's constraints to train: reported FAILED, outcome INFEASIBLE, nothing registered. */
  private TrainingOutcome infeasible(RetrainingPlan plan, String triggerId, String model, String why,
      OptionalDouble servingAccuracy, int events, long started, int lostGates) {
    String message = "not trained: " + why;
    log.warn("trigger {} of {}: {}", triggerId, model, message);
    report(plan, triggerId, model, TrainingPhase.FAILED, 0, null, 1.0, message);
    return new TrainingOutcome(triggerId, model, TrainingOutcome.Status.INFEASIBLE, Optional.empty(),
        servingAccuracy, OptionalDouble.empty(), events, seconds(started), "", message, lostGates);
  }

  /**
   * Adapts the serving version with the plan's {@link AdaptationStrategy}, for the plan's epochs;
   * EWC and importance weighting also read back the events the serving version was trained on: its
   * lineage's window, up to where this window starts.
   */
  private Strategy.Adapted adapt(Strategy.DomainAdaptation adaptation, RetrainingPlan plan, String triggerId,
      String model, ModelVersion serving, byte[] servingArtifact, LabelledData data, Architecture inputs,
      DataWindow window) {
    List<LabelledEvent> reference = adaptation.usesReference() ? referenceEvents(serving, window) : List.of();
    report(plan, triggerId, model, TrainingPhase.TRAINING, 0, null, 0.1, "adapting v" + serving.getVersion()
        + " with " + adaptation.wireName() + (adaptation.usesReference() ? " (" + reference.size()
        + " reference events)" : ""));
    Strategy.LineageWindows lineage = adaptation.usesLineageWindows() ? lineageWindows(serving, window)
        : Strategy.LineageWindows.NONE;
    return adaptation.adapt(new Strategy.Parent(model, serving.getArchitecture(), servingArtifact), data,
        reference, lineage, inputs, constraintCheckFor(model),
        config.training().withEpochs(plan.budget().maxEpochs()), config.adaptation(),
        (epoch, epochs, trainAccuracy) -> report(plan, triggerId, model, TrainingPhase.TRAINING, epoch,
            trainAccuracy, 0.1 + 0.8 * epoch / epochs,
            String.format("epoch %d/%d, train accuracy %.3f", epoch, epochs, trainAccuracy)));
  }

  /** The gate's figures among a version's metrics: events, bound, whether it promoted. */
  private static void putGate(Map<String, Double> metrics, GateResult gate) {
    metrics.put("gate_events", (double) gate.getEvents());
    metrics.put("gate_bound", gate.getBound());
    metrics.put("gate_promoted", gate.getPromoted() ? 1.0 : 0.0);
  }

  /**
   * The window a version records as trained on: from the trigger window's start to the newest event
   * read, with the number read. A run may read past its trigger's window (the configured span, or
   * what has arrived since a change), so the trigger's window alone would understate it; the Kafka
   * offsets of what was read are not kept (empty).
   */
  private static DataWindow trainedOn(DataWindow trigger, List<LabelledEvent> events) {
    long newest = events.stream().mapToLong(LabelledEvent::getEventTime).max().orElse(trigger.getEndTime());
    return DataWindow.newBuilder(trigger).setEndTime(Math.max(newest, trigger.getStartTime()))
        .setEventCount(events.size()).setOffsets(List.of()).build();
  }

  /**
   * The events the serving version was trained on, from its window's start to this window's; empty
   * when unknown. An experts network was trained on the windows of all its experts (each records
   * its own, {@link ExpertWindows}): those are read, an equal share of the training events each.
   */
  private List<LabelledEvent> referenceEvents(ModelVersion serving, DataWindow window) {
    List<ExpertWindows.Span> spans = ExpertWindows.of(serving.getArchitecture(), window.getStartTime());
    if (!spans.isEmpty()) {
      int each = Math.max(1, config.trainingEvents() / spans.size());
      java.util.Map<String, LabelledEvent> read = new java.util.LinkedHashMap<>();
      for (ExpertWindows.Span span : spans) {
        events.readBetween(serving.getModel(), span.from(), span.until(), each, config.dataWait())
            .forEach(e -> read.putIfAbsent(e.getEventId(), e));
      }
      return read.values().stream().sorted(java.util.Comparator.comparingLong(LabelledEvent::getEventTime)).toList();
    }
    DataWindow parentWindow = serving.getLineage() == null ? null : serving.getLineage().getWindow();
    if (parentWindow == null) {
      return List.of();
    }
    return events.readBetween(serving.getModel(), parentWindow.getStartTime(), window.getStartTime(),
        config.trainingEvents(), config.dataWait());
  }

  /**
   * The training windows of the serving version and of the earlier champions a drift could
   * recall ({@link Recall#candidates}, rejected ones left out): one per concept the lineage knows.
   * Versions that share a window count once, the oldest. Each window is read back from its start to its end, never past this run's
   * window, at most the run's training events; lazily, so a strategy that finds what it learned
   * from them cached reads nothing.
   */
  private Strategy.LineageWindows lineageWindows(ModelVersion serving, DataWindow window) {
    String model = serving.getModel();
    List<ModelVersion> known = new ArrayList<>(recallable(model, registry.versions(model),
        registry.championMoves(model), serving));
    known.add(serving);
    known.sort(java.util.Comparator.comparingInt(ModelVersion::getVersion));
    java.util.SortedMap<Integer, DataWindow> windows = new java.util.TreeMap<>();
    java.util.Set<List<Long>> seen = new java.util.HashSet<>();
    for (ModelVersion v : known) {
      DataWindow w = v.getLineage() == null ? null : v.getLineage().getWindow();
      if (w != null && w.getStartTime() < window.getStartTime() && seen.add(List.of(w.getStartTime(), w.getEndTime()))) {
        windows.put(v.getVersion(), w);
      }
    }
    return new Strategy.LineageWindows(List.copyOf(windows.keySet()), () -> windows.values().stream()
        .map(w -> events.readBetween(model, w.getStartTime(), Math.min(w.getEndTime() + 1, window.getStartTime()),
            config.trainingEvents(), config.dataWait()))
        .toList());
  }

  /** TrainingProgress for each candidate a search trains or refuses. */
  private SearchListener searchProgress(RetrainingPlan plan, String triggerId, String model) {
    SearchBudget budget = plan.budget();
    return new SearchListener() {
      private int tried;

      @Override
      public void onTrial(SearchTrial trial, SearchTrial best, double budgetUsed) {
        tried++;
        progress.report(triggerId, model, plan.strategy().wireName(), TrainingPhase.TRAINING, tried, budget.maxCandidates(),
            trial.epochs(), budget.maxEpochs(), best.score(), 0.1 + 0.8 * budgetUsed, String.format(
                "candidate %d: %s, %d epochs, validation %.3f (best %.3f: %s)", trial.index() + 1,
                ModelFormat.describe(trial.candidate().candidate()), trial.epochs(), trial.score(), best.score(),
                ModelFormat.describe(best.candidate().candidate())));
      }

      @Override
      public void onRejected(ConstraintCheck.Result rejected) {
        log.debug("trigger {} of {}: refused {}", triggerId, model, rejected.summary());
      }
    };
  }

  private static boolean[] correctOf(ModelVersion version, byte[] artifact, List<LabelledEvent> events) {
    return correctOf(version.getModel(), version.getArchitecture(), artifact, events);
  }

  /** Whether a version gets each held-out event right, its label lags read from the whole window. */
  private static boolean[] correctOf(ModelVersion version, byte[] artifact, LabelledData data) {
    return correctOf(version.getModel(), version.getArchitecture(), artifact, data);
  }

  private static boolean[] correctOf(String name, Architecture architecture, byte[] artifact, LabelledData data) {
    try (Model model = ModelFormat.load(name, architecture, artifact)) {
      return NetworkTraining.correct(model, architecture, data.events(), data.trainSize());
    }
  }

  /** Whether the network {@code artifact} holds for {@code architecture} gets each event right. */
  private static boolean[] correctOf(String name, Architecture architecture, byte[] artifact,
      List<LabelledEvent> events) {
    try (Model model = ModelFormat.load(name, architecture, artifact)) {
      return NetworkTraining.correct(model, architecture, events);
    }
  }

  private static double share(boolean[] outcomes) {
    int right = 0;
    for (boolean b : outcomes) {
      if (b) {
        right++;
      }
    }
    return right / (double) outcomes.length;
  }

  /** The first event's numeric feature names, sorted: the inputs of a model no version describes yet. */
  public static List<String> featureNames(List<LabelledEvent> events) {
    return new ArrayList<>(new TreeSet<>(events.get(0).getFeatures().keySet()));
  }

  private void report(RetrainingPlan plan, String triggerId, String model, TrainingPhase phase, int epoch, Double score,
      double budget, String message) {
    progress.report(triggerId, model, plan.strategy().wireName(), phase, epoch, plan.budget().maxEpochs(), score, budget, message);
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
