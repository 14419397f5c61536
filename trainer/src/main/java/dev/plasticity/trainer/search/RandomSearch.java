package dev.plasticity.trainer.search;

import dev.plasticity.trainer.network.ConstraintCheck;
import java.util.Optional;

/**
 * Random search (Bergstra and Bengio 2012, "Random Search for Hyper-Parameter Optimization",
 * JMLR 13): the seed architecture, then candidates drawn uniformly from the space, each trained
 * for the full epoch budget. The baseline every other strategy must beat.
 */
record RandomSearch() implements SearchStrategy {
  @Override
  public String name() {
    return "random";
  }

  @Override
  public SearchResult search(SearchRun run) {
    while (!run.exhausted()) {
      Optional<ConstraintCheck.Result> candidate = run.draw();
      if (candidate.isEmpty()) {
        break;
      }
      run.train(candidate.get(), run.budget().maxEpochs());
    }
    return run.result(name());
  }
}
