package dev.plasticity.inference.scoring;

import dev.plasticity.inference.AliasPredictors;
import dev.plasticity.inference.HotSwapPredictor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The models one scoring app serves: each model's name to its {@link AliasPredictors} (the
 * champion, which answers, and the challenger, shadow and previous champion it follows), and the
 * {@link CanaryShares} that say which events a challenger answers. An event is scored by the
 * predictors of the model it names; an event naming any other model is dead-lettered.
 *
 * <p>Immutable and thread-safe (the predictors themselves are thread-safe and swap on their own).
 * The predictors stay their creator's to close.
 */
public final class Scorers {
  private final Map<String, AliasPredictors> byModel;
  private final CanaryShares canary;

  private Scorers(Map<String, AliasPredictors> byModel, CanaryShares canary) {
    this.byModel = byModel;
    this.canary = canary;
  }

  /** The predictors given, by their model's name, each serving its model's champion only. */
  public static Scorers of(HotSwapPredictor... predictors) {
    return of(List.of(predictors));
  }

  /**
   * The predictors given, by their model's name, each serving its model's champion only.
   *
   * @throws IllegalArgumentException when none is given, or two serve the same model
   */
  public static Scorers of(Collection<HotSwapPredictor> predictors) {
    Objects.requireNonNull(predictors, "predictors");
    return withAliases(predictors.stream().map(p -> AliasPredictors.championOnly(Objects.requireNonNull(p, "predictor")))
        .toList(), CanaryShares.OFF);
  }

  /**
   * Each model's predictors, by its name, and the canary shares.
   *
   * @throws IllegalArgumentException when none is given, or two are for the same model
   */
  public static Scorers withAliases(Collection<AliasPredictors> models, CanaryShares canary) {
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(canary, "canary");
    if (models.isEmpty()) {
      throw new IllegalArgumentException("a scoring app serves at least one model; no predictor was given");
    }
    Map<String, AliasPredictors> byModel = new LinkedHashMap<>();
    for (AliasPredictors model : models) {
      Objects.requireNonNull(model, "predictor");
      if (byModel.putIfAbsent(model.model(), model) != null) {
        throw new IllegalArgumentException("each model is served by one predictor; " + model.model()
            + " was given twice");
      }
    }
    return new Scorers(java.util.Collections.unmodifiableMap(byModel), canary);
  }

  /** The predictor of {@code model}'s champion, empty when this app does not serve it. */
  public Optional<HotSwapPredictor> predictor(String model) {
    return aliases(model).map(AliasPredictors::champion);
  }

  /** Every predictor of {@code model}, empty when this app does not serve it. */
  public Optional<AliasPredictors> aliases(String model) {
    return Optional.ofNullable(byModel.get(model));
  }

  /** Which events the challengers answer. */
  public CanaryShares canary() {
    return canary;
  }

  /** The models served, in the order given. */
  public Set<String> models() {
    return byModel.keySet();
  }

  @Override
  public String toString() {
    return "Scorers" + byModel.values();
  }
}
