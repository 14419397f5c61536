package dev.plasticity.trainer;

import dev.plasticity.trainer.adaptation.AdaptationStrategy;
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
 */
public record AdaptationSettings(double ewcLambda, int fisherEvents, double distillTemperature, double distillAlpha,
    List<Integer> studentHiddenUnits, double maxImportanceWeight) {
  /** The narrowest hidden layer a halved student gets. */
  public static final int MIN_STUDENT_WIDTH = 4;

  /**
   * λ 100, Fisher over at most 200 events, T 2, α 0.5, halved student, weights within [0.1, 10].
   * The Fisher takes one backward pass per event and class (about 3 ms each on a CPU): 200 events
   * keep it near a second, where 500 took three, and the run is the drift's answer.
   */
  public static final AdaptationSettings DEFAULTS = new AdaptationSettings(100, 200, 2.0, 0.5, List.of(), 10.0);

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
  }

  /** These settings with EWC's λ set to {@code lambda}. */
  public AdaptationSettings withEwcLambda(double lambda) {
    return new AdaptationSettings(lambda, fisherEvents, distillTemperature, distillAlpha, studentHiddenUnits,
        maxImportanceWeight);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
