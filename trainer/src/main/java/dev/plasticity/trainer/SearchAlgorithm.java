package dev.plasticity.trainer;

import java.util.Locale;

/** The architecture search algorithms a {@link Strategy.Search} can run, each with default settings. */
public enum SearchAlgorithm {
  /** Candidates drawn uniformly from the space ({@code RandomSearch}). */
  RANDOM,
  /** Regularized evolution, Real et al. 2019 ({@code RegularizedEvolution}). */
  EVOLUTION,
  /** Hyperband, Li et al. 2018 ({@code Hyperband}). */
  HYPERBAND,
  /** A supernet with architecture weights learned by gradient descent, Liu et al. 2019 ({@code GradientSearch}). */
  GRADIENT,
  /**
   * A softmax policy over the space's decisions trained with REINFORCE on the candidates' scores,
   * Zoph and Le 2017 ({@code ControllerSearch}).
   */
  CONTROLLER;

  /** The name after {@code search:} in a strategy name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
