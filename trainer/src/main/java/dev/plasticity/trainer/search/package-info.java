/**
 * Architecture search: {@link dev.plasticity.trainer.search.ArchitectureSearch} searches a {@link
 * dev.plasticity.trainer.search.SearchSpace} from the champion's architecture within a {@code
 * SearchBudget} and the model's constraints, with the strategy a {@code SearchAlgorithm} names
 * (random search, regularized evolution, Hyperband, a gradient-based DARTS search over a
 * supernet or a REINFORCE controller, each one package-private class behind {@code
 * SearchStrategy}), and returns the best network with the lineage of every candidate considered;
 * {@code SearchRun} is the bookkeeping every strategy shares (constraints, budget, seeded
 * randomness, trials). The public types, ArchitectureSearch with its Outcome, SearchSpace, {@link
 * dev.plasticity.trainer.search.SearchResult}, {@link dev.plasticity.trainer.search.SearchTrial}
 * and {@link dev.plasticity.trainer.search.SearchListener}, are what the run and {@code
 * OfflineTraining} call; adding a strategy touches only this package, {@code SearchAlgorithm} and
 * its entry in {@code Strategies}.
 */
package dev.plasticity.trainer.search;
