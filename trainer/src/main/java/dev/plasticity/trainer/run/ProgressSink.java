package dev.plasticity.trainer.run;

import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.trainer.Strategy;

/**
 * Where a run's progress goes. {@link ProgressReporter} publishes it on the training-progress
 * topic; tests may collect it. Implementations must be thread-safe: a run and the service that
 * gives up on a trigger may report from different threads.
 */
public interface ProgressSink {
  /**
   * The strategy of a trigger skipped with nothing planned, because something newer answers it (a
   * newer champion, a newer trigger of its model queued behind a cadence update).
   */
  String NOTHING_PLANNED = "none";

  /**
   * Where a run of one candidate stands; {@code bestScore} may be null.
   *
   * @param strategy the {@link Strategy#wireName()} of the run's plan, {@code unplanned} when it failed before,
   *     or {@link #NOTHING_PLANNED}
   */
  void report(String triggerId, String model, String strategy, TrainingPhase phase, int epoch, int epochs,
      Double bestScore, double budgetUsed, String message);

  /** Where a search stands: candidates trained so far out of the most its budget allows. */
  void report(String triggerId, String model, String strategy, TrainingPhase phase, int candidatesTried,
      int candidatesTotal, int epoch, int epochs, Double bestScore, double budgetUsed, String message);
}
