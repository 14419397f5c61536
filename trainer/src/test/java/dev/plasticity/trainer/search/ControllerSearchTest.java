package dev.plasticity.trainer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.SearchBudget;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LatencyProbes;
import dev.plasticity.trainer.network.NetworkCost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The REINFORCE controller's policy, its baseline, and its search against made-up scores (no training). */
class ControllerSearchTest {
  private static final Architecture INPUTS = SearchSpaceTest.INPUTS;
  private static final int TANH = ModelFormat.ACTIVATIONS.indexOf("tanh");

  /** Trains {@code policy} on a reward of 1 for tanh networks and 0 for the rest. */
  private static void rewardTanh(ControllerPolicy policy, int samples, double entropyWeight, long seed) {
    Random random = new Random(seed);
    RewardBaseline baseline = new RewardBaseline(0.8);
    for (int i = 0; i < samples; i++) {
      ControllerPolicy.Sample sample = policy.sample(random);
      double reward = "tanh".equals(sample.architecture().getActivation()) ? 1 : 0;
      policy.reinforce(sample, baseline.observe(reward), 0.2, entropyWeight);
    }
  }

  @Test
  void thePolicyMovesProbabilityTowardsTheRewardedChoice() {
    ControllerPolicy policy = new ControllerPolicy(SearchSpace.tabular(), INPUTS);
    double[] before = policy.activation.probabilities();
    assertThat(before[TANH]).isEqualTo(1.0 / ModelFormat.ACTIVATIONS.size());

    rewardTanh(policy, 60, 0.05, 1);

    double[] after = policy.activation.probabilities();
    assertThat(after[TANH]).isGreaterThan(0.5);
    for (int k = 0; k < after.length; k++) {
      if (k != TANH) {
        assertThat(after[k]).as(ModelFormat.ACTIVATIONS.get(k)).isLessThan(before[k]);
      }
    }
  }

  @Test
  void theEntropyBonusKeepsTheOtherChoicesReachable() {
    ControllerPolicy greedy = new ControllerPolicy(SearchSpace.tabular(), INPUTS);
    ControllerPolicy curious = new ControllerPolicy(SearchSpace.tabular(), INPUTS);
    rewardTanh(greedy, 200, 0, 4);
    rewardTanh(curious, 200, 0.5, 4);
    assertThat(curious.activation.entropy()).isGreaterThan(greedy.activation.entropy());
    assertThat(least(curious.activation)).isGreaterThan(least(greedy.activation));
  }

  private static double least(ControllerPolicy.Decision decision) {
    return Arrays.stream(decision.probabilities()).min().orElseThrow();
  }

  @Test
  void theBaselineTracksTheRewardsAsAMovingAverage() {
    RewardBaseline baseline = new RewardBaseline(0.8);
    assertThat(baseline.observe(0.5)).as("nothing to compare the first reward with").isZero();
    assertThat(baseline.value()).isEqualTo(0.5);
    for (int k = 1; k <= 10; k++) {
      double advantage = baseline.observe(0.9);
      assertThat(advantage).isPositive();
      assertThat(baseline.value()).isCloseTo(0.9 - 0.4 * Math.pow(0.8, k), offset(1e-12));
    }
    assertThat(baseline.observe(0.1)).as("a reward below the average").isEqualTo(-RewardBaseline.MAX_ADVANTAGE);
    assertThat(baseline.observed()).isEqualTo(12);
    assertThatThrownBy(() -> new RewardBaseline(1.0)).hasMessageContaining("decay must be in [0, 1)");
  }

  @Test
  void everySampleIsANetworkOfTheSpaceAndRecordsTheDecisionsThatShapedIt() {
    for (SearchSpace space : List.of(SearchSpace.tabular(),
        new SearchSpace(2, 3, List.of(8), List.of("gelu"), List.of("layer", "none"), List.of(0.2), List.of(true)))) {
      ControllerPolicy policy = new ControllerPolicy(space, INPUTS);
      Random random = new Random(13);
      for (int i = 0; i < 300; i++) {
        ControllerPolicy.Sample sample = policy.sample(random);
        Architecture network = sample.architecture();
        assertThat(space.contains(network)).as(ModelFormat.describe(network)).isTrue();
        assertThat(network.getInputFeatures()).isEqualTo(INPUTS.getInputFeatures());
        assertThat(network.getNumClasses()).isEqualTo(INPUTS.getNumClasses());
        int depth = network.getHiddenUnits().size();
        int residual = SearchSpace.hasEqualNeighbours(network.getHiddenUnits()) ? 1 : 0;
        assertThat(sample.choices()).hasSize(1 + depth + 3 + residual);
        policy.reinforce(sample, random.nextGaussian(), 0.5, 0.05); // any policy samples the space
      }
    }
  }

  private static SearchResult search(ControllerSearch controller, List<Constraint> constraints, int candidates,
      long seed, List<String> events) {
    SearchStrategiesTest.RecordingTrainer trainer = new SearchStrategiesTest.RecordingTrainer(new AtomicLong());
    ConstraintCheck check = new ConstraintCheck(constraints, LatencyProbes.ticking(Duration.ofNanos(50_000)));
    SearchListener listener = new SearchListener() {
      @Override
      public void onTrial(SearchTrial trial, SearchTrial best, double budgetUsed) {
        events.add("trained");
      }

      @Override
      public void onRejected(ConstraintCheck.Result rejected) {
        events.add("refused");
      }
    };
    SearchRun run = new SearchRun(SearchSpace.tabular(), INPUTS, null, check, trainer,
        new SearchBudget(Duration.ofHours(1), candidates, 3), new Random(seed), trainer.clock::get, listener);
    SearchResult result = controller.search(run);
    assertThat(trainer.trained).as("what the trainer was given").hasSize(result.trials().size());
    return result;
  }

  @Test
  void refusedSamplesAreNeverTrainedAndTheControllerLearnsToAvoidThem() {
    List<Constraint> small = List.of(new Constraint.MaxParameters(1_000));
    List<String> events = new ArrayList<>();
    SearchResult result = search(ControllerSearch.defaults(), small, 60, 2, events);

    assertThat(result.trials()).hasSize(60)
        .allSatisfy(t -> assertThat(NetworkCost.parameters(t.candidate().candidate())).isLessThanOrEqualTo(1_000));
    assertThat(result.rejected()).isNotEmpty()
        .allSatisfy(r -> assertThat(NetworkCost.parameters(r.candidate())).isGreaterThan(1_000));
    int half = events.size() / 2;
    long early = events.subList(0, half).stream().filter("refused"::equals).count();
    long late = events.subList(half, events.size()).stream().filter("refused"::equals).count();
    assertThat(late).as("refusals in the second half of %d samples, %d in the first", events.size(), early)
        .isLessThan(early / 2);
  }

  @Test
  void laterCandidatesScoreHigherThanUniformSamplesOnTheMadeUpScore() {
    List<Constraint> counts = List.of(new Constraint.MaxParameters(1_000_000));
    for (long seed = 1; seed <= 3; seed++) {
      SearchResult controller = search(ControllerSearch.defaults(), counts, 80, seed, new ArrayList<>());
      SearchResult uniform = search(new ControllerSearch(1e-12, 0.8, 0, 0), counts, 80, seed, new ArrayList<>());
      assertThat(meanOfLast(controller, 30)).as("seed %d", seed).isGreaterThan(meanOfLast(uniform, 30));
    }
  }

  private static double meanOfLast(SearchResult result, int n) {
    List<SearchTrial> trials = result.trials();
    return trials.subList(trials.size() - n, trials.size()).stream().mapToDouble(SearchTrial::score).average()
        .orElseThrow();
  }
}
