/**
 * The trainer's public face, and the only package other modules import: {@link
 * dev.plasticity.trainer.TrainerService} consumes drift triggers and trains, registers and reports
 * a challenger for each; {@link dev.plasticity.trainer.TrainerConfig} (with {@link
 * dev.plasticity.trainer.Endpoints}, {@link dev.plasticity.trainer.TrainingSettings}, {@link
 * dev.plasticity.trainer.AdaptationSettings}, {@link dev.plasticity.trainer.SearchBudget} and the
 * model's {@link dev.plasticity.trainer.Constraint}s) is its whole configuration, read once at the
 * edge; {@link dev.plasticity.trainer.RetrainingPolicy} turns a drift into a {@link
 * dev.plasticity.trainer.RetrainingPlan} whose {@link dev.plasticity.trainer.Strategy} is parsed
 * from the one table of names, {@link dev.plasticity.trainer.Strategies} ({@link
 * dev.plasticity.trainer.FineTuneScope} and {@link dev.plasticity.trainer.SearchAlgorithm} name the
 * variants); {@link dev.plasticity.trainer.OfflineTraining} runs the same strategies on events in
 * memory, for benchmarks; {@link dev.plasticity.trainer.TrainingOutcome} is what a run reports. The
 * subpackages hold the implementation: {@code network} (training one network and checking it
 * against the constraints), {@code search} (architecture search), {@code adaptation} (domain
 * adaptations) and {@code run} (one retraining run and its Kafka and registry I/O); their types are
 * public only where another trainer package calls them, and are not an API for other modules.
 */
package dev.plasticity.trainer;
