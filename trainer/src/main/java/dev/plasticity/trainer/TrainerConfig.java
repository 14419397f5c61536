package dev.plasticity.trainer;

import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.schemas.DriftConfig;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The trainer service's configuration, in parts: where Kafka and the registry are ({@link
 * Endpoints}), how networks train ({@link TrainingSettings}), what a search may spend ({@link
 * SearchBudget}), how domain adaptations are tuned ({@link AdaptationSettings}), which strategy
 * answers a trigger (the {@link RetrainingPolicy}, or one {@link Strategy} that overrides it), and
 * how the service reads data and retries. Each algorithm takes only the part it uses. Immutable;
 * build with {@link #builder(String, URI)}; every value has a default that works for tabular
 * streams of a few features.
 *
 * @param endpoints Kafka, registry and consumer group
 * @param training how every network trains; {@code epochs} is a single training's
 * @param search what a search may spend, unless the policy's rule sets its own limits
 * @param adaptation how the domain adaptations are tuned
 * @param policy the strategy and budget for each trigger of a model without a policy of its own
 *     ({@link RetrainingPolicy#defaults()} unless set)
 * @param modelPolicies policies of particular models, by model name; they replace {@code policy}
 *     for that model
 * @param strategy the strategy every run takes, overriding the policy; empty to let the policy
 *     decide. A fine-tune or domain adaptation overrides only when a version serves (otherwise
 *     there is nothing to adapt and the policy retrains)
 * @param trainingEvents events to train and evaluate on, read from the trigger's window onwards
 * @param minTrainingEvents fewest events worth training on once {@code dataWait} has passed
 * @param dataWait how long to wait for the window's events to arrive
 * @param gate how a challenger is judged against the serving version: the significance of the
 *     paired test its gain must pass and the fewest held-out events a promotion needs
 * @param maxAttempts attempts at a trigger before it is reported FAILED and sent to the triggers'
 *     dead-letter topic
 * @param retryBackoff how long the trainer waits before the second attempt at a trigger; each
 *     later wait doubles, up to {@code maxRetryBackoff}
 * @param maxRetryBackoff the longest wait between two attempts at a trigger
 * @param maxClasses the most classes a model may have: an event whose label is not in {@code [0,
 *     maxClasses)} is not trained on but dead-lettered with the reason
 * @param driftConfig how the drift job should watch a model whose first version this trainer
 *     registers (bootstrap); null for the job's defaults. Every later version inherits its
 *     parent's configuration.
 * @param cadenceEvents when positive, every version this trainer registers asks the drift job for a
 *     CADENCE trigger every this many events of its model (written into its drift configuration);
 *     0 leaves the cadence its parent's (or {@code driftConfig}'s) configuration sets, none when
 *     neither sets one. Default {@value #DEFAULT_CADENCE_EVENTS}: replayed at 250 events/s, a
 *     cadence of 1,000 events raised the loop from 0.825 to 0.891 on a rotating hyperplane and from
 *     0.844 to 0.860 on SEA with abrupt changes (docs/retraining.md)
 * @param constraints limits every candidate network must stay within before it is trained,
 *     for models without their own ({@link Constraint#defaults()} unless set)
 * @param modelConstraints constraints of particular models, by model name; they replace {@code
 *     constraints} for that model
 * @param labelLags whether networks of models without a setting of their own take previous labels
 *     of their stream as inputs ({@link LabelLags#OFF} unless set)
 * @param modelLabelLags label lags of particular models, by model name; they replace {@code
 *     labelLags} for that model
 * @param inputLevels whether networks of models without a setting of their own read their features
 *     relative to recent levels ({@link InputLevels#OFF} unless set)
 * @param modelInputLevels input levels of particular models, by model name; they replace {@code
 *     inputLevels} for that model
 * @param recall whether a drift may answer by recalling a past champion that beats the serving
 *     version on the trigger's window (the registry's recall: it serves again, nothing is trained);
 *     true unless set. Off, every such drift trains a new version
 */
public record TrainerConfig(
    Endpoints endpoints,
    TrainingSettings training,
    SearchBudget search,
    AdaptationSettings adaptation,
    RetrainingPolicy policy,
    Map<String, RetrainingPolicy> modelPolicies,
    Optional<Strategy> strategy,
    int trainingEvents,
    int minTrainingEvents,
    Duration dataWait,
    GateSettings gate,
    int maxAttempts,
    Duration retryBackoff,
    Duration maxRetryBackoff,
    int maxClasses,
    DriftConfig driftConfig,
    long cadenceEvents,
    List<Constraint> constraints,
    Map<String, List<Constraint>> modelConstraints,
    LabelLags labelLags,
    Map<String, LabelLags> modelLabelLags,
    InputLevels inputLevels,
    Map<String, InputLevels> modelInputLevels,
    boolean recall) {
  /** Events of a champion between two cadence updates, unless configured: see {@code cadenceEvents}. */
  public static final long DEFAULT_CADENCE_EVENTS = 1000;

  public TrainerConfig {
    Objects.requireNonNull(endpoints, "endpoints");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(search, "search");
    Objects.requireNonNull(adaptation, "adaptation");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(dataWait, "dataWait");
    modelPolicies = Map.copyOf(modelPolicies);
    constraints = List.copyOf(constraints);
    Map<String, List<Constraint>> perModel = new HashMap<>();
    modelConstraints.forEach((model, limits) -> perModel.put(model, List.copyOf(limits)));
    modelConstraints = Map.copyOf(perModel);
    Objects.requireNonNull(labelLags, "labelLags");
    modelLabelLags = Map.copyOf(modelLabelLags);
    Objects.requireNonNull(inputLevels, "inputLevels");
    modelInputLevels = Map.copyOf(modelInputLevels);
    check(trainingEvents >= 20, "trainingEvents must be at least 20, was " + trainingEvents);
    check(minTrainingEvents >= 10 && minTrainingEvents <= trainingEvents,
        "minTrainingEvents must be in [10, trainingEvents], was " + minTrainingEvents);
    Objects.requireNonNull(gate, "gate");
    check(maxAttempts >= 1, "maxAttempts must be at least 1, was " + maxAttempts);
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(maxRetryBackoff, "maxRetryBackoff");
    check(!retryBackoff.isNegative() && !retryBackoff.isZero(), "retryBackoff must be positive, was " + retryBackoff);
    check(maxRetryBackoff.compareTo(retryBackoff) >= 0,
        "maxRetryBackoff must be at least retryBackoff (" + retryBackoff + "), was " + maxRetryBackoff);
    check(maxClasses >= 2, "maxClasses must be at least 2, was " + maxClasses);
    check(cadenceEvents >= 0, "cadenceEvents must not be negative (0 for none), was " + cadenceEvents);
  }

  /**
   * How long to wait before attempting a trigger again after {@code failedAttempts} failures:
   * {@code retryBackoff}, doubled for each failure after the first, never more than {@code
   * maxRetryBackoff}.
   */
  Duration retryDelay(int failedAttempts) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("a retry follows at least one failed attempt, was " + failedAttempts);
    }
    Duration delay = retryBackoff;
    for (int i = 1; i < failedAttempts && delay.compareTo(maxRetryBackoff) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : delay;
  }

  /** This configuration running {@code strategy} whatever the policy says. */
  public TrainerConfig withStrategy(Strategy strategy) {
    return new TrainerConfig(endpoints, training, search, adaptation, policy, modelPolicies,
        Optional.of(strategy), trainingEvents, minTrainingEvents, dataWait, gate, maxAttempts,
        retryBackoff, maxRetryBackoff, maxClasses, driftConfig, cadenceEvents, constraints, modelConstraints,
        labelLags, modelLabelLags, inputLevels, modelInputLevels, recall);
  }

  /**
   * This configuration for runs of the model {@code definition} describes: its policy (when it
   * gives one) and its constraints (each limit it sets replaces the one of the same kind) replace
   * whatever this configuration holds for that model, and its drift settings are what the model's
   * first version carries. A strategy configured outright still overrides the policy.
   *
   * @throws IllegalArgumentException when the definition's policy does not parse, naming the rule
   */
  public TrainerConfig definedBy(ModelDefinition definition) {
    String model = definition.name();
    Map<String, RetrainingPolicy> policies = new HashMap<>(modelPolicies);
    if (!definition.policy().isBlank()) {
      try {
        policies.put(model, RetrainingPolicy.parse(definition.policy()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the policy of model '" + model + "''s definition: " + e.getMessage(), e);
      }
    }
    Map<String, List<Constraint>> limits = new HashMap<>(modelConstraints);
    if (!definition.constraints().none()) {
      limits.put(model, constraintsOf(definition.constraints(), constraintsFor(model)));
    }
    DriftConfig drift = definition.drift() != null ? definition.drift() : driftConfig;
    return new TrainerConfig(endpoints, training, search, adaptation, policy, policies, strategy, trainingEvents,
        minTrainingEvents, dataWait, gate, maxAttempts, retryBackoff, maxRetryBackoff, maxClasses, drift,
        cadenceEvents, constraints, limits, labelLags, modelLabelLags, inputLevels, modelInputLevels, recall);
  }

  /** {@code base} with each limit {@code defined} sets in place of the one of its kind. */
  private static List<Constraint> constraintsOf(ModelDefinition.Constraints defined, List<Constraint> base) {
    List<Constraint> limits = new java.util.ArrayList<>();
    Constraint.MaxLatency baseLatency = null;
    for (Constraint c : base) {
      if (c instanceof Constraint.MaxParameters p) {
        limits.add(defined.maxParameters() == null ? p : new Constraint.MaxParameters(defined.maxParameters()));
      } else if (c instanceof Constraint.MaxMultiplyAdds m) {
        limits.add(defined.maxMultiplyAdds() == null ? m : new Constraint.MaxMultiplyAdds(defined.maxMultiplyAdds()));
      } else if (c instanceof Constraint.MaxLatency l) {
        baseLatency = l;
      }
    }
    if (defined.maxParameters() != null && limits.stream().noneMatch(c -> c instanceof Constraint.MaxParameters)) {
      limits.add(new Constraint.MaxParameters(defined.maxParameters()));
    }
    if (defined.maxMultiplyAdds() != null && limits.stream().noneMatch(c -> c instanceof Constraint.MaxMultiplyAdds)) {
      limits.add(new Constraint.MaxMultiplyAdds(defined.maxMultiplyAdds()));
    }
    Long median = defined.maxLatencyMedianMicros();
    Long p99 = defined.maxLatencyP99Micros();
    if (median == null && p99 == null) {
      if (baseLatency != null) {
        limits.add(baseLatency);
      }
    } else {
      Duration m = median != null ? Duration.ofNanos(median * 1000)
          : baseLatency != null ? baseLatency.median() : Duration.ofNanos(p99 * 1000);
      Duration p = p99 != null ? Duration.ofNanos(p99 * 1000)
          : baseLatency != null && baseLatency.p99().compareTo(m) >= 0 ? baseLatency.p99() : m.multipliedBy(10);
      limits.add(new Constraint.MaxLatency(m.compareTo(p) <= 0 ? m : p, p));
    }
    return limits;
  }

  /** The policy that plans runs of {@code model}. */
  public RetrainingPolicy policyFor(String model) {
    return modelPolicies.getOrDefault(model, policy);
  }

  /**
   * What a run of {@code model} will do: the configured {@link #strategy} when set (it overrides
   * the policy; a strategy that needs a serving version only when one serves), else what the
   * model's policy decides; the budget is the rule's limits over the configured ones ({@link
   * #search} for a search, the training's epochs for a single training).
   *
   * @param drift the trigger's kind and severity; null for a run no trigger asked for (a bootstrap)
   * @param versionServes whether a version serves, so there is one to adapt
   */
  public RetrainingPlan plan(String model, RetrainingPolicy.Drift drift, boolean versionServes) {
    if (strategy.isPresent() && (versionServes || !strategy.get().needsServingVersion())) {
      Strategy configured = strategy.get();
      return new RetrainingPlan(configured, budgetFor(configured), "strategy " + configured.wireName()
          + " is configured, which overrides the policy: " + configured.explain());
    }
    RetrainingPolicy.Decision decision = policyFor(model).decide(drift, versionServes);
    RetrainingPolicy.Span span = decision.span();
    // DRIFT_WINDOW reads one window; RECENT reads up to the configured events but waits only for two windows
    int events = span == RetrainingPolicy.Span.DRIFT_WINDOW ? driftWindows(drift, 1) : 0;
    int soonest = span == RetrainingPolicy.Span.RECENT ? driftWindows(drift, 2) : 0;
    return new RetrainingPlan(decision.strategy(), decision.limits().over(budgetFor(decision.strategy())),
        decision.reason(), decision.course(), events, soonest);
  }

  /**
   * {@code plan} with {@code strategy} in place of its own, within this trainer's budget for it (a
   * rule's search limits do not carry over to a single training), its reason followed by {@code because}.
   */
  public RetrainingPlan switchTo(RetrainingPlan plan, Strategy strategy, String because) {
    return new RetrainingPlan(strategy, budgetFor(strategy), plan.reason() + "; " + because, plan.course(),
        plan.events(), plan.soonest());
  }

  /**
   * Whether the plan for {@code drift} came from the default rules, so that the window may refine it
   * ({@link RetrainingPolicy#refine}): no strategy is configured and none of the model's own rules
   * matches the drift.
   */
  public boolean refinable(String model, RetrainingPolicy.Drift drift) {
    return strategy.isEmpty() && !policyFor(model).hasRuleFor(drift);
  }

  /** {@code windows} of the trigger's drift windows in events, within the fewest and most a run reads; 0 when unknown. */
  private int driftWindows(RetrainingPolicy.Drift drift, int windows) {
    return drift == null || drift.harm().events() <= 0 ? 0
        : (int) Math.max(minTrainingEvents, Math.min(trainingEvents, (long) windows * drift.harm().events()));
  }

  /** A search's configured budget, or one training of the configured epochs. */
  private SearchBudget budgetFor(Strategy strategy) {
    return strategy instanceof Strategy.Search ? search : trainingBudget();
  }

  private SearchBudget trainingBudget() {
    return new SearchBudget(search.wallTime(), 1, training.epochs());
  }

  /**
   * The drift configuration of a version whose parent had {@code inherited} (null: none, or no
   * parent): the parent's, else {@link #driftConfig}, with this trainer's cadence when it sets one.
   */
  public DriftConfig driftConfigFor(DriftConfig inherited) {
    DriftConfig base = inherited != null ? inherited : driftConfig;
    if (cadenceEvents == 0) {
      return base;
    }
    return (base == null ? DriftConfig.newBuilder() : DriftConfig.newBuilder(base)).setCadenceEvents(cadenceEvents)
        .build();
  }

  /** The constraints candidate networks of {@code model} must satisfy. */
  public List<Constraint> constraintsFor(String model) {
    return modelConstraints.getOrDefault(model, constraints);
  }

  /** Whether networks of {@code model} take previous labels of its stream as inputs. */
  public LabelLags labelLagsFor(String model) {
    return modelLabelLags.getOrDefault(model, labelLags);
  }

  /** Whether networks of {@code model} read their features relative to recent levels. */
  public InputLevels inputLevelsFor(String model) {
    return modelInputLevels.getOrDefault(model, inputLevels);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  public static Builder builder(String bootstrapServers, URI registryUrl) {
    return new Builder(bootstrapServers, registryUrl);
  }

  /** Builder with the defaults; the parts are assembled and validated in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String bootstrapServers;
    private final URI registryUrl;
    private String groupId = Endpoints.DEFAULT_GROUP;
    private String registryToken;
    private int trainingEvents = 4000;
    private int minTrainingEvents = 1000;
    private Duration dataWait = Duration.ofSeconds(60);
    private List<Integer> hiddenUnits = TrainingSettings.DEFAULTS.hiddenUnits();
    private int epochs = TrainingSettings.DEFAULTS.epochs();
    private int batchSize = TrainingSettings.DEFAULTS.batchSize();
    private float learningRate = TrainingSettings.DEFAULTS.learningRate();
    private double heldOutFraction = TrainingSettings.DEFAULTS.heldOutFraction();
    private int seed = TrainingSettings.DEFAULTS.seed();
    private GateSettings gate = GateSettings.DEFAULTS;
    private int maxAttempts = 3;
    private Duration retryBackoff = Duration.ofSeconds(5);
    private Duration maxRetryBackoff = Duration.ofMinutes(5);
    private int maxClasses = 1000;
    private DriftConfig driftConfig;
    private long cadenceEvents = DEFAULT_CADENCE_EVENTS;
    private List<Constraint> constraints = Constraint.defaults();
    private final Map<String, List<Constraint>> modelConstraints = new HashMap<>();
    private Duration searchWallTime = Duration.ofMinutes(2);
    private int searchCandidates = 24;
    private int searchMaxEpochs = 9;
    private Strategy strategy;
    private AdaptationSettings adaptationSettings = AdaptationSettings.DEFAULTS;
    private RetrainingPolicy policy = RetrainingPolicy.defaults();
    private final Map<String, RetrainingPolicy> modelPolicies = new HashMap<>();
    private LabelLags labelLags = LabelLags.OFF;
    private final Map<String, LabelLags> modelLabelLags = new HashMap<>();
    private InputLevels inputLevels = InputLevels.OFF;
    private final Map<String, InputLevels> modelInputLevels = new HashMap<>();
    private boolean recall = true;

    private Builder(String bootstrapServers, URI registryUrl) {
      this.bootstrapServers = bootstrapServers;
      this.registryUrl = registryUrl;
    }

    public Builder groupId(String v) { this.groupId = v; return this; }
    /** The registry's bearer token; null or blank for none. */
    public Builder registryToken(String v) { this.registryToken = v; return this; }
    public Builder trainingEvents(int v) { this.trainingEvents = v; return this; }
    public Builder minTrainingEvents(int v) { this.minTrainingEvents = v; return this; }
    public Builder dataWait(Duration v) { this.dataWait = v; return this; }
    public Builder hiddenUnits(List<Integer> v) { this.hiddenUnits = v; return this; }
    public Builder epochs(int v) { this.epochs = v; return this; }
    public Builder batchSize(int v) { this.batchSize = v; return this; }
    public Builder learningRate(float v) { this.learningRate = v; return this; }
    public Builder heldOutFraction(double v) { this.heldOutFraction = v; return this; }
    /** How a challenger is judged against the serving version ({@link GateSettings#DEFAULTS} unless set). */
    public Builder gate(GateSettings v) { this.gate = v; return this; }
    public Builder seed(int v) { this.seed = v; return this; }
    public Builder maxAttempts(int v) { this.maxAttempts = v; return this; }
    /** The wait before the second attempt at a failed trigger, doubling per attempt up to {@code max}. */
    public Builder retryBackoff(Duration initial, Duration max) {
      this.retryBackoff = initial;
      this.maxRetryBackoff = max;
      return this;
    }
    /** The most classes a model may have; events labelled outside {@code [0, v)} are dead-lettered. */
    public Builder maxClasses(int v) { this.maxClasses = v; return this; }
    public Builder driftConfig(DriftConfig v) { this.driftConfig = v; return this; }
    /** A CADENCE trigger every {@code v} events for each version registered; 0 (the default) for none of its own. */
    public Builder cadenceEvents(long v) { this.cadenceEvents = v; return this; }
    /** Constraints for every model that has none of its own. */
    public Builder constraints(List<Constraint> v) { this.constraints = v; return this; }
    /** Constraints for {@code model} alone, replacing the general ones. */
    public Builder constraints(String model, List<Constraint> v) { this.modelConstraints.put(model, v); return this; }
    public Builder searchWallTime(Duration v) { this.searchWallTime = v; return this; }
    public Builder searchCandidates(int v) { this.searchCandidates = v; return this; }
    public Builder searchMaxEpochs(int v) { this.searchMaxEpochs = v; return this; }
    /** The strategy every run takes, overriding the policy; null to let the policy decide. */
    public Builder strategy(Strategy v) { this.strategy = v; return this; }

    /**
     * The strategy by name ({@link Strategies#STANDARD}), overriding the policy: e.g. {@code
     * fine-tune:head}, {@code ewc}, {@code search:evolution}, {@code retrain}.
     *
     * @throws IllegalArgumentException naming the known strategies when {@code name} is none of them
     */
    public Builder strategy(String name) { this.strategy = Strategy.parse(name); return this; }

    public Builder adaptationSettings(AdaptationSettings v) { this.adaptationSettings = v; return this; }
    /** The policy for every model that has none of its own; see {@link RetrainingPolicy#parse}. */
    public Builder policy(RetrainingPolicy v) { this.policy = v; return this; }
    /** The policy for {@code model} alone, replacing the general one. */
    public Builder policy(String model, RetrainingPolicy v) { this.modelPolicies.put(model, v); return this; }

    /** Label lags for every model that has no setting of its own ({@link LabelLags#OFF} unless set). */
    public Builder labelLags(LabelLags v) { this.labelLags = java.util.Objects.requireNonNull(v, "labelLags"); return this; }
    /** Label lags for {@code model} alone, replacing the general setting. */
    public Builder labelLags(String model, LabelLags v) {
      this.modelLabelLags.put(model, java.util.Objects.requireNonNull(v, "labelLags"));
      return this;
    }

    /** Input levels for every model that has no setting of its own ({@link InputLevels#OFF} unless set). */
    public Builder inputLevels(InputLevels v) {
      this.inputLevels = java.util.Objects.requireNonNull(v, "inputLevels");
      return this;
    }

    /** Input levels for {@code model} alone, replacing the general setting. */
    public Builder inputLevels(String model, InputLevels v) {
      this.modelInputLevels.put(model, java.util.Objects.requireNonNull(v, "inputLevels"));
      return this;
    }

    /** Whether a drift may recall a past champion instead of training (true unless set). */
    public Builder recall(boolean v) { this.recall = v; return this; }

    public TrainerConfig build() {
      return new TrainerConfig(
          new Endpoints(bootstrapServers, registryUrl, registryToken, groupId),
          new TrainingSettings(hiddenUnits, epochs, batchSize, learningRate, heldOutFraction, seed),
          new SearchBudget(searchWallTime, searchCandidates, searchMaxEpochs),
          adaptationSettings, policy, modelPolicies, Optional.ofNullable(strategy), trainingEvents,
          minTrainingEvents, dataWait, gate, maxAttempts, retryBackoff, maxRetryBackoff, maxClasses,
          driftConfig, cadenceEvents, constraints, modelConstraints, labelLags, modelLabelLags, inputLevels,
          modelInputLevels, recall);
    }
  }
}
