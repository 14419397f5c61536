/**
 * The prequential benchmark of the loop: {@code plasticity prequential} replays a stream test-then-train through the
 * embedded stack and scores the loop next to the baselines a user would try first, on the same rows in the same order.
 *
 * <ul>
 *   <li>{@link dev.plasticity.ops.prequential.PrequentialCommand}: the command; {@link
 *       dev.plasticity.ops.prequential.PrequentialRun} drives the stack and collects what the loop did.</li>
 *   <li>{@link dev.plasticity.ops.prequential.LabelledRows}: a stream's rows in memory, from a generator or from a
 *       CSV file ({@link dev.plasticity.ops.prequential.CsvRows}).</li>
 *   <li>{@link dev.plasticity.ops.prequential.PrequentialScore}: accuracy overall and per block, Cohen's kappa and
 *       temporal kappa; {@link dev.plasticity.ops.prequential.PrequentialEvaluation} scores any {@link
 *       dev.plasticity.ops.prequential.OnlineClassifier} (the no-change and majority baselines here, MOA's learners
 *       in {@code ops/bench}) on the same rows.</li>
 *   <li>{@link dev.plasticity.ops.prequential.StreamResult} and {@link
 *       dev.plasticity.ops.prequential.PrequentialReport}: the results, written as JSON, Markdown and a chart.</li>
 * </ul>
 */
package dev.plasticity.ops.prequential;
