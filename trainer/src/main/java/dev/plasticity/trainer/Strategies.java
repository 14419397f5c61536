package dev.plasticity.trainer;

import dev.plasticity.trainer.adaptation.AdaptationStrategy;
import dev.plasticity.trainer.adaptation.EarlyExitTraining;
import dev.plasticity.trainer.adaptation.GrowExpert;
import dev.plasticity.trainer.adaptation.IncrementalUpdate;
import dev.plasticity.trainer.adaptation.MetaStart;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one table of strategy names, and the one parser from a name to a {@link Strategy}: policy
 * rules, the command line and the environment all read strategies through it. The names are the
 * wire format that lineage records; they never change meaning.
 *
 * <p>Immutable and thread-safe; {@link #with} makes a larger table.
 */
public final class Strategies {
  /** Every strategy this build can run, in the order help texts list them. */
  public static final Strategies STANDARD = new Strategies(List.of(
      new Strategy.Retrain(),
      new Strategy.FineTune(FineTuneScope.ALL),
      new Strategy.FineTune(FineTuneScope.TOP),
      new Strategy.FineTune(FineTuneScope.HEAD),
      AdaptationStrategy.EWC,
      AdaptationStrategy.DISTILL,
      AdaptationStrategy.IMPORTANCE_WEIGHTING,
      IncrementalUpdate.STANDARD,
      MetaStart.STANDARD,
      EarlyExitTraining.STANDARD,
      GrowExpert.STANDARD,
      new Strategy.Search(SearchAlgorithm.RANDOM),
      new Strategy.Search(SearchAlgorithm.EVOLUTION),
      new Strategy.Search(SearchAlgorithm.HYPERBAND),
      new Strategy.Search(SearchAlgorithm.GRADIENT),
      new Strategy.Search(SearchAlgorithm.CONTROLLER)));

  private final Map<String, Strategy> byName;

  private Strategies(List<Strategy> strategies) {
    Map<String, Strategy> table = new LinkedHashMap<>();
    for (Strategy strategy : strategies) {
      Objects.requireNonNull(strategy, "strategy");
      String name = Objects.requireNonNull(strategy.wireName(), "wireName");
      if (!name.matches("[a-z][a-z:-]*")) {
        throw new IllegalArgumentException("strategy name '" + name + "' must be lower-case letters, ':' and '-'");
      }
      if (table.putIfAbsent(name, strategy) != null) {
        throw new IllegalArgumentException("strategy name '" + name + "' is already taken");
      }
    }
    this.byName = Collections.unmodifiableMap(table);
  }

  /** This table and {@code strategy}, under its {@link Strategy#wireName()}, which must be new. */
  public Strategies with(Strategy strategy) {
    List<Strategy> all = new ArrayList<>(byName.values());
    all.add(strategy);
    return new Strategies(all);
  }

  /**
   * The strategy named {@code name}.
   *
   * @throws IllegalArgumentException naming the known strategies when {@code name} is none of them
   */
  public Strategy parse(String name) {
    Objects.requireNonNull(name, "strategy");
    Strategy strategy = byName.get(name);
    if (strategy == null) {
      throw new IllegalArgumentException("unknown strategy '" + name + "'; known: " + String.join(", ", names()));
    }
    return strategy;
  }

  /** Every name, in table order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** Every strategy, in table order. */
  public List<Strategy> all() {
    return List.copyOf(byName.values());
  }
}
