/**
 * Domain adaptations of the serving network to a new window, each a {@code
 * Strategy.DomainAdaptation} listed in the {@code Strategies} table: elastic weight consolidation
 * (Kirkpatrick et al. 2017), knowledge distillation into a smaller network (Hinton, Vinyals and
 * Dean 2015), importance weighting of the old events under covariate shift (Shimodaira 2000), and
 * a start meta-learned with Reptile (Nichol, Achiam and Schulman 2018) on the lineage's windows
 * ({@link dev.plasticity.trainer.adaptation.MetaStart}). The first three are entries of {@link
 * dev.plasticity.trainer.adaptation.AdaptationStrategy}; it, {@code IncrementalUpdate} and {@code
 * MetaStart} are the public types (the strategy table and the default policy name them). Each trains through
 * the {@code network} package with its own objective, a package-private {@code TrainingObjective};
 * none touches Kafka or the registry.
 */
package dev.plasticity.trainer.adaptation;
