/**
 * Domain adaptations of the serving network to a new window, each a {@code
 * Strategy.DomainAdaptation} listed in the {@code Strategies} table: elastic weight consolidation
 * (Kirkpatrick et al. 2017), knowledge distillation into a smaller network (Hinton, Vinyals and
 * Dean 2015) and importance weighting of the old events under covariate shift (Shimodaira 2000).
 * Each is one entry of {@link dev.plasticity.trainer.adaptation.AdaptationStrategy}, the only
 * public type (the strategy table and the default policy name its constants), and trains through
 * the {@code network} package with its own objective, a package-private {@code TrainingObjective};
 * none touches Kafka or the registry.
 */
package dev.plasticity.trainer.adaptation;
