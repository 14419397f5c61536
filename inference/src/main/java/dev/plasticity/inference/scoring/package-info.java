/**
 * Scoring on Kafka: {@link dev.plasticity.inference.scoring.ScoringApp} answers every {@code
 * UnlabelledEvent} on {@code plasticity.events.unlabelled} with a {@code Prediction} on {@code
 * plasticity.predictions}, stamped with the model version that made it, and feeds each {@code
 * Label} on {@code plasticity.labels} to its model's predictor for versions that read label lags.
 * {@link dev.plasticity.inference.scoring.ScoringTopology#build} is the topology (shared by the app
 * and its {@code TopologyTestDriver} tests), which scores events in batches (one forward pass per
 * model and batch) kept in a changelogged store until scored, so exactly-once holds; {@link dev.plasticity.inference.scoring.Scorers} maps
 * each model to its {@link dev.plasticity.inference.AliasPredictors} (the champion answers, or the
 * challenger for a {@link dev.plasticity.inference.scoring.CanaryShares canary share} of keys; the
 * shadow and the previous champion score beside the answer, {@code served = false}); a record that cannot be
 * scored goes to the dead-letter topic with a reason naming its {@link
 * dev.plasticity.inference.scoring.DeadLetterRule}, and {@link
 * dev.plasticity.inference.scoring.ScoringCounts} counts what became of each record.
 */
package dev.plasticity.inference.scoring;
