package dev.plasticity.trainer.search;

import dev.plasticity.trainer.network.ConstraintCheck;
import java.util.Optional;

/**
 * A controller-guided search (Zoph and Le 2017, "Neural Architecture Search with Reinforcement
 * Learning", ICLR; Pham, Guan, Zoph, Le and Dean 2018, "Efficient Neural Architecture Search via
 * Parameter Sharing", ICML): a {@link ControllerPolicy} samples each candidate decision by
 * decision; the reward is the candidate's validation score after the full epoch budget, or {@code
 * refusalReward} for a sample that breaks a constraint (checked first, never trained); each reward
 * takes one REINFORCE step against a {@link RewardBaseline} with an entropy bonus, so later
 * samples favour the choices that scored above the average. The serving champion is trained
 * first, like every strategy's seed; its score starts the baseline and does not move the policy
 * (it need not lie in the space).
 *
 * <p>Parameter sharing: as in random search, evolution and Hyperband, each candidate {@link
 * ArchitectureSearch} trains starts from the champion's weights where they fit ({@code
 * WeightInheritance}: Net2Net growth where exact, else the overlapping slices). Candidates share no weights with each other (no ENAS
 * super-network, nor inheritance from the best so far): a candidate that inherited trained weights
 * from an earlier one would score by the search's order as well as by its architecture, and the
 * controller's reward would credit the wrong choices.
 *
 * @param learningRate the step on the logits per unit of scaled advantage, positive
 * @param baselineDecay the baseline's weight of the past, in [0, 1)
 * @param entropyWeight the weight of the entropy bonus, at least 0
 * @param refusalReward the reward of a sample that breaks a constraint
 */
record ControllerSearch(double learningRate, double baselineDecay, double entropyWeight, double refusalReward)
    implements SearchStrategy {
  static final double DEFAULT_LEARNING_RATE = 0.2;
  static final double DEFAULT_BASELINE_DECAY = 0.8;
  static final double DEFAULT_ENTROPY_WEIGHT = 0.05;
  static final double DEFAULT_REFUSAL_REWARD = 0.0;

  ControllerSearch {
    if (!(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new IllegalArgumentException("learningRate must be positive, was " + learningRate);
    }
    if (!(baselineDecay >= 0 && baselineDecay < 1)) {
      throw new IllegalArgumentException("baselineDecay must be in [0, 1), was " + baselineDecay);
    }
    if (!(entropyWeight >= 0 && Double.isFinite(entropyWeight))) {
      throw new IllegalArgumentException("entropyWeight must be at least 0, was " + entropyWeight);
    }
    if (!Double.isFinite(refusalReward)) {
      throw new IllegalArgumentException("refusalReward must be finite, was " + refusalReward);
    }
  }

  /** The controller with its default settings. */
  static ControllerSearch defaults() {
    return new ControllerSearch(DEFAULT_LEARNING_RATE, DEFAULT_BASELINE_DECAY, DEFAULT_ENTROPY_WEIGHT,
        DEFAULT_REFUSAL_REWARD);
  }

  @Override
  public String name() {
    return "controller";
  }

  @Override
  public SearchResult search(SearchRun run) {
    ControllerPolicy policy = new ControllerPolicy(run.space(), run.inputs());
    RewardBaseline baseline = new RewardBaseline(baselineDecay);
    Optional<ConstraintCheck.Result> champion = run.seed();
    if (champion.isPresent()) {
      baseline.observe(run.train(champion.get(), run.budget().maxEpochs()).score());
    }
    int refusedInARow = 0;
    while (!run.exhausted()) {
      ControllerPolicy.Sample sample = policy.sample(run.random());
      Optional<ConstraintCheck.Result> candidate = run.feasible(sample.architecture());
      double reward;
      if (candidate.isPresent()) {
        reward = run.train(candidate.get(), run.budget().maxEpochs()).score();
        refusedInARow = 0;
      } else if (run.exhausted()) {
        break; // checking it spent the budget: not a refusal to learn from
      } else {
        reward = refusalReward;
        if (++refusedInARow >= SearchRun.MAX_DRAWS_PER_CANDIDATE) {
          run.stopAfterRefusals();
          break;
        }
      }
      policy.reinforce(sample, baseline.observe(reward), learningRate, entropyWeight);
    }
    return run.result(name());
  }
}
