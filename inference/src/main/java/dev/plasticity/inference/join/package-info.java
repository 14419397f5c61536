/**
 * The delayed-label join: labels arrive minutes or days after the events they are about, sometimes
 * before them, sometimes twice; {@link dev.plasticity.inference.join.LabelJoinTopology} turns the
 * unlabelled events, the scoring app's predictions and the labels into one {@code LabelledEvent}
 * per labelled event, which the drift job and the trainer read, and, for each labelled event that
 * was scored, one {@code LiveOutcome} with every version's prediction of it, which live accuracy
 * and live verification ({@link dev.plasticity.inference.verify}) read. {@link
 * dev.plasticity.inference.join.JoinSettings} says how long anything waits, {@link
 * dev.plasticity.inference.join.JoinCounters} what happened, and {@link
 * dev.plasticity.inference.join.LabelJoinApp} runs the topology on Kafka Streams with
 * exactly-once processing. The join's rules, its stored states and its processor are
 * package-private.
 */
package dev.plasticity.inference.join;
