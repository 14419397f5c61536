package dev.plasticity.trainer.search;

import dev.plasticity.trainer.network.ConstraintCheck;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a search did: every training in order, every candidate it refused to train (with the
 * constraint figures and reasons), the best trial and the Pareto front of score against serving
 * cost.
 *
 * @param strategy the strategy's name
 * @param trials every training, in the order run
 * @param rejected candidates that broke a constraint and were never trained
 * @param seconds wall time of the whole search
 * @param stoppedBecause what ended the search, in words
 */
public record SearchResult(String strategy, List<SearchTrial> trials, List<ConstraintCheck.Result> rejected, double seconds,
    String stoppedBecause) {
  public SearchResult {
    trials = List.copyOf(trials);
    rejected = List.copyOf(rejected);
  }

  /** Highest score; among equal scores the cheaper to serve, then the earlier. */
  static final Comparator<SearchTrial> BETTER_FIRST = Comparator.comparingDouble(SearchTrial::score).reversed()
      .thenComparingDouble(SearchTrial::cost)
      .thenComparingInt(SearchTrial::index);

  /** The trial to register: every trained candidate is within the constraints, so the best score. */
  public Optional<SearchTrial> best() {
    return trials.stream().min(BETTER_FIRST);
  }

  /**
   * The trials no other trial beats on both score and serving cost, cheapest first: the choices
   * between accuracy and latency a user may make.
   */
  List<SearchTrial> paretoFront() {
    List<SearchTrial> sorted = new ArrayList<>(trials);
    sorted.sort(Comparator.comparingDouble(SearchTrial::cost).thenComparing(BETTER_FIRST));
    List<SearchTrial> front = new ArrayList<>();
    double bestScore = Double.NEGATIVE_INFINITY;
    for (SearchTrial t : sorted) { // cheapest first: keep each that scores above all cheaper ones
      if (t.score() > bestScore) {
        front.add(t);
        bestScore = t.score();
      }
    }
    return front;
  }
}
