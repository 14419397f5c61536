/**
 * Building, training and measuring one network, with no Kafka or registry types: {@link
 * dev.plasticity.trainer.network.NetworkTraining} trains a DJL feed-forward network described by an
 * {@code Architecture} on {@link dev.plasticity.trainer.network.LabelledData}, from scratch or from
 * a parent's weights within a {@code FineTuneScope}, minimising a {@link
 * dev.plasticity.trainer.network.TrainingObjective} (cross-entropy unless an adaptation brings its
 * own); {@link dev.plasticity.trainer.network.ConstraintCheck} holds a candidate against the
 * model's constraints before anyone trains it, counting parameters and multiply–adds with {@link
 * dev.plasticity.trainer.network.NetworkCost} and timing inference with {@link
 * dev.plasticity.trainer.network.LatencyProbe}; {@link
 * dev.plasticity.trainer.network.WeightInheritance} starts a searched candidate from the champion's
 * weights, function-preserving through Net2Net where the shapes allow. These public types are what
 * the search, the adaptations and the run call; Net2Net and NetworkWeights, the weight arithmetic,
 * stay package-private.
 */
package dev.plasticity.trainer.network;
