package dev.plasticity.registry.client;

import dev.plasticity.schemas.DriftConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a model is, declared once before its first version is trained: its classes, its features,
 * the limits its networks must stay within, how the trainer answers its triggers, and how the drift
 * job watches it. The registry stores it ({@code PUT /api/models/{model}/definition}) and the
 * trainer reads it for every run of the model; the JSON form is this record's fields by name, e.g.
 * {@code {"name":"fraud","classes":{"count":2,"names":["ok","fraud"]},"features":{"numeric":["amount"],
 * "categorical":["country"]},"constraints":{"maxParameters":50000},"policy":"CONCEPT=retrain",
 * "drift":{"windowSize":1000}}}. Absent parts take the trainer's and the drift job's defaults.
 *
 * <p>{@link #validate()} checks every rule and names each one that is broken; the registry refuses a
 * definition that breaks any (400). The retraining policy's text is checked by the {@code plasticity}
 * launcher and the trainer, which know its grammar; the registry only bounds its length. Immutable
 * and thread-safe.
 *
 * @param name the model's name, as in events and versions
 * @param classes how many classes its label has, and optionally their names
 * @param features the feature names its networks take; none to infer them from the first events
 * @param constraints limits every candidate network must stay within; absent limits are the trainer's
 * @param policy the retraining rules for this model, in the trainer's text form; empty for the trainer's
 * @param drift how the drift job watches the model; null for the job's defaults
 */
public record ModelDefinition(String name, Classes classes, Features features, Constraints constraints,
    String policy, DriftConfig drift) {
  /** The most classes a definition may declare (the trainer's own limit may be lower). */
  public static final int MAX_CLASSES = 100_000;
  /** The most features a definition may declare, numeric and categorical together. */
  public static final int MAX_FEATURES = 10_000;
  /** The longest feature or class name. */
  public static final int MAX_NAME_LENGTH = 255;
  /** The longest policy text. */
  public static final int MAX_POLICY_LENGTH = 4096;
  /** The window tests a drift configuration may name (the drift job's {@code WindowTest}). */
  public static final List<String> DRIFT_TESTS = List.of("PSI", "KS", "WASSERSTEIN", "JENSEN_SHANNON", "CHI_SQUARE",
      "ERROR_RATE", "DRIFTED_FEATURE_SHARE", "MMD");
  /** The concept detectors a drift configuration may name (the drift job's {@code ChangeDetectorKind}, and NONE). */
  public static final List<String> CONCEPT_DETECTORS = List.of("ADWIN", "PAGE_HINKLEY", "DDM", "EDDM", "HDDM_A",
      "KSWIN", "NONE");

  public ModelDefinition {
    features = features == null ? Features.NONE : features;
    constraints = constraints == null ? Constraints.NONE : constraints;
    policy = policy == null ? "" : policy;
  }

  /**
   * The classes of a model's label: labels are {@code 0 .. count - 1}.
   *
   * @param count how many classes, at least 2
   * @param names one name per class, in label order; empty when the classes have none
   */
  public record Classes(int count, List<String> names) {
    public Classes {
      names = names == null ? List.of() : List.copyOf(names);
    }

    /** {@code count} classes without names. */
    public static Classes of(int count) {
      return new Classes(count, List.of());
    }
  }

  /**
   * The features a model's networks take, by name. Categorical ones are stored with the definition;
   * the networks take the numeric ones.
   *
   * @param numeric names of numeric features
   * @param categorical names of categorical features
   */
  public record Features(List<String> numeric, List<String> categorical) {
    /** No features declared: the trainer infers them from the first events. */
    public static final Features NONE = new Features(List.of(), List.of());

    public Features {
      numeric = numeric == null ? List.of() : List.copyOf(numeric);
      categorical = categorical == null ? List.of() : List.copyOf(categorical);
    }

    /** Whether no feature is declared. */
    public boolean none() {
      return numeric.isEmpty() && categorical.isEmpty();
    }
  }

  /**
   * Limits every candidate network of the model must stay within; a null limit is the trainer's.
   *
   * @param maxParameters the most trainable parameters
   * @param maxMultiplyAdds the most multiply-adds per row
   * @param maxLatencyMedianMicros the longest median single-row latency on the serving device, µs
   * @param maxLatencyP99Micros the longest 99th-percentile single-row latency, µs
   */
  public record Constraints(Long maxParameters, Long maxMultiplyAdds, Long maxLatencyMedianMicros,
      Long maxLatencyP99Micros) {
    /** No limits of the model's own. */
    public static final Constraints NONE = new Constraints(null, null, null, null);

    /** Whether no limit is set. */
    public boolean none() {
      return maxParameters == null && maxMultiplyAdds == null && maxLatencyMedianMicros == null
          && maxLatencyP99Micros == null;
    }
  }

  /**
   * This definition, when it keeps every rule.
   *
   * @throws IllegalArgumentException naming every rule it breaks
   */
  public ModelDefinition validate() {
    List<String> broken = new ArrayList<>();
    if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH
        || name.chars().anyMatch(Character::isISOControl)) {
      broken.add("name: a model name is 1 to " + MAX_NAME_LENGTH + " characters, not blank, without control characters");
    }
    checkClasses(broken);
    checkFeatures(broken);
    checkConstraints(broken);
    if (policy.length() > MAX_POLICY_LENGTH || policy.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
      broken.add("policy: at most " + MAX_POLICY_LENGTH + " characters, without control characters");
    }
    if (drift != null) {
      checkDrift(drift, broken);
    }
    if (!broken.isEmpty()) {
      throw new IllegalArgumentException("the definition of model '" + name + "' breaks "
          + (broken.size() == 1 ? "a rule: " : broken.size() + " rules: ") + String.join("; ", broken));
    }
    return this;
  }

  private void checkClasses(List<String> broken) {
    if (classes == null) {
      broken.add("classes: required, with a count of at least 2");
      return;
    }
    if (classes.count() < 2 || classes.count() > MAX_CLASSES) {
      broken.add("classes.count: a label has 2 to " + MAX_CLASSES + " classes, got " + classes.count());
    }
    if (!classes.names().isEmpty() && classes.names().size() != classes.count()) {
      broken.add("classes.names: one name per class, in label order: " + classes.count() + " classes but "
          + classes.names().size() + " names");
    }
    checkNames("classes.names", classes.names(), new HashSet<>(), broken);
  }

  private void checkFeatures(List<String> broken) {
    int total = features.numeric().size() + features.categorical().size();
    if (total > MAX_FEATURES) {
      broken.add("features: at most " + MAX_FEATURES + " features, got " + total);
    }
    if (features.numeric().isEmpty() && !features.categorical().isEmpty()) {
      broken.add("features.numeric: a model with categorical features needs at least one numeric feature (the"
          + " networks take numeric features)");
    }
    Set<String> seen = new HashSet<>();
    checkNames("features.numeric", features.numeric(), seen, broken);
    checkNames("features.categorical", features.categorical(), seen, broken);
    for (String feature : seen) {
      if (feature.startsWith("_")) {
        broken.add("features: '" + feature + "' starts with '_', which names the label and error in drift evidence");
      }
    }
  }

  private static void checkNames(String field, List<String> names, Set<String> seen, List<String> broken) {
    for (String n : names) {
      if (n == null || n.isBlank() || n.length() > MAX_NAME_LENGTH || n.chars().anyMatch(Character::isISOControl)) {
        broken.add(field + ": a name is 1 to " + MAX_NAME_LENGTH + " characters, not blank, without control"
            + " characters, got " + (n == null ? "null" : "'" + n + "'"));
      } else if (!seen.add(n)) {
        broken.add(field + ": '" + n + "' appears more than once; names are unique"
            + (field.startsWith("features") ? " across numeric and categorical features" : ""));
      }
    }
  }

  private void checkConstraints(List<String> broken) {
    positive("constraints.maxParameters", constraints.maxParameters(), broken);
    positive("constraints.maxMultiplyAdds", constraints.maxMultiplyAdds(), broken);
    positive("constraints.maxLatencyMedianMicros", constraints.maxLatencyMedianMicros(), broken);
    positive("constraints.maxLatencyP99Micros", constraints.maxLatencyP99Micros(), broken);
    Long median = constraints.maxLatencyMedianMicros();
    Long p99 = constraints.maxLatencyP99Micros();
    if (median != null && p99 != null && median > 0 && p99 < median) {
      broken.add("constraints: the p99 latency limit (" + p99 + " µs) must be at least the median's (" + median + " µs)");
    }
  }

  private static void positive(String field, Long value, List<String> broken) {
    if (value != null && value < 1) {
      broken.add(field + ": a limit is positive, got " + value);
    }
  }

  private static void checkDrift(DriftConfig d, List<String> broken) {
    if (d.getWindowSize() != null && d.getWindowSize() < 2) {
      broken.add("drift.windowSize: at least 2 events, got " + d.getWindowSize());
    }
    if (d.getMinSamples() != null && (d.getMinSamples() < 1
        || (d.getWindowSize() != null && d.getMinSamples() > d.getWindowSize()))) {
      broken.add("drift.minSamples: in [1, windowSize], got " + d.getMinSamples());
    }
    if (d.getTests() != null) {
      for (CharSequence test : d.getTests()) {
        if (!DRIFT_TESTS.contains(test.toString())) {
          broken.add("drift.tests: unknown test '" + test + "'; known: " + String.join(", ", DRIFT_TESTS));
        }
      }
    }
    above("drift.psiThreshold", d.getPsiThreshold(), broken);
    probability("drift.ksAlpha", d.getKsAlpha(), broken);
    above("drift.wassersteinThreshold", d.getWassersteinThreshold(), broken);
    if (d.getJensenShannonThreshold() != null && !(d.getJensenShannonThreshold() > 0 && d.getJensenShannonThreshold() <= 1)) {
      broken.add("drift.jensenShannonThreshold: in (0, 1], got " + d.getJensenShannonThreshold());
    }
    probability("drift.labelAlpha", d.getLabelAlpha(), broken);
    probability("drift.errorAlpha", d.getErrorAlpha(), broken);
    if (d.getErrorMinEffect() != null && !(d.getErrorMinEffect() >= 0 && d.getErrorMinEffect() < 1)) {
      broken.add("drift.errorMinEffect: in [0, 1), got " + d.getErrorMinEffect());
    }
    if (d.getDriftedFeatureShare() != null && !(d.getDriftedFeatureShare() > 0 && d.getDriftedFeatureShare() <= 1)) {
      broken.add("drift.driftedFeatureShare: in (0, 1], got " + d.getDriftedFeatureShare());
    }
    probability("drift.mmdAlpha", d.getMmdAlpha(), broken);
    if (d.getConceptDetector() != null && !CONCEPT_DETECTORS.contains(d.getConceptDetector().toString())) {
      broken.add("drift.conceptDetector: unknown detector '" + d.getConceptDetector() + "'; known: "
          + String.join(", ", CONCEPT_DETECTORS));
    }
    notNegative("drift.cooldownEvents", d.getCooldownEvents(), broken);
    notNegative("drift.cooldownMillis", d.getCooldownMillis(), broken);
    notNegative("drift.cadenceEvents", d.getCadenceEvents(), broken);
  }

  private static void probability(String field, Double value, List<String> broken) {
    if (value != null && !(value > 0 && value < 1)) {
      broken.add(field + ": a significance level in (0, 1), got " + value);
    }
  }

  private static void above(String field, Double value, List<String> broken) {
    if (value != null && !(value > 0)) {
      broken.add(field + ": above 0, got " + value);
    }
  }

  private static void notNegative(String field, Long value, List<String> broken) {
    if (value != null && value < 0) {
      broken.add(field + ": 0 or more, got " + value);
    }
  }
}
