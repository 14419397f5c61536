package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.ops.demo.Demo;
import dev.plasticity.ops.demo.DemoReport;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop, end to end, on real components: unlabelled events through the Kafka Streams
 * scoring app, predictions, delayed labels and the label join into the Flink drift job, the trainer
 * on DJL, the registry, and back to the scoring app's swap. Nothing is mocked; nobody presses a button after the
 * first version.
 */
class AdaptationLoopTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  @Test
  void aConceptDriftIsDetectedRetrainedAndSwappedInWithoutAFailedPrediction() throws Exception {
    LoopRun.Result run = LoopRun.run(dir, kafka.bootstrapServers(),
        // 4,000 events after the swap: with 10% label noise the accuracy of 2,000 moves by about 0.01 between runs,
        // as much as the recovery margin asserted below once missed it by
        new Demo.Settings("sea", 7, 3000, 10_000, true, 3, 4, 0.1, 2500, 4000, 100_000,
        Duration.ofMinutes(4)));
    DemoReport report = run.report();

    assertThat(report.completed()).as(report.outcome()).isTrue();
    // SEA moves only the labelling: the label shares and the served model's error both move,
    // the features do not; whichever test crosses its threshold first names the trigger.
    assertThat(report.triggerKind()).isIn("CONCEPT", "PRIOR");
    assertThat(report.driftDetectedAtEvent()).isGreaterThanOrEqualTo(report.driftInjectedAtEvent());
    assertThat(report.versionRegistered()).isGreaterThan(report.firstVersion());
    assertThat(report.versionServed()).isEqualTo(report.versionRegistered());
    assertThat(report.failedPredictions()).isZero();
    // every event went unlabelled -> scoring -> prediction -> label -> join -> labelled event
    assertThat(report.labelledShare()).as("labelled events joined / events sent").isEqualTo(1.0);
    assertThat(report.predictionLatencyP50Millis()).isNotNull();
    assertThat(report.predictionLatencyP99Millis()).isGreaterThanOrEqualTo(report.predictionLatencyP50Millis());
    assertThat(report.accuracyAfterDriftBeforeSwap()).isLessThan(report.accuracyBeforeDrift() - 0.1);
    assertThat(report.accuracyAfterSwap()).isGreaterThan(report.accuracyAfterDriftBeforeSwap() + 0.1);
    assertThat(report.falseAlarms()).isZero();
    // no policy configured: the default rules chose the strategy, and the demo says which and why
    String expected = switch (report.triggerKind()) {
      case "CONCEPT" -> report.triggerSeverity() >= 0.5 ? "search:evolution" : "ewc";
      case "COVARIATE" -> "importance-weighting";
      default -> "fine-tune:head";
    };
    assertThat(report.strategy()).isEqualTo(expected);
    assertThat(report.strategyReason()).startsWith(report.triggerKind() + " drift, severity ")
        .contains("(default rule)");
    assertThat(run.console())
        .contains("PLAN         sea: " + report.strategy() + ", ")
        .contains("Why: " + report.strategyReason())
        .contains("retrained v" + report.versionRegistered() + " with " + report.strategy() + ". Why: "
            + report.strategyReason());

    // every part of the loop told Prometheus what it did
    assertThat(run.scrapes()).containsOnlyKeys("registry", "services", "drift-job");
    assertThat(run.scrapes().get("registry"))
        .containsPattern("plasticity_registry_versions_registered_total\\{alias=\"champion\",model=\"sea\"} [2-9]")
        .containsPattern("plasticity_http_requests_seconds_count\\{method=\"POST\",route=\"/api/models/\\{model}/versions\","
            + "status=\"201\"} [2-9]");
    assertThat(run.scrapes().get("services"))
        .containsPattern("plasticity_trainer_triggers_total\\{kind=\"" + report.triggerKind() + "\",signal=\"DRIFT\"} [1-9]")
        .containsPattern("plasticity_trainer_runs_total\\{outcome=\"champion\",strategy=\"" + report.strategy() + "\"} [1-9]")
        .containsPattern("plasticity_trainer_run_duration_seconds_count\\{strategy=\"" + report.strategy() + "\"} [1-9]")
        .containsPattern("plasticity_trainer_versions_registered_total\\{alias=\"champion\",model=\"sea\"} [2-9]")
        .containsPattern("plasticity_predictions_total\\{model=\"sea\"} [1-9]")
        .contains("plasticity_predictions_failed_total{model=\"sea\",reason=\"error\"} 0.0")
        .containsPattern("plasticity_swaps_total\\{model=\"sea\"} [2-9]")
        .contains("plasticity_served_version{model=\"sea\"} " + report.versionServed() + ".0")
        .contains("plasticity_served_version_age_seconds{model=\"sea\"}")
        .containsPattern("plasticity_prediction_latency_seconds_count\\{model=\"sea\"} [1-9]")
        .containsPattern("plasticity_scoring_events_scored_total [1-9]")
        .contains("plasticity_scoring_dead_letters_total{reason=\"undecodable\"}")
        .containsPattern("plasticity_join_events_joined_total [1-9]")
        .containsPattern("plasticity_live_predictions_total\\{alias=\"champion\",model=\"sea\",outcome=\"correct\","
            + "version=\"" + report.versionServed() + "\"} [1-9]")
        // after the swap the outgoing champion scored beside the new one, unserved, and live verification paired the
        // two on the joined labels: the retrained version, far better on the drifted concept, won its watch
        .containsPattern("plasticity_scoring_alias_predictions_total\\{alias=\"previous\",model=\"sea\",version=\"[0-9]+\"} [1-9]")
        .containsPattern("plasticity_live_predictions_total\\{alias=\"previous\",model=\"sea\",outcome=\"correct\",[^}]*} [1-9]")
        .containsPattern("plasticity_join_live_outcomes_total [1-9]")
        .containsPattern("plasticity_verify_outcomes_read_total [1-9]")
        .contains("plasticity_verify_verdicts_total{verdict=\"won\"} 1.0")
        .contains("plasticity_verify_rollbacks_total 0.0");
    String operator = "flink_taskmanager_job_task_operator_plasticity_";
    assertThat(run.scrapes().get("drift-job"))
        .containsPattern(operator + "kind_signal_triggers\\{[^}]*kind=\"" + report.triggerKind() + "\"[^}]*} [1-9]")
        .containsPattern(operator + "events_per_second\\{")
        .containsPattern(operator + "model_feature_test_drift_statistic\\{[^}]*model=\"sea\"")
        .containsPattern(operator + "reason_dead_letters\\{[^}]*reason=\"late\"");
  }
}
