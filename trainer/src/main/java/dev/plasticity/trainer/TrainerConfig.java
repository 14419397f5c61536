package dev.plasticity.trainer;

import dev.plasticity.schemas.DriftConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the trainer finds Kafka and the registry, and how it trains. Immutable; build with {@link
 * #builder(String, URI)}; every tuning value has a default that works for tabular streams of a
 * few features.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl base URL of the model registry
 * @param groupId consumer group of all trainer replicas (each trigger is trained once)
 * @param trainingEvents events to train and evaluate on, read from the trigger's window onwards
 * @param minTrainingEvents fewest events worth training on once {@code dataWait} has passed
 * @param dataWait how long to wait for the window's events to arrive
 * @param hiddenUnits hidden layer widths of a network trained from scratch
 * @param epochs training epochs
 * @param batchSize mini-batch size
 * @param learningRate Adam's learning rate
 * @param heldOutFraction the most recent share of the events kept for the champion/challenger gate
 * @param championMargin accuracy the challenger must gain over the serving version to replace it
 * @param seed seeds weights and shuffling, so a run can be repeated
 * @param maxAttempts attempts at a trigger before it is reported FAILED and sent to the triggers'
 *     dead-letter topic
 * @param retryBackoff how long the trainer waits before the second attempt at a trigger; each
 *     later wait doubles, up to {@code maxRetryBackoff}
 * @param maxRetryBackoff the longest wait between two attempts at a trigger
 * @param maxClasses the most classes a model may have: an event whose label is not in {@code [0,
 *     maxClasses)} is not trained on but dead-lettered with the reason (a network's output layer and
 *     the reference statistics grow with the largest label)
 * @param registryToken the bearer token the trainer sends with every registry request; null when
 *     the registry needs none. Never printed: {@link #toString()} masks it
 * @param driftConfig how the drift job should watch a model whose first version this trainer
 *     registers (bootstrap); null for the job's defaults. Every later version inherits its
 *     parent's configuration.
 * @param constraints limits every candidate network must stay within before it is trained,
 *     for models without their own ({@link Constraint#defaults()} unless set)
 * @param modelConstraints constraints of particular models, by model name; they replace {@code
 *     constraints} for that model
 * @param searchStrategy {@code none} to let the policy choose, or the architecture search every
 *     run makes, overriding the policy: {@code random}, {@code evolution} or {@code hyperband}
 * @param searchWallTime the longest a search may run, unless the policy's rule sets its own
 * @param searchCandidates the most trainings a search may run, unless the policy's rule sets its own
 * @param searchMaxEpochs the most epochs a search gives one candidate, unless the policy's rule sets its own
 * @param fineTune {@code none} to let the policy choose, or how every run with a serving version
 *     adapts it, overriding the policy: fine-tune its network from its weights, changing {@code
 *     all} layers, the {@code top} (last hidden and output) or the {@code head} (output) only; a
 *     search, when configured, comes first
 * @param adaptation {@code none} to let the policy choose, or the strategy every run takes
 *     instead, overriding the policy: {@code retrain}, or with a serving version one of the domain
 *     adaptations {@code ewc}, {@code distill} or {@code importance-weighting} ({@link
 *     AdaptationStrategy}). {@link Builder#adaptation(String)} takes any strategy name ({@link
 *     #STRATEGIES}) and sets this, {@code searchStrategy} and {@code fineTune} together
 * @param adaptationSettings how the domain adaptations are tuned
 * @param policy the strategy and budget for each trigger of a model without a policy of its own
 *     ({@link RetrainingPolicy#defaults()} unless set); {@code searchStrategy}, {@code fineTune}
 *     and {@code adaptation}, when set, override it
 * @param modelPolicies policies of particular models, by model name; they replace {@code policy}
 *     for that model
 */
public record TrainerConfig(
    String bootstrapServers,
    URI registryUrl,
    String groupId,
    int trainingEvents,
    int minTrainingEvents,
    Duration dataWait,
    List<Integer> hiddenUnits,
    int epochs,
    int batchSize,
    float learningRate,
    double heldOutFraction,
    double championMargin,
    int seed,
    int maxAttempts,
    Duration retryBackoff,
    Duration maxRetryBackoff,
    int maxClasses,
    String registryToken,
    DriftConfig driftConfig,
    List<Constraint> constraints,
    Map<String, List<Constraint>> modelConstraints,
    String searchStrategy,
    Duration searchWallTime,
    int searchCandidates,
    int searchMaxEpochs,
    String fineTune,
    String adaptation,
    AdaptationSettings adaptationSettings,
    RetrainingPolicy policy,
    Map<String, RetrainingPolicy> modelPolicies) {
  /** {@link #searchStrategy} that trains the configured network once, without a search. */
  public static final String NO_SEARCH = "none";


  public TrainerConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(registryUrl, "registryUrl");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(dataWait, "dataWait");
    hiddenUnits = List.copyOf(hiddenUnits);
    constraints = List.copyOf(constraints);
    Map<String, List<Constraint>> perModel = new java.util.HashMap<>();
    modelConstraints.forEach((model, limits) -> perModel.put(model, List.copyOf(limits)));
    modelConstraints = Map.copyOf(perModel);
    check(trainingEvents >= 20, "trainingEvents must be at least 20, was " + trainingEvents);
    check(minTrainingEvents >= 10 && minTrainingEvents <= trainingEvents,
        "minTrainingEvents must be in [10, trainingEvents], was " + minTrainingEvents);
    check(epochs >= 1, "epochs must be at least 1, was " + epochs);
    check(batchSize >= 1, "batchSize must be at least 1, was " + batchSize);
    check(learningRate > 0, "learningRate must be positive, was " + learningRate);
    check(heldOutFraction > 0 && heldOutFraction < 1, "heldOutFraction must be in (0, 1), was " + heldOutFraction);
    check(championMargin >= 0, "championMargin must not be negative, was " + championMargin);
    check(maxAttempts >= 1, "maxAttempts must be at least 1, was " + maxAttempts);
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(maxRetryBackoff, "maxRetryBackoff");
    check(!retryBackoff.isNegative() && !retryBackoff.isZero(), "retryBackoff must be positive, was " + retryBackoff);
    check(maxRetryBackoff.compareTo(retryBackoff) >= 0,
        "maxRetryBackoff must be at least retryBackoff (" + retryBackoff + "), was " + maxRetryBackoff);
    check(maxClasses >= 2, "maxClasses must be at least 2, was " + maxClasses);
    registryToken = registryToken == null || registryToken.isBlank() ? null : registryToken;
    Objects.requireNonNull(searchStrategy, "searchStrategy");
    if (!NO_SEARCH.equals(searchStrategy)) {
      SearchStrategy.named(searchStrategy); // fails with the known names
    }
    new SearchBudget(searchWallTime, searchCandidates, searchMaxEpochs); // fails naming the rule
    Objects.requireNonNull(fineTune, "fineTune");
    if (!NO_FINE_TUNE.equals(fineTune)) {
      FineTuneScope.named(fineTune); // fails with the known names
    }
    Objects.requireNonNull(adaptation, "adaptation");
    Objects.requireNonNull(adaptationSettings, "adaptationSettings");
    if (!NO_ADAPTATION.equals(adaptation)) {
      if (!RetrainingPolicy.RETRAIN.equals(adaptation)) {
        AdaptationStrategy.named(adaptation); // fails with the known names
      }
      check(NO_SEARCH.equals(searchStrategy) && NO_FINE_TUNE.equals(fineTune), "adaptation '" + adaptation
          + "' runs instead of a search or a fine-tune; searchStrategy was '" + searchStrategy + "' and fineTune '"
          + fineTune + "'");
    }
    Objects.requireNonNull(policy, "policy");
    modelPolicies = Map.copyOf(modelPolicies);
    requireRunnable("the policy", policy);
    modelPolicies.forEach((model, p) -> requireRunnable("the policy of model '" + model + "'", p));
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

  /** The configuration with the registry token masked: it must never reach a log. */
  @Override
  public String toString() {
    return "TrainerConfig[bootstrapServers=" + bootstrapServers + ", registryUrl=" + registryUrl + ", groupId="
        + groupId + ", registryToken=" + (registryToken == null ? "none" : "***") + ", trainingEvents="
        + trainingEvents + ", minTrainingEvents=" + minTrainingEvents + ", dataWait=" + dataWait + ", hiddenUnits="
        + hiddenUnits + ", epochs=" + epochs + ", batchSize=" + batchSize + ", learningRate=" + learningRate
        + ", heldOutFraction=" + heldOutFraction + ", championMargin=" + championMargin + ", seed=" + seed
        + ", maxAttempts=" + maxAttempts + ", retryBackoff=" + retryBackoff + ", maxRetryBackoff=" + maxRetryBackoff
        + ", maxClasses=" + maxClasses + ", driftConfig=" + driftConfig + ", constraints=" + constraints
        + ", modelConstraints=" + modelConstraints
        + ", strategy=" + strategy() + ", searchWallTime=" + searchWallTime + ", searchCandidates="
        + searchCandidates + ", searchMaxEpochs=" + searchMaxEpochs + ", adaptationSettings=" + adaptationSettings
        + ", policy=" + policy + ", modelPolicies=" + modelPolicies + "]";
  }

  /** {@link #adaptation} when the policy (or a configured search or fine-tune) decides. */
  public static final String NO_ADAPTATION = "none";

  /** Every strategy a run can take, by the name its lineage records ({@link RetrainingPolicy#STRATEGIES}). */
  public static final List<String> STRATEGIES = RetrainingPolicy.STRATEGIES;

  /**
   * The strategy this configuration names, overriding the policy ({@code search:*}, {@code
   * fine-tune:*}, {@code retrain} or a domain adaptation), or {@code policy} when it names none
   * and each run's policy decides.
   */
  public String strategy() {
    if (searches()) {
      return "search:" + searchStrategy;
    }
    if (finetunes()) {
      return "fine-tune:" + fineTune;
    }
    return adapts() ? adaptation : "policy";
  }

  /** Whether a strategy other than a search or fine-tune is configured, overriding the policy. */
  boolean adapts() {
    return !NO_ADAPTATION.equals(adaptation);
  }

  /** This configuration running strategy {@code name} (one of {@link #STRATEGIES}) whatever the policy says. */
  public TrainerConfig withStrategy(String name) {
    String[] parts = strategyParts(name);
    return new TrainerConfig(bootstrapServers, registryUrl, groupId, trainingEvents, minTrainingEvents, dataWait,
        hiddenUnits, epochs, batchSize, learningRate, heldOutFraction, championMargin, seed, maxAttempts, retryBackoff,
        maxRetryBackoff, maxClasses, registryToken, driftConfig,
        constraints, modelConstraints, parts[0], searchWallTime, searchCandidates, searchMaxEpochs, parts[1], parts[2],
        adaptationSettings, policy, modelPolicies);
  }

  /** {@code [searchStrategy, fineTune, adaptation]} for a strategy name. */
  private static String[] strategyParts(String name) {
    RetrainingPolicy.requireKnown(name);
    if (name.startsWith("search:")) {
      return new String[] {name.substring("search:".length()), NO_FINE_TUNE, NO_ADAPTATION};
    }
    if (name.startsWith("fine-tune:")) {
      return new String[] {NO_SEARCH, name.substring("fine-tune:".length()), NO_ADAPTATION};
    }
    return new String[] {NO_SEARCH, NO_FINE_TUNE, name};
  }

  private static void requireRunnable(String which, RetrainingPolicy policy) {
    try {
      policy.requireRunnable();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(which + ": " + e.getMessage(), e);
    }
  }
  /** {@link #fineTune} that trains from fresh weights. */
  public static final String NO_FINE_TUNE = "none";

  /** Whether runs with a serving version fine-tune it rather than train afresh. */
  boolean finetunes() {
    return !NO_FINE_TUNE.equals(fineTune);
  }

  /** This configuration with {@code epochs} training epochs (a search's budget per candidate). */
  TrainerConfig withEpochs(int epochs) {
    return new TrainerConfig(bootstrapServers, registryUrl, groupId, trainingEvents, minTrainingEvents, dataWait,
        hiddenUnits, epochs, batchSize, learningRate, heldOutFraction, championMargin, seed, maxAttempts, retryBackoff,
        maxRetryBackoff, maxClasses, registryToken, driftConfig,
        constraints, modelConstraints, searchStrategy, searchWallTime, searchCandidates, searchMaxEpochs, fineTune,
        adaptation, adaptationSettings, policy, modelPolicies);
  }

  /** Whether runs search architectures instead of training one network. */
  boolean searches() {
    return !NO_SEARCH.equals(searchStrategy);
  }

  SearchBudget searchBudget() {
    return new SearchBudget(searchWallTime, searchCandidates, searchMaxEpochs);
  }

  /** The policy that plans runs of {@code model}. */
  public RetrainingPolicy policyFor(String model) {
    return modelPolicies.getOrDefault(model, policy);
  }

  /**
   * What a run of {@code model} will do: the configured {@code searchStrategy}, {@code fineTune} or
   * {@code adaptation} when set (they override the policy; a fine-tune or domain adaptation only
   * when a version serves), else what the model's policy decides; the budget is the
   * rule's limits over the configured ones ({@code searchWallTime}, {@code searchCandidates},
   * {@code searchMaxEpochs} for a search, {@code epochs} for a single training).
   *
   * @param drift the trigger's kind and severity; null for a run no trigger asked for (a bootstrap)
   * @param versionServes whether a version serves, so there is one to adapt
   */
  RetrainingPlan plan(String model, RetrainingPolicy.Drift drift, boolean versionServes) {
    if (searches()) {
      String strategy = "search:" + searchStrategy;
      return new RetrainingPlan(strategy, searchBudget(), "searchStrategy " + searchStrategy
          + " is configured, which overrides the policy: " + RetrainingPolicy.explain(strategy));
    }
    if (finetunes() && versionServes) {
      String strategy = "fine-tune:" + fineTune;
      return new RetrainingPlan(strategy, trainingBudget(), "fineTune " + fineTune
          + " is configured, which overrides the policy: " + RetrainingPolicy.explain(strategy));
    }
    if (adapts() && (versionServes || RetrainingPolicy.RETRAIN.equals(adaptation))) {
      return new RetrainingPlan(adaptation, trainingBudget(), "adaptation " + adaptation
          + " is configured, which overrides the policy: " + RetrainingPolicy.explain(adaptation));
    }
    RetrainingPolicy.Decision decision = policyFor(model).decide(drift, versionServes);
    SearchBudget configured = decision.strategy().startsWith("search:") ? searchBudget() : trainingBudget();
    return new RetrainingPlan(decision.strategy(), decision.limits().over(configured), decision.reason());
  }

  /** One training of {@code epochs} epochs. */
  private SearchBudget trainingBudget() {
    return new SearchBudget(searchWallTime, 1, epochs);
  }

  /** The constraints candidate networks of {@code model} must satisfy. */
  public List<Constraint> constraintsFor(String model) {
    return modelConstraints.getOrDefault(model, constraints);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  public static Builder builder(String bootstrapServers, URI registryUrl) {
    return new Builder(bootstrapServers, registryUrl);
  }

  /** Builder with the defaults. */
  public static final class Builder {
    private final String bootstrapServers;
    private final URI registryUrl;
    private String groupId = "plasticity-trainer";
    private int trainingEvents = 4000;
    private int minTrainingEvents = 1000;
    private Duration dataWait = Duration.ofSeconds(60);
    private List<Integer> hiddenUnits = List.of(32, 32);
    private int epochs = 20;
    private int batchSize = 64;
    private float learningRate = 0.01f;
    private double heldOutFraction = 0.2;
    private double championMargin = 0.01;
    private int seed = 42;
    private int maxAttempts = 3;
    private Duration retryBackoff = Duration.ofSeconds(5);
    private Duration maxRetryBackoff = Duration.ofMinutes(5);
    private int maxClasses = 1000;
    private String registryToken;
    private DriftConfig driftConfig;
    private List<Constraint> constraints = Constraint.defaults();
    private final Map<String, List<Constraint>> modelConstraints = new java.util.HashMap<>();
    private String searchStrategy = NO_SEARCH;
    private Duration searchWallTime = Duration.ofMinutes(2);
    private int searchCandidates = 24;
    private int searchMaxEpochs = 9;
    private String fineTune = NO_FINE_TUNE;
    private String adaptation = NO_ADAPTATION;
    private AdaptationSettings adaptationSettings = AdaptationSettings.DEFAULTS;
    private RetrainingPolicy policy = RetrainingPolicy.defaults();
    private final Map<String, RetrainingPolicy> modelPolicies = new java.util.HashMap<>();

    private Builder(String bootstrapServers, URI registryUrl) {
      this.bootstrapServers = bootstrapServers;
      this.registryUrl = registryUrl;
    }

    public Builder groupId(String v) { this.groupId = v; return this; }
    public Builder trainingEvents(int v) { this.trainingEvents = v; return this; }
    public Builder minTrainingEvents(int v) { this.minTrainingEvents = v; return this; }
    public Builder dataWait(Duration v) { this.dataWait = v; return this; }
    public Builder hiddenUnits(List<Integer> v) { this.hiddenUnits = v; return this; }
    public Builder epochs(int v) { this.epochs = v; return this; }
    public Builder batchSize(int v) { this.batchSize = v; return this; }
    public Builder learningRate(float v) { this.learningRate = v; return this; }
    public Builder heldOutFraction(double v) { this.heldOutFraction = v; return this; }
    public Builder championMargin(double v) { this.championMargin = v; return this; }
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
    /** The registry's bearer token; null or blank for none. */
    public Builder registryToken(String v) { this.registryToken = v; return this; }
    public Builder driftConfig(DriftConfig v) { this.driftConfig = v; return this; }
    /** Constraints for every model that has none of its own. */
    public Builder constraints(List<Constraint> v) { this.constraints = v; return this; }
    /** Constraints for {@code model} alone, replacing the general ones. */
    public Builder constraints(String model, List<Constraint> v) { this.modelConstraints.put(model, v); return this; }

    /** {@code none}, {@code random}, {@code evolution} or {@code hyperband}. */
    public Builder searchStrategy(String v) { this.searchStrategy = v; return this; }
    public Builder searchWallTime(Duration v) { this.searchWallTime = v; return this; }
    public Builder searchCandidates(int v) { this.searchCandidates = v; return this; }
    public Builder searchMaxEpochs(int v) { this.searchMaxEpochs = v; return this; }
    /** {@code none}, {@code all}, {@code top} or {@code head}. */
    public Builder fineTune(String v) { this.fineTune = v; return this; }
    /**
     * The strategy by name, one of {@link #STRATEGIES}, overriding the policy: sets the search
     * strategy, the fine-tune scope and the adaptation together (e.g. {@code fine-tune:head},
     * {@code ewc}, {@code search:evolution}, {@code retrain}).
     *
     * @throws IllegalArgumentException naming the known strategies when {@code name} is none of them
     */
    public Builder adaptation(String name) {
      String[] parts = strategyParts(name);
      this.searchStrategy = parts[0];
      this.fineTune = parts[1];
      this.adaptation = parts[2];
      return this;
    }

    public Builder adaptationSettings(AdaptationSettings v) { this.adaptationSettings = v; return this; }
    /** The policy for every model that has none of its own; see {@link RetrainingPolicy#parse}. */
    public Builder policy(RetrainingPolicy v) { this.policy = v; return this; }
    /** The policy for {@code model} alone, replacing the general one. */
    public Builder policy(String model, RetrainingPolicy v) { this.modelPolicies.put(model, v); return this; }

    public TrainerConfig build() {
      return new TrainerConfig(bootstrapServers, registryUrl, groupId, trainingEvents, minTrainingEvents,
          dataWait, hiddenUnits, epochs, batchSize, learningRate, heldOutFraction, championMargin, seed,
          maxAttempts, retryBackoff, maxRetryBackoff, maxClasses, registryToken, driftConfig, constraints,
          modelConstraints,
          searchStrategy, searchWallTime, searchCandidates,
          searchMaxEpochs, fineTune, adaptation, adaptationSettings, policy, modelPolicies);
    }
  }
}
