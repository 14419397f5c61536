package dev.plasticity.trainer.search;

import ai.djl.Model;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.CandidateTrial;
import dev.plasticity.trainer.CandidateFigures;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.SearchAlgorithm;
import dev.plasticity.trainer.SearchBudget;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.NetworkTraining;
import dev.plasticity.trainer.network.WeightInheritance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * A constrained architecture search on a run's training events, trained on DJL: the newest share
 * of the training events validates the candidates (the run's held-out events stay unseen for the
 * champion/challenger gate), the champion's network is the first candidate, every candidate
 * starts from the champion's weights where they fit ({@link WeightInheritance}: grown exactly when
 * it is a Net2Net growth, else the overlapping slices), and the best
 * candidate comes back trained, with its score on the held-out events and every candidate for
 * the version's lineage. Not thread-safe; one search per call.
 */
public final class ArchitectureSearch {
  /** What a search produced. */
  public record Outcome(NetworkTraining.Result best, ConstraintCheck.Result bestCandidate, SearchResult search,
      List<String> starts) {
    /** Every candidate in the order considered, trained ones with their score, refused ones with the reason. */
    public List<CandidateTrial> lineage() {
      List<CandidateTrial> all = new ArrayList<>();
      search.trials().forEach(t -> all.add(candidateTrial(t.candidate(), t.epochs(), t.score(), null,
          starts.get(t.index())))); // one start recorded per training
      search.rejected().forEach(r -> all.add(candidateTrial(r, 0, null, r.summary(), null)));
      return all;
    }
  }

  private final SearchSpace space;
  private final ConstraintCheck check;
  private final TrainingSettings config;
  private final SearchStrategy searchStrategy;
  private final SearchBudget budget;

  /**
   * @param config how each candidate trains (batch size, learning rate, seed, held-out share)
   * @param algorithm how the search picks candidates
   */
  public ArchitectureSearch(SearchSpace space, ConstraintCheck check, TrainingSettings config, SearchAlgorithm algorithm,
      SearchBudget budget) {
    this.space = Objects.requireNonNull(space, "space");
    this.check = Objects.requireNonNull(check, "check");
    this.config = Objects.requireNonNull(config, "config");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.searchStrategy = SearchStrategy.of(Objects.requireNonNull(algorithm, "algorithm"));
  }

  /**
   * Searches with this search's strategy and budget.
   *
   * @param data the run's events: candidates learn from and are validated on its training part
   * @param inputs features, their scaling and the classes every candidate shares
   * @param champion the serving version's architecture, tried first; null when none serves
   * @param championArtifact the serving version's parameters, which candidates inherit; null when none serves
   * @return empty best only when no candidate could be trained within the constraints
   */
  public Outcome run(String name, LabelledData data, Architecture inputs, Architecture champion, byte[] championArtifact,
      SearchListener listener) {
    try (Model championModel = champion == null || championArtifact == null ? null
        : ModelFormat.load(name + "-champion", champion, championArtifact)) {
      return run(name, data, inputs, champion, championModel, listener);
    }
  }

  private Outcome run(String name, LabelledData data, Architecture inputs, Architecture champion, Model championModel,
      SearchListener listener) {
    LabelledData searchData = LabelledData.split(data.train(), config.heldOutFraction());
    List<NetworkTraining.Result> results = new ArrayList<>();
    List<String> starts = new ArrayList<>();
    CandidateTrainer trainer = (candidate, epochs) -> {
      NetworkTraining.Start start = NetworkTraining.Start.FRESH;
      if (championModel != null) { // start from the champion's weights where they fit
        try (WeightInheritance.Inherited inherited =
            WeightInheritance.inherit(name, champion, championModel, candidate.candidate(), config.seed())) {
          WeightInheritance.Lineage how = inherited.lineage();
          if (how.kind() != WeightInheritance.Kind.FRESH) {
            start = new NetworkTraining.Start(ModelFormat.saveParameters(inherited.model()), FineTuneScope.ALL);
          }
          starts.add(how.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": "
              + String.join("; ", how.steps()));
        }
      } else {
        starts.add("fresh: no serving version");
      }
      NetworkTraining.Result result = NetworkTraining.train(name, searchData, candidate, config.withEpochs(epochs),
          start, NetworkTraining.EpochListener.QUIET);
      results.add(result);
      return result.heldOutAccuracy();
    };
    SearchRun run = new SearchRun(space, inputs, seedFrom(champion, inputs), check, trainer, budget,
        new Random(config.seed()), System::nanoTime, listener, Optional.of(new SearchData(searchData, config)));
    SearchResult search = searchStrategy.search(run);
    SearchTrial best = search.best().orElse(null);
    if (best == null) {
      return new Outcome(null, null, search, starts);
    }
    NetworkTraining.Result trained = results.get(best.index());
    double heldOut;
    try (Model model = ModelFormat.load(name, trained.architecture(), trained.artifact())) {
      heldOut = NetworkTraining.accuracy(model, trained.architecture(), data.events(), data.trainSize());
    }
    NetworkTraining.Result scored = new NetworkTraining.Result(trained.architecture(), trained.artifact(), heldOut,
        search.seconds(), trained.device());
    return new Outcome(scored, best.candidate(), search, starts);
  }

  /** The champion's network over this run's inputs and scaling, when it reads the same features. */
  static Architecture seedFrom(Architecture champion, Architecture inputs) {
    if (champion == null || !champion.getInputFeatures().equals(inputs.getInputFeatures())
        || champion.getNumClasses() != inputs.getNumClasses()) {
      return null;
    }
    return Architecture.newBuilder(inputs)
        .setHiddenUnits(champion.getHiddenUnits())
        .setActivation(champion.getActivation())
        .setNormalization(champion.getNormalization())
        .setDropout(champion.getDropout())
        .setResidual(champion.getResidual())
        .build();
  }

  private static CandidateTrial candidateTrial(ConstraintCheck.Result candidate, int epochs, Double score,
      String rejection, String start) {
    CandidateFigures figures = candidate.figures();
    return CandidateTrial.newBuilder()
        .setArchitecture(candidate.candidate())
        .setParameters(figures.parameters())
        .setMultiplyAdds(figures.multiplyAdds())
        .setLatencyMedianMicros(figures.latency().map(l -> l.median().toNanos() / 1e3).orElse(null))
        .setLatencyP99Micros(figures.latency().map(l -> l.p99().toNanos() / 1e3).orElse(null))
        .setEpochs(epochs)
        .setScore(score)
        .setRejection(rejection)
        .setStart(start)
        .build();
  }
}
