package dev.plasticity.trainer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.SearchAlgorithm;
import dev.plasticity.trainer.SearchBudget;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.LatencyProbes;
import dev.plasticity.trainer.network.NetworkCost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The strategies against a made-up, deterministic score (no training): what they try, in which
 * order, for how many epochs, and what they refuse to train.
 */
class SearchStrategiesTest {
  private static final Architecture INPUTS = SearchSpaceTest.INPUTS;
  private static final Architecture CHAMPION = Architecture.newBuilder(INPUTS).setHiddenUnits(List.of(16)).build();
  /** Limits on counts only: nothing is built to time it, so these tests need no DJL engine. */
  private static final List<Constraint> COUNTS = List.of(new Constraint.MaxParameters(1_000_000),
      new Constraint.MaxMultiplyAdds(1_000_000));
  private static final List<SearchStrategy> ALL = List.of(SearchStrategy.of(SearchAlgorithm.RANDOM),
      SearchStrategy.of(SearchAlgorithm.EVOLUTION),
      SearchStrategy.of(SearchAlgorithm.HYPERBAND),
      SearchStrategy.of(SearchAlgorithm.CONTROLLER));

  /** A smooth made-up accuracy: wider helps up to 96 units in all, 2 layers is best, more epochs help. */
  static double madeUpScore(Architecture a, int epochs) {
    int units = a.getHiddenUnits().stream().mapToInt(Integer::intValue).sum();
    double capacity = 1 - Math.abs(Math.log((double) units / 96)) / 4;
    double depth = 1 - 0.05 * Math.abs(a.getHiddenUnits().size() - 2);
    double activation = "relu".equals(a.getActivation()) ? 1.0 : 0.98;
    return 0.5 + 0.45 * capacity * depth * activation * (1 - Math.pow(0.5, epochs));
  }

  /** Trains nothing; records what it was asked to train and moves a fake clock one second per call. */
  static final class RecordingTrainer implements CandidateTrainer {
    final List<ConstraintCheck.Result> trained = new ArrayList<>();
    final List<Integer> epochs = new ArrayList<>();
    final AtomicLong clock;

    RecordingTrainer(AtomicLong clock) {
      this.clock = clock;
    }

    @Override
    public double trainAndScore(ConstraintCheck.Result candidate, int epochs) {
      trained.add(candidate);
      this.epochs.add(epochs);
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
      return madeUpScore(candidate.candidate(), epochs);
    }
  }

  private static SearchResult search(SearchStrategy strategy, long seed, List<Constraint> constraints,
      SearchBudget budget, RecordingTrainer trainer) {
    ConstraintCheck check = new ConstraintCheck(constraints, LatencyProbes.ticking(Duration.ofNanos(50_000)));
    SearchRun run = new SearchRun(SearchSpace.tabular(), INPUTS, CHAMPION, check, trainer, budget, new Random(seed),
        trainer.clock::get, SearchListener.NONE);
    return strategy.search(run);
  }

  private static SearchBudget candidates(int n, int epochs) {
    return new SearchBudget(Duration.ofHours(1), n, epochs);
  }

  @Test
  void theSameSeedGivesTheSameSearchForEveryStrategy() {
    for (SearchStrategy strategy : ALL) {
      SearchResult one = search(strategy, 5, COUNTS, candidates(30, 9), new RecordingTrainer(new AtomicLong()));
      SearchResult two = search(strategy, 5, COUNTS, candidates(30, 9), new RecordingTrainer(new AtomicLong()));
      assertThat(describe(two)).as(strategy.name()).isEqualTo(describe(one));
      SearchResult other = search(strategy, 6, COUNTS, candidates(30, 9), new RecordingTrainer(new AtomicLong()));
      assertThat(describe(other)).as(strategy.name() + " with another seed").isNotEqualTo(describe(one));
    }
  }

  private static List<String> describe(SearchResult result) {
    return result.trials().stream()
        .map(t -> ModelFormat.describe(t.candidate().candidate()) + " x" + t.epochs() + " = " + t.score())
        .toList();
  }

  @Test
  void noStrategyTrainsACandidateThatBreaksAConstraint() {
    Constraint small = new Constraint.MaxParameters(3_000);
    for (SearchStrategy strategy : ALL) {
      RecordingTrainer trainer = new RecordingTrainer(new AtomicLong());
      SearchResult result = search(strategy, 11, List.of(small), candidates(40, 9), trainer);
      assertThat(trainer.trained).as(strategy.name()).isNotEmpty()
          .allSatisfy(c -> assertThat(NetworkCost.parameters(c.candidate())).isLessThanOrEqualTo(3_000));
      assertThat(result.rejected()).as(strategy.name() + " met candidates that are too big").isNotEmpty()
          .allSatisfy(r -> assertThat(NetworkCost.parameters(r.candidate())).isGreaterThan(3_000));
    }
  }

  @Test
  void theServingChampionIsTheFirstCandidate() {
    for (SearchStrategy strategy : ALL) {
      SearchResult result = search(strategy, 3, COUNTS, candidates(10, 9), new RecordingTrainer(new AtomicLong()));
      assertThat(result.trials().get(0).candidate().candidate()).as(strategy.name()).isEqualTo(CHAMPION);
    }
  }

  @Test
  void hyperbandTrainsManyCandidatesBrieflyAndPromotesTheBest() {
    RecordingTrainer trainer = new RecordingTrainer(new AtomicLong());
    // R = 9, eta = 3: bracket 2 is 9 x 1 epoch, 3 x 3, 1 x 9; bracket 1 is 5 x 3, 1 x 9; bracket 0 is 3 x 9
    SearchResult result = search(new Hyperband(3), 1, COUNTS, candidates(13 + 6 + 3, 9), trainer);
    assertThat(trainer.epochs).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 9, 3, 3, 3, 3, 3, 9, 9, 9, 9);
    List<SearchTrial> firstRung = result.trials().subList(0, 9);
    List<SearchTrial> promoted = result.trials().subList(9, 12);
    List<Architecture> bestThree = firstRung.stream().sorted(SearchResult.BETTER_FIRST).limit(3)
        .map(t -> t.candidate().candidate()).toList();
    assertThat(promoted).extracting(t -> t.candidate().candidate()).containsExactlyInAnyOrderElementsOf(bestThree);
    assertThat(result.trials().get(12).candidate().candidate())
        .isEqualTo(promoted.stream().min(SearchResult.BETTER_FIRST).orElseThrow().candidate().candidate());
  }

  @Test
  void evolutionBreedsEachChildFromAMemberOfThePopulationByOneMutation() {
    RecordingTrainer trainer = new RecordingTrainer(new AtomicLong());
    SearchResult result = search(new RegularizedEvolution(5, 2), 9, COUNTS, candidates(25, 4), trainer);
    assertThat(result.trials()).hasSize(25);
    for (int i = 5; i < 25; i++) {
      Architecture child = result.trials().get(i).candidate().candidate();
      List<Architecture> earlier = result.trials().subList(i - 5, i).stream().map(t -> t.candidate().candidate()).toList();
      assertThat(earlier.stream().anyMatch(parent -> decisionsApart(parent, child) <= 1))
          .as("trial %d %s is one mutation from the population %s", i, ModelFormat.describe(child), earlier).isTrue();
    }
  }

  /** How many of depth/width, activation, normalisation, dropout and residual differ. */
  private static int decisionsApart(Architecture a, Architecture b) {
    List<Integer> x = a.getHiddenUnits();
    List<Integer> y = b.getHiddenUnits();
    int layers = 0;
    if (x.size() == y.size()) {
      for (int i = 0; i < x.size(); i++) {
        layers += x.get(i).equals(y.get(i)) ? 0 : 1;
      }
    } else {
      layers = Math.abs(x.size() - y.size()) == 1 ? 1 : 2;
    }
    int others = (a.getActivation().equals(b.getActivation()) ? 0 : 1)
        + (a.getNormalization().equals(b.getNormalization()) ? 0 : 1)
        + (a.getDropout() == b.getDropout() ? 0 : 1);
    int residual = a.getResidual() == b.getResidual() ? 0 : 1;
    // a removed or changed layer can end a residual setting on its own: count that with the layer
    return layers + others + (layers > 0 ? 0 : residual);
  }

  @Test
  void theWallTimeBudgetStopsTheSearchBetweenTrainings() {
    RecordingTrainer trainer = new RecordingTrainer(new AtomicLong());
    SearchResult result = search(new RandomSearch(), 2, COUNTS,
        new SearchBudget(Duration.ofSeconds(5), 1_000, 3), trainer);
    assertThat(result.trials()).hasSize(5);
    assertThat(result.stoppedBecause()).contains("wall-time");
  }

  @Test
  void aBudgetSpentMeasuringLatencyEndsTheSearchWithoutTrainingTheMeasuredCandidate() {
    for (SearchStrategy strategy : ALL) {
      AtomicLong clock = new AtomicLong();
      RecordingTrainer trainer = new RecordingTrainer(clock);
      // every latency reading moves the search's own clock 100 ms: a check costs 2.2 s of its budget
      LatencyProbe slowProbe = LatencyProbes.reading(() -> clock.addAndGet(Duration.ofMillis(100).toNanos()));
      ConstraintCheck check = new ConstraintCheck(List.of(new Constraint.MaxLatency(Duration.ofSeconds(1),
          Duration.ofSeconds(2))), slowProbe);
      SearchRun run = new SearchRun(SearchSpace.tabular(), INPUTS, CHAMPION, check, trainer,
          new SearchBudget(Duration.ofSeconds(10), 1_000, 3), new Random(8), clock::get, SearchListener.NONE);
      SearchResult result = strategy.search(run);
      assertThat(result.stoppedBecause()).as(strategy.name()).contains("wall-time");
      assertThat(result.trials()).as(strategy.name()).isNotEmpty().hasSizeLessThan(5);
    }
  }

  @Test
  void theBestTrialIsTheHighestScoreAndTheFrontTradesScoreForCost() {
    SearchResult result = search(new RandomSearch(), 4, COUNTS, candidates(40, 6),
        new RecordingTrainer(new AtomicLong()));
    double top = result.trials().stream().mapToDouble(SearchTrial::score).max().orElseThrow();
    assertThat(result.best().orElseThrow().score()).isEqualTo(top);
    List<SearchTrial> front = result.paretoFront();
    assertThat(front).isNotEmpty().contains(result.best().orElseThrow());
    for (SearchTrial t : front) {
      assertThat(result.trials()).noneMatch(o -> o.score() >= t.score() && o.cost() <= t.cost()
          && (o.score() > t.score() || o.cost() < t.cost()));
    }
    for (int i = 1; i < front.size(); i++) { // cheaper first, and each step up in cost buys score
      assertThat(front.get(i).cost()).isGreaterThan(front.get(i - 1).cost());
      assertThat(front.get(i).score()).isGreaterThan(front.get(i - 1).score());
    }
  }

  @Test
  void aMutationStaysInTheSpaceAndChangesTheNetwork() {
    SearchSpace space = SearchSpace.tabular();
    Random random = new Random(21);
    Map<Boolean, Long> changed = new java.util.HashMap<>();
    for (int i = 0; i < 500; i++) {
      Architecture parent = space.sample(random, INPUTS);
      Architecture child = space.mutate(parent, random);
      assertThat(space.contains(child)).as(ModelFormat.describe(child)).isTrue();
      assertThat(child.getInputFeatures()).isEqualTo(INPUTS.getInputFeatures());
      changed.merge(!child.equals(parent), 1L, Long::sum);
      assertThat(decisionsApart(parent, child)).isLessThanOrEqualTo(1);
    }
    assertThat(changed.getOrDefault(false, 0L)).as("mutations that changed nothing").isZero();
  }

  @Test
  void strategiesAreNamedAndCheckTheirSettings() {
    assertThat(ALL.stream().map(SearchStrategy::name).collect(Collectors.toList()))
        .containsExactly("random", "evolution", "hyperband", "controller");
    assertThatThrownBy(() -> Strategy.parse("search:grid")).hasMessageContaining("search:random, search:evolution,"
        + " search:hyperband, search:gradient, search:controller");
    assertThatThrownBy(() -> new RegularizedEvolution(4, 5)).hasMessageContaining("sampleSize");
    assertThatThrownBy(() -> new Hyperband(1)).hasMessageContaining("eta");
    assertThatThrownBy(() -> new ControllerSearch(0.2, 1.0, 0.05, 0)).hasMessageContaining("baselineDecay");
    assertThatThrownBy(() -> new ControllerSearch(0, 0.8, 0.05, 0)).hasMessageContaining("learningRate");
  }
}
