package dev.plasticity.trainer.search;

import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The policy a {@link ControllerSearch} samples architectures from: one softmax over the choices
 * of each decision of a {@link SearchSpace} (depth, the width of each layer position, activation,
 * normalisation, dropout rate, residual setting), its logits the parameters, all zero at the
 * start, so the first samples are uniform like {@link SearchSpace#sample}. {@link #reinforce}
 * takes one REINFORCE step (Williams 1992, "Simple statistical gradient-following algorithms for
 * connectionist reinforcement learning", Machine Learning 8) on the decisions a sample took, with
 * an entropy bonus (Williams and Peng 1991) that keeps the policy from collapsing onto the first
 * choices that scored well.
 *
 * <p>The decisions are independent (a factorised policy), not the recurrent controller of Zoph and
 * Le or ENAS that conditions each decision on the earlier ones: a search here sees tens of
 * candidates, not thousands, and a few dozen logits learn from that many rewards where an RNN's
 * thousands of weights would not. Not thread-safe; one policy per search.
 */
final class ControllerPolicy {
  /** One decision: a softmax over {@code size} choices with its logits. */
  static final class Decision {
    private final double[] logits;

    Decision(int size) {
      this.logits = new double[size];
    }

    /** The probability of each choice. */
    double[] probabilities() {
      double max = Double.NEGATIVE_INFINITY;
      for (double logit : logits) {
        max = Math.max(max, logit);
      }
      double[] p = new double[logits.length];
      double sum = 0;
      for (int k = 0; k < p.length; k++) {
        p[k] = Math.exp(logits[k] - max);
        sum += p[k];
      }
      for (int k = 0; k < p.length; k++) {
        p[k] /= sum;
      }
      return p;
    }

    /** The entropy of the choice in nats. */
    double entropy() {
      double h = 0;
      for (double p : probabilities()) {
        h -= p > 0 ? p * Math.log(p) : 0;
      }
      return h;
    }

    int sample(Random random) {
      double[] p = probabilities();
      double u = random.nextDouble();
      double cumulative = 0;
      for (int k = 0; k < p.length - 1; k++) {
        cumulative += p[k];
        if (u < cumulative) {
          return k;
        }
      }
      return p.length - 1;
    }

    /**
     * θ_k += rate (advantage (1[k = chosen] − p_k) − entropyWeight p_k (log p_k + H)): the
     * gradient of advantage · log p(chosen) plus entropyWeight · H.
     */
    void step(int chosen, double advantage, double rate, double entropyWeight) {
      double[] p = probabilities();
      double h = entropy();
      for (int k = 0; k < p.length; k++) {
        double logLikelihood = (k == chosen ? 1 : 0) - p[k];
        double entropyGradient = p[k] > 0 ? -p[k] * (Math.log(p[k]) + h) : 0;
        logits[k] += rate * (advantage * logLikelihood + entropyWeight * entropyGradient);
      }
    }
  }

  /** One decision and the choice a sample made there. */
  record Choice(Decision decision, int index) {}

  /**
   * A sampled network and the choices that shaped it: the widths of layers beyond its depth and a
   * residual setting that connects nothing are not among them, since they did not affect the reward.
   */
  record Sample(Architecture architecture, List<Choice> choices) {
    Sample {
      choices = List.copyOf(choices);
    }
  }

  private final SearchSpace space;
  private final Architecture inputs;
  final Decision depth;
  /** One decision per layer position, up to the space's deepest network. */
  final List<Decision> widths;
  final Decision activation;
  final Decision normalization;
  final Decision dropout;
  final Decision residual;

  /** A uniform policy over {@code space}, whose samples carry the inputs, scaling and classes of {@code inputs}. */
  ControllerPolicy(SearchSpace space, Architecture inputs) {
    this.space = Objects.requireNonNull(space, "space");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.depth = new Decision(space.maxDepth() - space.minDepth() + 1);
    List<Decision> layers = new ArrayList<>();
    for (int i = 0; i < space.maxDepth(); i++) {
      layers.add(new Decision(space.widths().size()));
    }
    this.widths = List.copyOf(layers);
    this.activation = new Decision(space.activations().size());
    this.normalization = new Decision(space.normalizations().size());
    this.dropout = new Decision(space.dropouts().size());
    this.residual = new Decision(space.residual().size());
  }

  /** A network of the space drawn from the policy, decision by decision, with the seeded {@code random}. */
  Sample sample(Random random) {
    List<Choice> choices = new ArrayList<>();
    int depthChoice = choose(depth, random, choices);
    int layers = space.minDepth() + depthChoice;
    List<Integer> hidden = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      hidden.add(space.widths().get(choose(widths.get(i), random, choices)));
    }
    String act = space.activations().get(choose(activation, random, choices));
    String norm = space.normalizations().get(choose(normalization, random, choices));
    double rate = space.dropouts().get(choose(dropout, random, choices));
    int skipChoice = residual.sample(random);
    boolean skip = space.residual().get(skipChoice);
    if (SearchSpace.hasEqualNeighbours(hidden)) { // otherwise the setting connects nothing
      choices.add(new Choice(residual, skipChoice));
    }
    return new Sample(SearchSpace.descriptor(inputs, hidden, act, norm, rate, skip), choices);
  }

  private static int choose(Decision decision, Random random, List<Choice> choices) {
    int index = decision.sample(random);
    choices.add(new Choice(decision, index));
    return index;
  }

  /**
   * One REINFORCE step on every decision {@code sample} took: towards its choices when {@code
   * advantage} is positive, away from them when negative, each decision also nudged towards higher
   * entropy by {@code entropyWeight}.
   */
  void reinforce(Sample sample, double advantage, double learningRate, double entropyWeight) {
    for (Choice choice : sample.choices()) {
      choice.decision().step(choice.index(), advantage, learningRate, entropyWeight);
    }
  }
}
