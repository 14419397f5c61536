package dev.plasticity.trainer;

import ai.djl.Model;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.network.CategoryVocabulary;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkCost;
import dev.plasticity.trainer.network.NetworkTraining;
import dev.plasticity.trainer.run.RetrainingRun;
import dev.plasticity.trainer.search.ArchitectureSearch;
import dev.plasticity.trainer.search.SearchListener;
import dev.plasticity.trainer.search.SearchResult;
import dev.plasticity.trainer.search.SearchSpace;
import dev.plasticity.trainer.search.SearchTrial;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The trainer's algorithms on labelled events held in memory, without Kafka, a registry or a
 * policy: train a network, carry out a {@link Strategy} on a parent, run an architecture search,
 * score a network. This is the trainer's public face for benchmarks and tools (the comparisons in
 * {@code ops/bench}); a service run goes through the same algorithms. No constraints apply except
 * those a search is given. Every window is oldest first; its newest share ({@link
 * TrainingSettings#heldOutFraction()}) is held out, as a run does. Stateless and thread-safe (DJL
 * training itself is seeded from the settings).
 */
public final class OfflineTraining {
  private OfflineTraining() {}

  /**
   * A trained network.
   *
   * @param architecture its network and input scaling
   * @param artifact its parameters
   * @param heldOutAccuracy its accuracy on the newest share of the window it was trained on
   * @param seconds wall time of the training, reference work (Fisher, weights, teacher) included
   * @param figures a strategy's own figures (e.g. {@code ewc_lambda}, {@code importance_ess}); empty for others
   */
  public record Network(Architecture architecture, byte[] artifact, double heldOutAccuracy, double seconds,
      Map<String, Double> figures) {
    public Network {
      Objects.requireNonNull(architecture, "architecture");
      Objects.requireNonNull(artifact, "artifact");
      figures = Map.copyOf(figures);
    }

    /** Its parameter count. */
    public long parameters() {
      return NetworkCost.parameters(architecture);
    }
  }

  /** A fresh network of {@code settings}' hidden units trained on {@code window}. */
  public static Network train(String name, List<LabelledEvent> window, TrainingSettings settings) {
    long started = System.nanoTime();
    LabelledData data = LabelledData.split(window, settings.heldOutFraction());
    Architecture architecture = Architecture.newBuilder(NetworkTraining.architecture(
        RetrainingRun.featureNames(window), data.train(), data.numClasses(), settings.hiddenUnits()))
        .setCategoricalFeatures(CategoryVocabulary.fit(CategoryVocabulary.featureNames(window), data.train(),
            CategoryVocabulary.DEFAULT_CAP))
        .build();
    return network(NetworkTraining.train(name, data, unconstrained(architecture), settings,
        NetworkTraining.EpochListener.QUIET), Map.of(), started);
  }

  /**
   * Carries out {@code strategy} on {@code parent}, trained on {@code parentWindow}, with the
   * events of {@code window}: what a run with that strategy trains, outside the service.
   *
   * @throws IllegalArgumentException for a search: {@link #search} runs those
   */
  public static Network adapt(Strategy strategy, Network parent, List<LabelledEvent> parentWindow,
      List<LabelledEvent> window, TrainingSettings settings, AdaptationSettings adaptation) {
    return adapt(strategy, parent, parentWindow, Strategy.LineageWindows.NONE, window, settings, adaptation);
  }

  /**
   * Carries out {@code strategy} on {@code parent}, trained on {@code parentWindow}, with the
   * events of {@code window}, given the windows of the versions its lineage knows (read by a
   * strategy that {@linkplain Strategy.DomainAdaptation#usesLineageWindows uses them}, such as
   * {@code meta-start}).
   *
   * @throws IllegalArgumentException for a search: {@link #search} runs those
   */
  public static Network adapt(Strategy strategy, Network parent, List<LabelledEvent> parentWindow,
      Strategy.LineageWindows lineage, List<LabelledEvent> window, TrainingSettings settings,
      AdaptationSettings adaptation) {
    long started = System.nanoTime();
    LabelledData data = LabelledData.split(window, settings.heldOutFraction());
    Architecture fresh = Architecture.newBuilder(NetworkTraining.architecture(
        parent.architecture().getInputFeatures(), data.train(), parent.architecture().getNumClasses(),
        parent.architecture().getHiddenUnits()))
        .setCategoricalFeatures(parent.architecture().getCategoricalFeatures())
        .build();
    NetworkTraining.EpochListener quiet = NetworkTraining.EpochListener.QUIET;
    return strategy.match(new Strategy.Cases<Network>() {
      @Override
      public Network retrain(Strategy.Retrain retrain) {
        return network(NetworkTraining.train(retrain.wireName(), data, unconstrained(fresh), settings, quiet), Map.of(),
            started);
      }

      @Override
      public Network fineTune(Strategy.FineTune fineTune) {
        return network(NetworkTraining.train(fineTune.wireName(), data, unconstrained(parent.architecture()),
            settings, new NetworkTraining.Start(parent.artifact(), fineTune.scope()), quiet), Map.of(), started);
      }

      @Override
      public Network search(Strategy.Search search) {
        throw new IllegalArgumentException(search.wireName() + " is a search, not an adaptation: run it with search()");
      }

      @Override
      public Network adapt(Strategy.DomainAdaptation adaptationStrategy) {
        Strategy.Adapted adapted = adaptationStrategy.adapt(
            new Strategy.Parent("parent", parent.architecture(), parent.artifact()), data,
            adaptationStrategy.usesReference() ? parentWindow : List.of(),
            adaptationStrategy.usesLineageWindows() ? lineage : Strategy.LineageWindows.NONE, fresh,
            new ConstraintCheck(List.of(), LatencyProbe.standard()), settings, adaptation, quiet);
        if (adapted.result() == null) {
          throw new IllegalStateException(adaptationStrategy.wireName() + " trained nothing: " + adapted.note());
        }
        return network(adapted.result(), adapted.metrics(), started);
      }
    });
  }

  /**
   * What one search found.
   *
   * @param best the best candidate, trained, when any could be trained within the constraints
   * @param bestValidation the best candidate's validation score (NaN when none)
   * @param trained trainings run
   * @param refused candidates refused for breaking a constraint
   * @param withinConstraints whether every trained candidate, checked again afterwards, is within every constraint
   * @param seconds wall time of the search
   */
  public record SearchOutcome(Optional<Network> best, double bestValidation, int trained, int refused,
      boolean withinConstraints, double seconds) {}

  /**
   * Searches the tabular space with {@code algorithm} on {@code events} within {@code budget},
   * every candidate checked against {@code constraints} before it trains.
   */
  public static SearchOutcome search(String name, SearchAlgorithm algorithm, List<LabelledEvent> events,
      List<Constraint> constraints, SearchBudget budget, TrainingSettings settings) {
    LabelledData data = LabelledData.split(events, settings.heldOutFraction());
    Architecture inputs = Architecture.newBuilder(NetworkTraining.architecture(RetrainingRun.featureNames(events),
        data.train(), data.numClasses(), List.of()))
        .setCategoricalFeatures(CategoryVocabulary.fit(CategoryVocabulary.featureNames(events), data.train(),
            CategoryVocabulary.DEFAULT_CAP))
        .build();
    ConstraintCheck check = new ConstraintCheck(constraints, LatencyProbe.standard());
    ArchitectureSearch.Outcome outcome = new ArchitectureSearch(SearchSpace.tabular(), check, settings, algorithm,
        budget).run(name, data, inputs, null, null, SearchListener.NONE);
    SearchResult search = outcome.search();
    boolean within = search.trials().stream().allMatch(t -> constraints.stream()
        .allMatch(c -> c.violation(t.candidate().figures()).isEmpty()));
    Optional<Network> best = Optional.ofNullable(outcome.best()).map(r -> new Network(r.architecture(), r.artifact(),
        r.heldOutAccuracy(), r.seconds(), Map.of()));
    double validation = search.best().map(SearchTrial::score).orElse(Double.NaN);
    return new SearchOutcome(best, validation, best.isEmpty() ? 0 : search.trials().size(), search.rejected().size(),
        within, search.seconds());
  }

  /** Accuracy of {@code network} on {@code events}. */
  public static double accuracy(Network network, List<LabelledEvent> events) {
    try (Model model = ModelFormat.load("scored", network.architecture(), network.artifact())) {
      return NetworkTraining.accuracy(model, network.architecture(), events);
    }
  }

  private static Network network(NetworkTraining.Result result, Map<String, Double> figures, long startedNanos) {
    return new Network(result.architecture(), result.artifact(), result.heldOutAccuracy(),
        (System.nanoTime() - startedNanos) / 1e9, figures);
  }

  private static ConstraintCheck.Result unconstrained(Architecture architecture) {
    return new ConstraintCheck(List.of(), LatencyProbe.standard()).check(architecture);
  }
}
