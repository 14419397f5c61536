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
   * Where a run of one candidate stands; {@code bestScore} may be null.
   *
   * @param strategy the {@link Strategy#wireName()} of the run's plan, or {@code unplanned} when it failed before
   */
  void report(String triggerId, String model, String strategy, TrainingPhase phase, int epoch, int epochs,
      Double bestScore, double budgetUsed, String message);

  /** Where a search stands: candidates trained so far out of the most its budget allows. */
  void report(String triggerId, String model, String strategy, TrainingPhase phase, int candidatesTried,
      int candidatesTotal, int epoch, int epochs, Double bestScore, double budgetUsed, String message);
}
