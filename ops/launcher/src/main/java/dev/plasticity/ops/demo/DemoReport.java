package dev.plasticity.ops.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a demo run measured; written as JSON by {@code demo --report FILE}. Accuracies are NaN
 * (written as null) for a phase with no predictions; event indices are -1 when it did not happen.
 * {@code eventsReadByDriftJob} is how many events the drift job had read and checkpointed (its
 * consumer group's committed offsets, counted as the labelled events up to them) when the triggers
 * were counted; without drift the demo waits for it to reach every labelled event.
 * {@code failed_predictions} counts live events (after the first version served) that the scoring
 * app dead-lettered or that got no prediction before the run ended. {@code
 * prediction_latency_p50_ms} and {@code _p99_ms} are end to end, from publishing an {@code
 * UnlabelledEvent} to reading its {@code Prediction} (nearest-rank percentiles; null without
 * predictions); {@code labelled_share} is {@code events_labelled} (labelled events committed on the events topic)
 * over {@code events_total} (events sent, bootstrap included). {@code strategy} and {@code strategyReason} are the retrained version's lineage: which
 * strategy the trainer's policy chose for the trigger, and why. {@code drift_detected_at_event} is where the first
 * alarm after the drift ended its window; {@code trigger_id}, {@code trigger_kind}, {@code trigger_severity} and
 * the evidence are those of the trigger whose version answered the drift (the first alarm's, unless its run
 * registered nothing and a later trigger's version served first).
 */
public record DemoReport(
    @JsonProperty("events_total") long eventsTotal,
    @JsonProperty("drift_injected_at_event") long driftInjectedAtEvent,
    @JsonProperty("drift_detected_at_event") long driftDetectedAtEvent,
    @JsonProperty("trigger_id") String triggerId,
    @JsonProperty("trigger_kind") String triggerKind,
    @JsonProperty("trigger_severity") Double triggerSeverity,
    @JsonProperty("trigger_evidence") List<String> triggerEvidence,
    @JsonProperty("false_alarms") int falseAlarms,
    @JsonProperty("triggers_total") int triggersTotal,
    @JsonProperty("events_read_by_drift_job") long eventsReadByDriftJob,
    @JsonProperty("strategy") String strategy,
    @JsonProperty("strategy_reason") String strategyReason,
    @JsonProperty("training_device") String trainingDevice,
    @JsonProperty("first_version") int firstVersion,
    @JsonProperty("version_registered") int versionRegistered,
    @JsonProperty("version_served") int versionServed,
    @JsonProperty("accuracy_before_drift") Double accuracyBeforeDrift,
    @JsonProperty("accuracy_after_drift_before_swap") Double accuracyAfterDriftBeforeSwap,
    @JsonProperty("accuracy_after_swap") Double accuracyAfterSwap,
    @JsonProperty("predictions_before_drift") long predictionsBeforeDrift,
    @JsonProperty("predictions_after_drift_before_swap") long predictionsAfterDriftBeforeSwap,
    @JsonProperty("predictions_after_swap") long predictionsAfterSwap,
    @JsonProperty("seconds_drift_to_trigger") Double secondsDriftToTrigger,
    @JsonProperty("seconds_drift_to_serving") Double secondsDriftToServing,
    @JsonProperty("failed_predictions") long failedPredictions,
    @JsonProperty("prediction_latency_p50_ms") Double predictionLatencyP50Millis,
    @JsonProperty("prediction_latency_p99_ms") Double predictionLatencyP99Millis,
    @JsonProperty("events_labelled") long eventsLabelled,
    @JsonProperty("labelled_share") double labelledShare,
    @JsonProperty("events_per_second") double eventsPerSecond,
    @JsonProperty("seconds_total") double secondsTotal,
    @JsonProperty("completed") boolean completed,
    @JsonProperty("outcome") String outcome) {

  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(file.toFile(), this);
  }

  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
