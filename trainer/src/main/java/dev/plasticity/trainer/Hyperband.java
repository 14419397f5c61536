package dev.plasticity.trainer;

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
        List<ConstraintCheck.Result> rung = new ArrayList<>();
        for (int n = bracketSize(s, sMax); rung.size() < n && !run.exhausted(); ) {
          Optional<ConstraintCheck.Result> candidate = run.draw();
          if (candidate.isEmpty()) {
            return run.result(name());
          }
          rung.add(candidate.get());
        }
        for (int i = 0; i <= s && !rung.isEmpty() && !run.exhausted(); i++) {
          List<SearchTrial> scored = new ArrayList<>();
          for (ConstraintCheck.Result candidate : rung) {
            if (run.exhausted()) {
              break;
            }
            scored.add(run.train(candidate, rungEpochs(maxEpochs, s, i)));
          }
          scored.sort(SearchResult.BETTER_FIRST);
          int keep = scored.size() / eta;
          rung = scored.subList(0, keep).stream()
              .sorted(Comparator.comparingInt(SearchTrial::index))
              .map(SearchTrial::candidate)
              .toList();
        }
      }
    }
    return run.result(name());
  }
}
