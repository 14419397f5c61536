package dev.plasticity.inference.scoring;

import dev.plasticity.inference.HotSwapPredictor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The models one scoring app serves: each model's name to the {@link HotSwapPredictor} that
 * serves its current version. An event is scored by the predictor of the model it names; an event
 * naming any other model is dead-lettered.
 *
 * <p>Immutable and thread-safe (the predictors themselves are thread-safe and swap on their own).
 * The predictors stay their creator's to close.
 */
public final class Scorers {
  private final Map<String, HotSwapPredictor> byModel;

  private Scorers(Map<String, HotSwapPredictor> byModel) {
    this.byModel = byModel;
  }

  /** The predictors given, by their model's name. */
  public static Scorers of(HotSwapPredictor... predictors) {
    return of(List.of(predictors));
  }

  /**
   * The predictors given, by their model's name.
   *
   * @throws IllegalArgumentException when none is given, or two serve the same model
   */
  public static Scorers of(Collection<HotSwapPredictor> predictors) {
    Objects.requireNonNull(predictors, "predictors");
    if (predictors.isEmpty()) {
      throw new IllegalArgumentException("a scoring app serves at least one model; no predictor was given");
    }
    Map<String, HotSwapPredictor> byModel = new LinkedHashMap<>();
    for (HotSwapPredictor predictor : predictors) {
      Objects.requireNonNull(predictor, "predictor");
      if (byModel.putIfAbsent(predictor.model(), predictor) != null) {
        throw new IllegalArgumentException("each model is served by one predictor; " + predictor.model()
            + " was given twice");
      }
    }
    return new Scorers(java.util.Collections.unmodifiableMap(byModel));
  }

  /** The predictor of {@code model}, empty when this app does not serve it. */
  public Optional<HotSwapPredictor> predictor(String model) {
    return Optional.ofNullable(byModel.get(model));
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
