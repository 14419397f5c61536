package dev.plasticity.trainer;

import dev.plasticity.trainer.adaptation.AdaptationStrategy;
import java.time.Duration;
import java.util.List;

/**
 * How the domain adaptation strategies ({@link AdaptationStrategy}) are tuned. Immutable;
 * validated on construction; {@link #DEFAULTS} are the values the adaptation benchmark
 * (docs/reports/adaptation-strategies.md) was run with.
 *
 * @param ewcLambda EWC's λ: the weight of the quadratic pull towards the parent's parameters,
 *     {@code (λ/2) Σ F_i (θ_i − θ*_i)²}
 * @param fisherEvents the most reference events the diagonal Fisher information is averaged over
 * @param distillTemperature distillation's temperature T, which softens teacher and student alike
 * @param distillAlpha the weight α of the labels' cross-entropy; {@code 1 − α} weighs the
 *     teacher's tempered KL divergence (scaled by T²)
 * @param studentHiddenUnits the student's hidden widths; empty to halve each of the teacher's
 *     (at least {@link #MIN_STUDENT_WIDTH} units)
 * @param maxImportanceWeight importance weights are clipped to {@code [1/max, max]} before they are
 *     normalised to mean 1
 * @param expertMaxAge {@code grow-expert} prunes an expert the gate has routed no rows to for longer
 *     than this, in event time
 * @param maxExperts the most experts {@code grow-expert} keeps, the new one included; beyond it the
 *     least recently used are pruned
 */
public record AdaptationSettings(double ewcLambda, int fisherEvents, double distillTemperature, double distillAlpha,
    List<Integer> studentHiddenUnits, double maxImportanceWeight, Duration expertMaxAge, int maxExperts) {
  /**
   * An expert unused for 24 hours of event time is pruned: a concept that stayed away that long is
   * retrained when it returns. 8 experts at most: with top-1 routing a row still costs one expert,
   * but every expert is stored, loaded and scored by the gate.
   */
  public static final Duration DEFAULT_EXPERT_MAX_AGE = Duration.ofHours(24);

  /** The default most experts: see {@link #DEFAULT_EXPERT_MAX_AGE}. */
  public static final int DEFAULT_MAX_EXPERTS = 8;

  /** The narrowest hidden layer a halved student gets. */
  public static final int MIN_STUDENT_WIDTH = 4;

  /**
   * λ 100, Fisher over at most 200 events, T 2, α 0.5, halved student, weights within [0.1, 10].
   * The Fisher takes one backward pass per event and class (about 3 ms each on a CPU): 200 events
   * keep it near a second, where 500 took three, and the run is the drift's answer.
   */
  public static final AdaptationSettings DEFAULTS = new AdaptationSettings(100, 200, 2.0, 0.5, List.of(), 10.0);

  /** These settings with the experts' defaults ({@link #DEFAULT_EXPERT_MAX_AGE}, {@link #DEFAULT_MAX_EXPERTS}). */
  public AdaptationSettings(double ewcLambda, int fisherEvents, double distillTemperature, double distillAlpha,
      List<Integer> studentHiddenUnits, double maxImportanceWeight) {
    this(ewcLambda, fisherEvents, distillTemperature, distillAlpha, studentHiddenUnits, maxImportanceWeight,
        DEFAULT_EXPERT_MAX_AGE, DEFAULT_MAX_EXPERTS);
  }

  public AdaptationSettings {
    check(ewcLambda >= 0 && Double.isFinite(ewcLambda), "ewcLambda must be finite and not negative, was " + ewcLambda);
    check(fisherEvents >= 1, "fisherEvents must be at least 1, was " + fisherEvents);
    check(distillTemperature > 0 && Double.isFinite(distillTemperature),
        "distillTemperature must be positive, was " + distillTemperature);
    check(distillAlpha >= 0 && distillAlpha <= 1, "distillAlpha must be in [0, 1], was " + distillAlpha);
    studentHiddenUnits = List.copyOf(studentHiddenUnits);
    check(studentHiddenUnits.stream().allMatch(w -> w >= 1),
        "studentHiddenUnits must be positive widths, were " + studentHiddenUnits);
    check(maxImportanceWeight >= 1 && Double.isFinite(maxImportanceWeight),
        "maxImportanceWeight must be at least 1, was " + maxImportanceWeight);
    java.util.Objects.requireNonNull(expertMaxAge, "expertMaxAge");
    check(expertMaxAge.compareTo(Duration.ZERO) > 0, "expertMaxAge must be positive, was " + expertMaxAge);
    check(maxExperts >= 2, "maxExperts must be at least 2 (an old expert and a new one), was " + maxExperts);
  }

  /** These settings with EWC's λ set to {@code lambda}. */
  public AdaptationSettings withEwcLambda(double lambda) {
    return new AdaptationSettings(lambda, fisherEvents, distillTemperature, distillAlpha, studentHiddenUnits,
        maxImportanceWeight, expertMaxAge, maxExperts);
  }

  /** These settings with {@code grow-expert}'s pruning set: the most age without rows, and the most experts. */
  public AdaptationSettings withExperts(Duration maxAge, int most) {
    return new AdaptationSettings(ewcLambda, fisherEvents, distillTemperature, distillAlpha, studentHiddenUnits,
        maxImportanceWeight, maxAge, most);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
