package dev.plasticity.trainer;

import dev.plasticity.schemas.Setting;
import dev.plasticity.schemas.SharedSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every environment variable the trainer service reads, declared once as a {@link Setting}:
 * {@link #read} turns them into a {@link TrainerConfig.Builder}, and the launcher's {@code
 * plasticity trainer --help} prints {@link #ALL}. The defaults are {@link TrainerConfig}'s own.
 * Immutable and thread-safe.
 */
public final class TrainerEnvironment {
  /** A configuration with every default, to print and apply them. */
  private static final TrainerConfig DEFAULTS =
      TrainerConfig.builder(SharedSettings.KAFKA_BOOTSTRAP.defaultValue(),
          URI.create(SharedSettings.REGISTRY_URL.defaultValue())).build();

  static final Setting<String> KAFKA_BOOTSTRAP = SharedSettings.KAFKA_BOOTSTRAP;
  static final Setting<URI> REGISTRY_URL = SharedSettings.REGISTRY_URL;
  static final Setting<String> REGISTRY_TOKEN = SharedSettings.REGISTRY_TOKEN;
  static final Setting<String> GROUP = Setting.text("PLASTICITY_TRAINER_GROUP", Endpoints.DEFAULT_GROUP,
      "the consumer group all replicas share (each trigger is trained once)");
  static final Setting<RetrainingPolicy> POLICY = Setting.of("PLASTICITY_TRAINER_POLICY", "",
      "retraining rules tried before the default ones (as --policy)", TrainerEnvironment::policy);
  static final Setting<Integer> MAX_ATTEMPTS = Setting.positiveInt("PLASTICITY_TRAINER_MAX_ATTEMPTS",
      String.valueOf(DEFAULTS.maxAttempts()),
      "attempts at a trigger before it is reported FAILED and sent to the triggers' dead-letter topic");
  static final Setting<Duration> RETRY_BACKOFF = Setting.duration("PLASTICITY_TRAINER_RETRY_BACKOFF",
      Setting.durationText(DEFAULTS.retryBackoff()),
      "the wait before the second attempt at a failed trigger (e.g. 500ms, 5s, 2m); each later wait doubles");
  static final Setting<Duration> MAX_RETRY_BACKOFF = Setting.duration("PLASTICITY_TRAINER_MAX_RETRY_BACKOFF",
      Setting.durationText(DEFAULTS.maxRetryBackoff()), "the longest wait between two attempts at a trigger");
  static final Setting<Integer> MAX_CLASSES = Setting.positiveInt("PLASTICITY_TRAINER_MAX_CLASSES",
      String.valueOf(DEFAULTS.maxClasses()),
      "the most classes a model may have; an event labelled outside [0, max) is dead-lettered, not trained on");
  static final Setting<Long> CADENCE_EVENTS = Setting.count("PLASTICITY_TRAINER_CADENCE_EVENTS",
      String.valueOf(TrainerConfig.DEFAULT_CADENCE_EVENTS),
      "every this many events of a champion, a gated incremental update (0: only drift triggers retrain)");
  static final Setting<PerModel<LabelLags>> LABEL_LAGS = Setting.of("PLASTICITY_TRAINER_LABEL_LAGS",
      DEFAULTS.labelLags().wireName(), "whether networks take their stream's previous labels as inputs: off, auto"
          + " (one lag when predicting the previous label beats the majority class by 0.05), auto:K, or K lags;"
          + " per model as MODEL=VALUE, comma-separated, e.g. auto,sea=off",
      text -> perModel(text, LabelLags::parse, LabelLags.OFF));
  static final Setting<PerModel<InputLevels>> INPUT_LEVELS = Setting.of("PLASTICITY_TRAINER_INPUT_LEVELS",
      DEFAULTS.inputLevels().wireName(), "whether networks read each feature relative to its recent level (an"
          + " exponential moving mean): off, auto (the span of 100, 300 or 1000 events that a linear model of the"
          + " training events favours significantly, else the serving version's), or a span of events; per model as MODEL=VALUE,"
          + " comma-separated, e.g. auto,sea=off",
      text -> perModel(text, InputLevels::parse, InputLevels.OFF));

  static final Setting<Double> GATE_SIGNIFICANCE = Setting.of("PLASTICITY_TRAINER_GATE_SIGNIFICANCE",
      String.valueOf(DEFAULTS.gate().significance()), "the chance the gate accepts of serving a challenger that is"
          + " not better than the serving version (one-sided, on the held-out events where they disagree); in (0, 0.5)",
      TrainerEnvironment::significance);
  static final Setting<Integer> GATE_MIN_EVENTS = Setting.positiveInt("PLASTICITY_TRAINER_GATE_MIN_EVENTS",
      String.valueOf(DEFAULTS.gate().minEvents()), "the fewest held-out events on which the gate lets a challenger"
          + " replace a serving version; below it the challenger is registered but not served");

  static final Setting<Boolean> RECALL = Setting.of("PLASTICITY_TRAINER_RECALL", String.valueOf(DEFAULTS.recall()),
      "whether a drift may be answered by recalling a past champion that beats the serving version on the"
          + " trigger's window (it serves again at once, nothing is trained): true or false",
      TrainerEnvironment::flag);

  /** Every variable the trainer reads, in the order its help lists them. */
  public static final List<Setting<?>> ALL = List.of(KAFKA_BOOTSTRAP, REGISTRY_URL, REGISTRY_TOKEN, GROUP, POLICY,
      MAX_ATTEMPTS, RETRY_BACKOFF, MAX_RETRY_BACKOFF, MAX_CLASSES, CADENCE_EVENTS, LABEL_LAGS, INPUT_LEVELS,
      GATE_SIGNIFICANCE, GATE_MIN_EVENTS, RECALL);

  /** A setting for every model, and for particular models by name. */
  record PerModel<T>(T general, Map<String, T> models) {
    PerModel {
      models = Map.copyOf(models);
    }

    /** Hands the general value, then each model's, to {@code general} and {@code model}. */
    TrainerConfig.Builder applyTo(TrainerConfig.Builder builder, java.util.function.Function<T, TrainerConfig.Builder> general,
        java.util.function.BiConsumer<String, T> model) {
      general.apply(this.general);
      models.forEach(model);
      return builder;
    }
  }

  private TrainerEnvironment() {}

  /**
   * A configuration from {@code env}, to refine (e.g. with a policy from the command line) and
   * {@link TrainerConfig.Builder#build() build}.
   *
   * @throws IllegalArgumentException naming the variable that is malformed
   */
  public static TrainerConfig.Builder read(Map<String, String> env) {
    TrainerConfig.Builder builder = TrainerConfig.builder(KAFKA_BOOTSTRAP.require(env), REGISTRY_URL.require(env));
    LABEL_LAGS.require(env).applyTo(builder, builder::labelLags, builder::labelLags);
    INPUT_LEVELS.require(env).applyTo(builder, builder::inputLevels, builder::inputLevels);
    return builder
        .registryToken(REGISTRY_TOKEN.in(env).orElse(null))
        .groupId(GROUP.require(env))
        .policy(POLICY.in(env).orElse(RetrainingPolicy.defaults()))
        .maxAttempts(MAX_ATTEMPTS.require(env))
        .retryBackoff(RETRY_BACKOFF.require(env), MAX_RETRY_BACKOFF.require(env))
        .maxClasses(MAX_CLASSES.require(env))
        .cadenceEvents(CADENCE_EVENTS.require(env))
        .gate(new GateSettings(GATE_SIGNIFICANCE.require(env), GATE_MIN_EVENTS.require(env)))
        .recall(RECALL.require(env));
  }

  /** {@code true} or {@code false}, in any case. */
  private static boolean flag(String text) {
    String value = text.trim().toLowerCase(java.util.Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  /** A significance level of the gate's test: a number in (0, 0.5), as {@link GateSettings} requires. */
  private static double significance(String text) {
    double significance;
    try {
      significance = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not a number; the gate's significance must be in (0, 0.5)", e);
    }
    if (!(significance > 0 && significance < 0.5)) {
      throw new IllegalArgumentException("must be in (0, 0.5): the gate's significance is a one-sided test's level");
    }
    return significance;
  }

  /** {@code VALUE} for every model and {@code MODEL=VALUE} for one, comma-separated; the general one at most once. */
  private static <T> PerModel<T> perModel(String text, java.util.function.Function<String, T> parse, T fallback) {
    T general = fallback;
    boolean generalSeen = false;
    Map<String, T> models = new java.util.HashMap<>();
    for (String entry : text.split(",")) {
      int eq = entry.indexOf('=');
      if (eq < 0) {
        if (generalSeen) {
          throw new IllegalArgumentException("names the setting for every model twice; give it once, per model as"
              + " MODEL=VALUE");
        }
        general = parse.apply(entry);
        generalSeen = true;
      } else {
        String model = entry.substring(0, eq).trim();
        if (model.isEmpty() || models.put(model, parse.apply(entry.substring(eq + 1))) != null) {
          throw new IllegalArgumentException("needs one MODEL=VALUE per model, with a model name; '" + entry + "'");
        }
      }
    }
    return new PerModel<>(general, models);
  }

  private static RetrainingPolicy policy(String text) {
    try {
      return RetrainingPolicy.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not a policy (" + e.getMessage() + ")", e);
    }
  }
}
