package dev.plasticity.trainer;

import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.trainer.run.ProgressSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trainer's meters, as Prometheus names them: {@code plasticity_trainer_triggers_total{kind,
 * signal}} (triggers taken up, each once however often it is retried), {@code
 * plasticity_trainer_runs_total{strategy, outcome}} and {@code
 * plasticity_trainer_run_duration_seconds{strategy}} (every trigger's end, bootstraps included, by
 * the strategy its run was planned with, {@value ProgressSink#NOTHING_PLANNED} when none was, and
 * its {@link TrainingOutcome.Status}), {@code plasticity_trainer_versions_registered_total{model,
 * alias}} and {@code plasticity_trainer_dead_letters_total{reason}} ({@code undecodable}, {@code
 * gave-up}).
 *
 * <p>It learns each run's strategy from the progress the run reports, passing every report on to
 * {@code progress}. Thread-safe.
 */
final class TrainerMetrics implements ProgressSink {
  private final MeterRegistry registry;
  private final ProgressSink progress;
  /** The strategy each trigger in training last reported, until its outcome; any thread. */
  private final Map<String, String> strategies = new ConcurrentHashMap<>();

  TrainerMetrics(MeterRegistry registry, ProgressSink progress) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** A trigger is taken up for the first time. */
  void triggerTaken(DriftTrigger trigger) {
    Counter.builder("plasticity.trainer.triggers")
        .description("triggers taken up, by drift kind and signal; a retried trigger counts once")
        .tag("kind", trigger.getKind().name()).tag("signal", trigger.getSignal().name())
        .register(registry).increment();
  }

  /** An attempt at a trigger failed and the trigger will be attempted again after its backoff. */
  void retryScheduled() {
    Counter.builder("plasticity.trainer.retries")
        .description("failed attempts at a trigger that the trainer attempts again after a backoff")
        .register(registry).increment();
  }

  /** A trigger was written to the dead-letter topic. */
  void deadLettered(DeadLetterReason reason) {
    Counter.builder("plasticity.trainer.dead.letters")
        .description("triggers written to the dead-letter topic, by reason")
        .tag("reason", reason.id)
        .register(registry).increment();
  }

  /** Why the trainer dead-letters a trigger. */
  enum DeadLetterReason {
    /** It does not decode. */
    UNDECODABLE("undecodable"),
    /** Its last attempt failed. */
    GAVE_UP("gave-up");

    private final String id;

    DeadLetterReason(String id) {
      this.id = id;
    }
  }

  /** How a trigger ended; an outcome listener. */
  void outcome(TrainingOutcome outcome) {
    String strategy = strategies.remove(outcome.triggerId());
    if (strategy == null) {
      strategy = NOTHING_PLANNED;
    }
    String status = outcome.status().name().toLowerCase(Locale.ROOT).replace('_', '-');
    Counter.builder("plasticity.trainer.runs")
        .description("triggers the trainer finished, by the strategy planned and how they ended")
        .tag("strategy", strategy).tag("outcome", status)
        .register(registry).increment();
    Timer.builder("plasticity.trainer.run.duration")
        .description("wall time from taking a trigger up to its outcome, by strategy")
        .tag("strategy", strategy)
        .register(registry).record(Duration.ofNanos((long) (outcome.seconds() * 1e9)));
    if (outcome.version().isPresent() && (outcome.status() == TrainingOutcome.Status.CHAMPION
        || outcome.status() == TrainingOutcome.Status.CHALLENGER)) {
      Counter.builder("plasticity.trainer.versions.registered")
          .description("versions this trainer registered, by model and alias")
          .tag("model", outcome.model()).tag("alias", String.valueOf(outcome.version().get().getAlias()))
          .register(registry).increment();
    }
  }

  @Override
  public void report(String triggerId, String model, String strategy, TrainingPhase phase, int epoch, int epochs,
      Double bestScore, double budgetUsed, String message) {
    strategies.put(triggerId, strategy);
    progress.report(triggerId, model, strategy, phase, epoch, epochs, bestScore, budgetUsed, message);
  }

  @Override
  public void report(String triggerId, String model, String strategy, TrainingPhase phase, int candidatesTried,
      int candidatesTotal, int epoch, int epochs, Double bestScore, double budgetUsed, String message) {
    strategies.put(triggerId, strategy);
    progress.report(triggerId, model, strategy, phase, candidatesTried, candidatesTotal, epoch, epochs, bestScore,
        budgetUsed, message);
  }
}
