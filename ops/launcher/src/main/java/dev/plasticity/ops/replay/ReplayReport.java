package dev.plasticity.ops.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a replay did, written as JSON by {@code replay --report FILE}. {@code rows} counts the
 * file's data rows; {@code rows_skipped} those that could not be sent (each in {@code bad_rows},
 * and on the dead-letter topic); {@code rows_replayed} the rest, of which {@code bootstrap_rows}
 * trained the first version unscored. {@code prequential_accuracy} is right predictions over
 * predictions of the live rows, each prediction made before its label was sent (test, then
 * train); {@code failed_predictions} counts live rows the scoring app dead-lettered or did not
 * answer. {@code rows_joined} counts replayed rows whose labelled event the join wrote. The
 * timeline places everything on one axis, {@code row}: the index among the replayed rows,
 * bootstrap rows first. Accuracies are null where nothing was predicted.
 */
public record ReplayReport(
    @JsonProperty("file") String file,
    @JsonProperty("model") String model,
    @JsonProperty("rows") long rows,
    @JsonProperty("rows_skipped") long rowsSkipped,
    @JsonProperty("rows_replayed") long rowsReplayed,
    @JsonProperty("bootstrap_rows") long bootstrapRows,
    @JsonProperty("rows_predicted") long rowsPredicted,
    @JsonProperty("rows_joined") long rowsJoined,
    @JsonProperty("prequential_accuracy") Double prequentialAccuracy,
    @JsonProperty("failed_predictions") long failedPredictions,
    @JsonProperty("failures_by_rule") Map<String, Long> failuresByRule,
    @JsonProperty("label_mapping") Map<String, Integer> labelMapping,
    @JsonProperty("bad_rows") List<String> badRows,
    @JsonProperty("timeline") Timeline timeline,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("completed") boolean completed,
    @JsonProperty("outcome") String outcome) {

  /** Accuracy per block of rows, and what happened to the model along the way. */
  public record Timeline(
      @JsonProperty("block_size") int blockSize,
      @JsonProperty("blocks") List<Block> blocks,
      @JsonProperty("triggers") List<Trigger> triggers,
      @JsonProperty("versions") List<Version> versions,
      @JsonProperty("swaps") List<Swap> swaps,
      @JsonProperty("strategies") List<String> strategies) {}

  /** The predictions of rows {@code first_row..last_row}: how many, how many right, the newest version among them. */
  public record Block(
      @JsonProperty("first_row") long firstRow,
      @JsonProperty("last_row") long lastRow,
      @JsonProperty("predictions") long predictions,
      @JsonProperty("accuracy") Double accuracy,
      @JsonProperty("version") Integer version) {}

  /** A drift trigger (or warning, cadence or manual request) for the model; {@code row}: where its window ended. */
  public record Trigger(
      @JsonProperty("trigger_id") String triggerId,
      @JsonProperty("signal") String signal,
      @JsonProperty("kind") String kind,
      @JsonProperty("severity") double severity,
      @JsonProperty("base_version") int baseVersion,
      @JsonProperty("row") long row,
      @JsonProperty("evidence") List<String> evidence) {}

  /** A version registered during the replay, the strategy that trained it and why. */
  public record Version(
      @JsonProperty("version") int version,
      @JsonProperty("alias") String alias,
      @JsonProperty("strategy") String strategy,
      @JsonProperty("reason") String reason,
      @JsonProperty("trigger_id") String triggerId,
      @JsonProperty("first_row_served") Long firstRowServed) {}

  /** The first row a newer version answered. */
  public record Swap(
      @JsonProperty("row") long row,
      @JsonProperty("from_version") int fromVersion,
      @JsonProperty("to_version") int toVersion) {}

  public void write(Path json) throws IOException {
    Path parent = json.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(json.toFile(), this);
  }

  /** Reads a report written by {@link #write}. */
  public static ReplayReport read(Path json) throws IOException {
    return JsonMapper.builder().build().readValue(json.toFile(), ReplayReport.class);
  }
}
