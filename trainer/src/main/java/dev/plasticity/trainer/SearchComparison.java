package dev.plasticity.trainer;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One architecture search on a fixed set of labelled events, outside any Kafka or registry: what
 * benchmarks use to compare strategies at the same budget. The newest 20% of the events are held
 * out; the search validates on the newest 20% of the rest; the best network is scored on the
 * held-out events.
 */
public final class SearchComparison {
  private SearchComparison() {}

  /**
   * What one search achieved.
   *
   * @param strategy the strategy's name
   * @param seed the seed of the search and of the networks' initialisation
   * @param trained trainings run
   * @param refused candidates refused for breaking a constraint
   * @param bestValidation the best candidate's validation score
   * @param bestHeldOut the best candidate's accuracy on the held-out events
   * @param bestNetwork the best candidate, in words
   * @param bestParameters its parameter count
   * @param withinConstraints whether every trained candidate, checked again afterwards, is within every constraint
   * @param seconds wall time of the search
   */
  public record Report(String strategy, long seed, int trained, int refused, double bestValidation, double bestHeldOut,
      String bestNetwork, long bestParameters, boolean withinConstraints, double seconds) {}

  /**
   * Runs {@code strategy} ({@code random}, {@code evolution} or {@code hyperband}) over the
   * tabular search space on {@code events}, oldest first.
   */
  public static Report run(String strategy, List<LabelledEvent> events, List<Constraint> constraints,
      Duration wallTime, int maxCandidates, int maxEpochs, int seed) {
    TrainerConfig config = TrainerConfig.builder("unused:9092", URI.create("http://unused"))
        .searchStrategy(strategy).searchWallTime(wallTime).searchCandidates(maxCandidates).searchMaxEpochs(maxEpochs)
        .seed(seed).constraints(constraints).build();
    LabelledData data = LabelledData.split(events, config.heldOutFraction());
    List<String> features = RetrainingRun.featureNames(events);
    Architecture inputs = NetworkTraining.architecture(features, data.train(), data.numClasses(), List.of());
    ConstraintCheck check = new ConstraintCheck(constraints, LatencyProbe.standard());
    ArchitectureSearch.Outcome outcome = new ArchitectureSearch(SearchSpace.tabular(), check, config, strategy,
        config.searchBudget())
        .run("search-" + strategy, data, inputs, null, null, SearchListener.NONE);
    SearchResult search = outcome.search();
    boolean within = search.trials().stream().allMatch(t -> constraints.stream()
        .allMatch(c -> c.violation(t.candidate().figures()).isEmpty()));
    if (outcome.best() == null) {
      return new Report(strategy, seed, 0, search.rejected().size(), Double.NaN, Double.NaN, "none", 0, within,
          search.seconds());
    }
    SearchTrial best = search.best().orElseThrow();
    return new Report(strategy, seed, search.trials().size(), search.rejected().size(), best.score(),
        outcome.best().heldOutAccuracy(), ModelFormat.describe(outcome.best().architecture()),
        best.candidate().figures().parameters(), within, search.seconds());
  }
}
