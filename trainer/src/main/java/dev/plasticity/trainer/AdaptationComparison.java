package dev.plasticity.trainer;

import ai.djl.Model;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Adaptation strategies on fixed windows of labelled events, outside any Kafka or registry: what
 * benchmarks use to compare retraining, fine-tuning, EWC, distillation and importance weighting
 * after the same drift. A parent is trained on the old window; each strategy then trains on the
 * same new window (the newest 20% held out, as a run does) and is scored on held-out events of
 * the new concept and of the old one.
 */
public final class AdaptationComparison {
  /** The strategies {@link #adapt} compares, by the names runs use. */
  public static final List<String> STRATEGIES =
      List.of("retrain", "fine-tune:all", "fine-tune:head", "ewc", "distill", "importance-weighting");

  private AdaptationComparison() {}

  /**
   * The serving version before the drift.
   *
   * @param architecture its network and input scaling
   * @param artifact its parameters
   * @param window the events it was trained on, oldest first (the reference window)
   * @param seconds wall time of its training
   */
  public record Parent(Architecture architecture, byte[] artifact, List<LabelledEvent> window, double seconds) {
    public Parent {
      window = List.copyOf(window);
    }

    /** Its parameter count. */
    public long parameters() {
      return NetworkCost.parameters(architecture);
    }
  }

  /**
   * What one strategy achieved.
   *
   * @param strategy the strategy's name
   * @param seed the seed of its training
   * @param newConcept accuracy on held-out events of the new concept
   * @param oldConcept accuracy on held-out events of the old concept (what was kept)
   * @param parameters the trained network's parameter count
   * @param seconds wall time of the adaptation, reference work (Fisher, weights, teacher) included
   * @param figures the strategy's own figures (e.g. {@code ewc_lambda}, {@code importance_ess})
   */
  public record Report(String strategy, long seed, double newConcept, double oldConcept, long parameters,
      double seconds, Map<String, Double> figures) {}

  /** The configuration every network of a comparison trains with: {@code hiddenUnits}, {@code epochs}, seed. */
  public static TrainerConfig config(List<Integer> hiddenUnits, int epochs, int seed, AdaptationSettings settings) {
    return TrainerConfig.builder("unused:9092", URI.create("http://unused")).hiddenUnits(hiddenUnits).epochs(epochs)
        .seed(seed).constraints(List.of()).adaptationSettings(settings).build();
  }

  /** Trains the parent on {@code window} (oldest first; its newest 20% held out). */
  public static Parent trainParent(List<LabelledEvent> window, TrainerConfig config) {
    LabelledData data = LabelledData.split(window, config.heldOutFraction());
    Architecture architecture = NetworkTraining.architecture(RetrainingRun.featureNames(window), data.train(),
        data.numClasses(), config.hiddenUnits());
    NetworkTraining.Result result = NetworkTraining.train("parent", data, unconstrained(architecture), config,
        NetworkTraining.EpochListener.QUIET);
    return new Parent(architecture, result.artifact(), window, result.seconds());
  }

  /** Accuracy of {@code parent} on {@code events}. */
  public static double accuracy(Parent parent, List<LabelledEvent> events) {
    return accuracy(parent.architecture(), parent.artifact(), events);
  }

  /**
   * Adapts {@code parent} to {@code window} with {@code strategy} (one of {@link #STRATEGIES}),
   * scoring the result on {@code newConcept} and {@code oldConcept}.
   */
  public static Report adapt(String strategy, Parent parent, List<LabelledEvent> window,
      List<LabelledEvent> newConcept, List<LabelledEvent> oldConcept, TrainerConfig config) {
    if (!STRATEGIES.contains(strategy)) {
      throw new IllegalArgumentException("unknown strategy '" + strategy + "'; known: " + STRATEGIES);
    }
    long started = System.nanoTime();
    LabelledData data = LabelledData.split(window, config.heldOutFraction());
    Architecture fresh = NetworkTraining.architecture(parent.architecture().getInputFeatures(), data.train(),
        parent.architecture().getNumClasses(), parent.architecture().getHiddenUnits());
    NetworkTraining.EpochListener quiet = NetworkTraining.EpochListener.QUIET;
    NetworkTraining.Result result;
    Map<String, Double> figures = Map.of();
    if (strategy.equals("retrain")) {
      result = NetworkTraining.train("retrain", data, unconstrained(fresh), config, quiet);
    } else if (strategy.startsWith("fine-tune:")) {
      result = NetworkTraining.train(strategy, data, unconstrained(parent.architecture()), config,
          new NetworkTraining.Start(parent.artifact(), FineTuneScope.named(strategy.substring("fine-tune:".length()))),
          quiet);
    } else {
      AdaptationStrategy.Adapted adapted = AdaptationStrategy.named(strategy).adapt(
          new AdaptationStrategy.Parent("parent", parent.architecture(), parent.artifact()), data,
          parent.window(), fresh, new ConstraintCheck(List.of(), LatencyProbe.standard()), config, quiet);
      result = adapted.result();
      figures = adapted.metrics();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Report(strategy, config.seed(), accuracy(result.architecture(), result.artifact(), newConcept),
        accuracy(result.architecture(), result.artifact(), oldConcept), NetworkCost.parameters(result.architecture()),
        seconds, Map.copyOf(figures));
  }

  private static double accuracy(Architecture architecture, byte[] artifact, List<LabelledEvent> events) {
    try (Model model = ModelFormat.load("scored", architecture, artifact)) {
      return NetworkTraining.accuracy(model, architecture, events);
    }
  }

  private static ConstraintCheck.Result unconstrained(Architecture architecture) {
    return new ConstraintCheck(List.of(), LatencyProbe.standard()).check(architecture);
  }
}
