package dev.plasticity.ops.prequential;

import java.util.ArrayList;
import java.util.List;

/**
 * What one prequential replay of a stream gave: every learner's scores on the same rows, and what the loop did.
 *
 * @param stream the stream's name
 * @param source where the rows came from, e.g. {@code generator sea-abrupt, seed 1} or {@code file data.csv}
 * @param rows rows in the stream, bootstrap rows included
 * @param bootstrapRows rows the first version was trained on (not scored)
 * @param scoredRows rows scored (fewer than {@code rows - bootstrapRows} only when the run timed out)
 * @param blockSize rows per block of the per-block accuracy
 * @param eventsPerSecond the rate asked for
 * @param achievedEventsPerSecond the rate the replay kept
 * @param driftRows the rows where a known drift is centred
 * @param skippedRows source rows left out (bad values), counted
 * @param skippedExamples the first of them, with line and reason
 * @param learners the loop first, then baselines and references, all scored on the same rows in the same order
 * @param loop what the loop did
 * @param completed whether every row was replayed before the timeout
 */
public record StreamResult(String stream, String source, int rows, int bootstrapRows, long scoredRows, int blockSize,
    int eventsPerSecond, double achievedEventsPerSecond, List<Long> driftRows, long skippedRows,
    List<LabelledRows.SkippedRow> skippedExamples, List<LearnerResult> learners, LoopFacts loop, boolean completed) {

  public StreamResult {
    driftRows = List.copyOf(driftRows);
    skippedExamples = List.copyOf(skippedExamples);
    learners = List.copyOf(learners);
  }

  /** This result with {@code learner} added after the others (e.g. a reference learner scored on the same rows). */
  public StreamResult withLearner(LearnerResult learner) {
    List<LearnerResult> all = new ArrayList<>(learners);
    all.add(learner);
    return new StreamResult(stream, source, rows, bootstrapRows, scoredRows, blockSize, eventsPerSecond,
        achievedEventsPerSecond, driftRows, skippedRows, skippedExamples, all, loop, completed);
  }

  /** One learner's scores. */
  public record LearnerResult(String name, Role role, PrequentialScore.Score score) {}

  /** What a learner is in the comparison. */
  public enum Role {
    /** The Plasticity loop: served versions, swapped as the loop decides. */
    LOOP,
    /** A trivial or frozen model a user would try first. */
    BASELINE,
    /** A published stream learner. */
    REFERENCE
  }

  /**
   * What the loop did during the replay.
   *
   * @param triggersByKindAndSignal triggers counted by {@code KIND/SIGNAL}, e.g. {@code CONCEPT/DRIFT}
   * @param triggers every trigger read from the triggers topic, in order
   * @param versions every version registered, in order
   * @param versionsRegistered versions registered (the first included)
   * @param versionsServed versions that made at least one scored prediction
   * @param lostGates runs whose challenger lost the gate (registered as challenger, not served)
   * @param registeredNeverServed versions after the first that never made a scored prediction
   * @param strategies versions after the first, counted by the strategy that trained them
   * @param outcomes trainer outcomes counted by status
   * @param driftResponses for each known drift after the bootstrap, how long the loop took to answer it
   * @param failedPredictions predictions the served version failed to make (scored as wrong)
   */
  public record LoopFacts(java.util.Map<String, Integer> triggersByKindAndSignal, List<TriggerFact> triggers,
      List<VersionFact> versions, int versionsRegistered, int versionsServed, long lostGates, long registeredNeverServed,
      java.util.Map<String, Integer> strategies, java.util.Map<String, Integer> outcomes,
      List<DriftResponse> driftResponses, long failedPredictions) {}

  /**
   * One trigger.
   *
   * @param seenAtRow rows published when it was read from the topic
   * @param windowStartRow the first row of its data window
   * @param windowEndRow the last row of its data window
   * @param evidence the tests past their threshold, e.g. {@code ERROR_RATE(_error)=0.31}
   */
  public record TriggerFact(String triggerId, String kind, String signal, int baseVersion, int attempt, double severity,
      long windowStartRow, long windowEndRow, long seenAtRow, double seenAtSeconds, String evidence) {}

  /**
   * One registered version.
   *
   * @param trainedFromRow first row of its training window (null for none)
   * @param trainedToRow last row of its training window
   * @param gate the gate's verdict, when recorded
   * @param servedFromRow the first scored row it predicted, or null if it never served
   * @param labelLags previous labels its network takes
   * @param levelSpan events over which the levels its features are read against forget (0: as they are)
   * @param trainingSeconds seconds its training took, as the trainer recorded (null when it recorded none)
   * @param activeParameters parameters its network uses per row, on average over its held-out events (all of them
   *     for a plain network; the gate and the chosen experts, or the layers up to a row's exit, otherwise)
   */
  public record VersionFact(int version, String alias, String strategy, String signal, String triggerId,
      Long trainedFromRow, Long trainedToRow, String gate, int lostGatesBefore, Long servedFromRow, int labelLags,
      int levelSpan, Double trainingSeconds, Double activeParameters) {}

  /**
   * How the loop answered one known drift: the first trigger read, and the first new version serving, after the
   * drift's row and before the next drift's. Null where none came.
   */
  public record DriftResponse(long driftRow, Long triggerRow, Long driftToTriggerRows, Double driftToTriggerSeconds,
      Integer servedVersion, Long servingRow, Long driftToServingRows, Double driftToServingSeconds) {}
}
