/**
 * One retraining run and its I/O: {@link dev.plasticity.trainer.run.RetrainingRun} reads a window
 * of labelled events from an {@code EventSource} (Kafka's, through {@code EventWindowReader}),
 * picks the version to start from and judge against ({@code StartingVersion}, from a {@code
 * VersionStore}: the model registry), follows the policy's plan through the {@code network}, {@code
 * search} or {@code adaptation} packages, registers the challenger with its lineage and {@code
 * ReferenceStatisticsCalculator}'s reference statistics (as champion only when it beats the serving
 * version by the margin), and reports each phase to a {@code ProgressSink}. Sources, stores and
 * sinks are interfaces so tests plug in memory ones. The public types are what {@code
 * TrainerService} and {@code OfflineTraining} wire: RetrainingRun on a registry client, {@link
 * dev.plasticity.trainer.run.ProgressReporter} (progress on Kafka) and {@link
 * dev.plasticity.trainer.run.DeadLetters} (triggers the service gives up on); the rest is
 * package-private.
 */
package dev.plasticity.trainer.run;
