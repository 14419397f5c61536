/**
 * {@code plasticity replay}: a CSV file replayed through the real path, as a user's application
 * would send it: each row an unlabelled event to the scoring app, its label a delay after its
 * prediction, bad rows reported by line and column and dead-lettered, and the run's figures
 * (prequential accuracy per block, triggers, versions, swaps) written as JSON and drawn as a chart.
 * {@link dev.plasticity.ops.replay.Replay} runs it; the command only reads flags.
 */
package dev.plasticity.ops.replay;
