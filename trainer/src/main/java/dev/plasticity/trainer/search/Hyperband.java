package dev.plasticity.trainer.search;

import dev.plasticity.trainer.network.ConstraintCheck;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh and Talwalkar 2018, "Hyperband: A Novel
 * Bandit-Based Approach to Hyperparameter Optimization", JMLR 18): brackets of successive halving
 * (Jamieson and Talwalkar 2016). With R the budget's epochs and s_max = ⌊log_η R⌋, bracket s
 * (from s_max down to 0) draws n = ⌈(s_max + 1) η^s / (s + 1)⌉ candidates, trains them for R η^−s
 * epochs, keeps the best ⌊n / η⌋, trains those η times longer, and so on until one rung at R
 * epochs. Many candidates get a small budget; only the promising ones get the full one. Brackets
 * repeat until the budget is spent. Each rung trains from scratch, so a rung's score does not
 * depend on earlier rungs.
 *
 * @param eta the halving rate, at least 2
 */
record Hyperband(int eta) implements SearchStrategy {
  static final int DEFAULT_ETA = 3;

  Hyperband {
    if (eta < 2) {
      throw new IllegalArgumentException("eta must be at least 2, was " + eta);
    }
  }

  @Override
  public String name() {
    return "hyperband";
  }

  /** s_max = ⌊log_η R⌋, in integers. */
  int maxBracket(int maxEpochs) {
    int s = 0;
    for (long r = eta; r <= maxEpochs; r *= eta) {
      s++;
    }
    return s;
  }

  /** Candidates bracket {@code s} starts with. */
  int bracketSize(int s, int sMax) {
    long power = 1;
    for (int i = 0; i < s; i++) {
      power *= eta;
    }
    return (int) Math.ceil((double) (sMax + 1) * power / (s + 1));
  }

  /** Epochs of rung {@code i} in bracket {@code s}: R η^(i−s), at least 1. */
  int rungEpochs(int maxEpochs, int s, int i) {
    double epochs = maxEpochs;
    for (int k = i; k < s; k++) {
      epochs /= eta;
    }
    return Math.max(1, (int) Math.round(epochs));
  }

  @Override
  public SearchResult search(SearchRun run) {
    int maxEpochs = run.budget().maxEpochs();
    int sMax = maxBracket(maxEpochs);
    while (!run.exhausted()) {
      for (int s = sMax; s >= 0 && !run.exhausted(); s--) {
        // the first rung trains each candidate as it is drawn, so a budget that ends mid-rung
        // (checks measure latency, which takes time) still leaves trained candidates
        List<SearchTrial> scored = new ArrayList<>();
        for (int n = bracketSize(s, sMax); scored.size() < n && !run.exhausted(); ) {
          Optional<ConstraintCheck.Result> candidate = run.draw();
          if (candidate.isEmpty()) {
            return run.result(name());
          }
          scored.add(run.train(candidate.get(), rungEpochs(maxEpochs, s, 0)));
        }
        for (int i = 1; i <= s && !run.exhausted(); i++) {
          List<ConstraintCheck.Result> promoted = promote(scored);
          scored = new ArrayList<>();
          for (ConstraintCheck.Result candidate : promoted) {
            if (run.exhausted()) {
              break;
            }
            scored.add(run.train(candidate, rungEpochs(maxEpochs, s, i)));
          }
        }
      }
    }
    return run.result(name());
  }

  /** The best ⌊n / η⌋ of a rung, in the order they were first trained. */
  private List<ConstraintCheck.Result> promote(List<SearchTrial> rung) {
    List<SearchTrial> sorted = new ArrayList<>(rung);
    sorted.sort(SearchResult.BETTER_FIRST);
    return sorted.subList(0, rung.size() / eta).stream()
        .sorted(Comparator.comparingInt(SearchTrial::index))
        .map(SearchTrial::candidate)
        .toList();
  }
}
