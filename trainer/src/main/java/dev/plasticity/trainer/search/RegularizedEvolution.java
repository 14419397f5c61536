package dev.plasticity.trainer.search;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.network.ConstraintCheck;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Regularised ("aging") evolution (Real, Aggarwal, Huang and Le 2019, "Regularized Evolution for
 * Image Classifier Architecture Search", AAAI): a population of {@code populationSize} trained
 * candidates, the seed architecture among the first; each cycle samples {@code sampleSize} of
 * them, mutates the best of the sample ({@link SearchSpace#mutate}), trains the child, adds it and
 * removes the <em>oldest</em> member, so that a lucky score cannot dominate forever. Every
 * candidate is trained for the full epoch budget.
 *
 * @param populationSize candidates alive at once, at least 2
 * @param sampleSize candidates compared to pick a parent, from 1 to populationSize
 */
record RegularizedEvolution(int populationSize, int sampleSize) implements SearchStrategy {
  static final int DEFAULT_POPULATION = 8;
  static final int DEFAULT_SAMPLE = 3;
  /** Mutations of one parent that may break a constraint before the cycle takes a fresh sample. */
  static final int MUTATION_ATTEMPTS = 20;

  RegularizedEvolution {
    if (populationSize < 2) {
      throw new IllegalArgumentException("populationSize must be at least 2, was " + populationSize);
    }
    if (sampleSize < 1 || sampleSize > populationSize) {
      throw new IllegalArgumentException("sampleSize must be in [1, populationSize=" + populationSize + "], was " + sampleSize);
    }
  }

  @Override
  public String name() {
    return "evolution";
  }

  @Override
  public SearchResult search(SearchRun run) {
    Deque<SearchTrial> population = new ArrayDeque<>();
    while (population.size() < populationSize && !run.exhausted()) {
      Optional<ConstraintCheck.Result> candidate = run.draw();
      if (candidate.isEmpty()) {
        return run.result(name());
      }
      population.addLast(run.train(candidate.get(), run.budget().maxEpochs()));
    }
    while (!run.exhausted()) {
      SearchTrial parent = bestOfSample(population, run);
      Optional<ConstraintCheck.Result> child = Optional.empty();
      for (int attempt = 0; attempt < MUTATION_ATTEMPTS && child.isEmpty() && !run.exhausted(); attempt++) {
        Architecture mutated = run.space().mutate(parent.candidate().candidate(), run.random());
        child = run.feasible(mutated);
      }
      if (child.isEmpty()) {
        child = run.draw(); // the parent's neighbourhood is outside the constraints: start afresh
        if (child.isEmpty()) {
          break;
        }
      }
      population.addLast(run.train(child.get(), run.budget().maxEpochs()));
      population.removeFirst();
    }
    return run.result(name());
  }

  private SearchTrial bestOfSample(Deque<SearchTrial> population, SearchRun run) {
    List<SearchTrial> members = new ArrayList<>(population);
    SearchTrial best = null;
    for (int i = 0; i < sampleSize; i++) { // without replacement: a partial Fisher-Yates shuffle
      int j = i + run.random().nextInt(members.size() - i);
      SearchTrial picked = members.get(j);
      members.set(j, members.get(i));
      members.set(i, picked);
      if (best == null || SearchResult.BETTER_FIRST.compare(picked, best) < 0) {
        best = picked;
      }
    }
    return best;
  }
}
