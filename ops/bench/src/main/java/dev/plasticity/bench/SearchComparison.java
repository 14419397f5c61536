package dev.plasticity.bench;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.OfflineTraining;
import dev.plasticity.trainer.SearchAlgorithm;
import dev.plasticity.trainer.SearchBudget;
import dev.plasticity.trainer.TrainingSettings;
import java.time.Duration;
import java.util.List;

/**
 * One architecture search on a fixed set of labelled events, outside any Kafka or registry: what
 * the search benchmark uses to compare algorithms at the same budget. The newest 20% of the
 * events are held out; the search validates on the newest 20% of the rest; the best network is
 * scored on the held-out events. Stateless.
 */
final class SearchComparison {
  private SearchComparison() {}

  /**
   * What one search achieved.
   *
   * @param strategy the algorithm's name
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
  record Report(String strategy, long seed, int trained, int refused, double bestValidation, double bestHeldOut,
      String bestNetwork, long bestParameters, boolean withinConstraints, double seconds) {}

  /** Runs {@code algorithm} over the tabular search space on {@code events}, oldest first. */
  static Report run(SearchAlgorithm algorithm, List<LabelledEvent> events, List<Constraint> constraints,
      Duration wallTime, int maxCandidates, int maxEpochs, int seed) {
    OfflineTraining.SearchOutcome outcome = OfflineTraining.search("search-" + algorithm.wireName(), algorithm, events,
        constraints, new SearchBudget(wallTime, maxCandidates, maxEpochs), TrainingSettings.DEFAULTS.withSeed(seed));
    return outcome.best()
        .map(best -> new Report(algorithm.wireName(), seed, outcome.trained(), outcome.refused(),
            outcome.bestValidation(), best.heldOutAccuracy(), ModelFormat.describe(best.architecture()),
            best.parameters(), outcome.withinConstraints(), outcome.seconds()))
        .orElseGet(() -> new Report(algorithm.wireName(), seed, 0, outcome.refused(), Double.NaN, Double.NaN, "none", 0,
            outcome.withinConstraints(), outcome.seconds()));
  }
}
