package dev.plasticity.ops;

import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.TrainingProgress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@code plasticity watch NAME} shows of one model, folded from its topics' records: events
 * counted per refresh, the served version and every swap, accuracy per version over the labelled
 * events it predicted, the last triggers with their evidence, and the last training progress lines.
 * Plain logic, no Kafka: the command feeds it records and prints {@link #summary(double)}.
 *
 * <p>Not thread-safe: one thread feeds and prints.
 */
final class ModelWatch {
  /** How many triggers, progress lines and swaps a summary shows. */
  static final int SHOWN = 3;

  private final String model;
  private long events;
  private long eventsSinceSummary;
  private long labelled;
  private Integer servedVersion;
  /** Per version: [correct, predicted]. */
  private final Map<Integer, long[]> accuracy = new TreeMap<>();
  private final Deque<String> swaps = new ArrayDeque<>();
  private final Deque<String> triggers = new ArrayDeque<>();
  private final Deque<String> progress = new ArrayDeque<>();

  ModelWatch(String model) {
    this.model = model;
  }

  String model() {
    return model;
  }

  void event() {
    events++;
    eventsSinceSummary++;
  }

  void labelled(LabelledEvent e) {
    labelled++;
    if (e.getPrediction() != null && e.getPredictionVersion() != null) {
      long[] counts = accuracy.computeIfAbsent(e.getPredictionVersion(), v -> new long[2]);
      counts[0] += e.getPrediction() == e.getLabel() ? 1 : 0;
      counts[1]++;
    }
  }

  void version(ModelVersion v) {
    if (!Aliases.CHAMPION.equals(v.getAlias())) {
      return;
    }
    if (servedVersion == null || v.getVersion() > servedVersion) {
      keep(swaps, (servedVersion == null ? "(none)" : "v" + servedVersion) + " -> v" + v.getVersion()
          + " (" + v.getLineage().getStrategy() + ", trigger " + v.getLineage().getTriggerId() + ")");
      servedVersion = v.getVersion();
    }
  }

  void trigger(DriftTrigger t) {
    List<String> drifted = new ArrayList<>();
    for (Evidence e : t.getEvidence()) {
      if (e.getDrifted()) {
        drifted.add(e.getFeature() + " " + e.getTest() + "=" + String.format("%.3g", e.getStatistic())
            + (e.getPValue() == null ? "" : " p=" + String.format("%.2g", e.getPValue())));
      }
    }
    keep(triggers, t.getSignal() + " " + t.getKind() + " on v" + t.getBaseVersion() + " severity "
        + String.format("%.2f", t.getSeverity()) + " (" + t.getTriggerId() + "): "
        + (drifted.isEmpty() ? "no test drifted" : String.join(", ", drifted)));
  }

  void progress(TrainingProgress p) {
    keep(progress, p.getTriggerId() + " " + p.getStrategy() + " " + p.getPhase() + " candidates "
        + p.getCandidatesTried() + "/" + p.getCandidatesTotal() + " epoch " + p.getEpoch() + "/" + p.getEpochs()
        + (p.getBestScore() == null ? "" : String.format(" best %.3f", p.getBestScore()))
        + String.format(" budget %.0f%%", 100 * p.getBudgetUsed())
        + (p.getMessage().isBlank() ? "" : " " + p.getMessage()));
  }

  private static void keep(Deque<String> lines, String line) {
    lines.addLast(line);
    while (lines.size() > SHOWN) {
      lines.removeFirst();
    }
  }

  /**
   * The summary's lines; counts the events since the last summary as {@code events/s} over
   * {@code seconds}.
   */
  List<String> summary(double seconds) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("model %s: %.1f events/s (%d events, %d labelled), serving %s", model,
        seconds > 0 ? eventsSinceSummary / seconds : 0.0, events, labelled,
        servedVersion == null ? "no version" : "v" + servedVersion));
    eventsSinceSummary = 0;
    lines.add("  accuracy: " + (accuracy.isEmpty() ? "no labelled predictions yet"
        : accuracy.entrySet().stream().map(e -> String.format("v%d %.3f (%d)", e.getKey(),
            (double) e.getValue()[0] / e.getValue()[1], e.getValue()[1])).collect(Collectors.joining(", "))));
    swaps.forEach(s -> lines.add("  swap " + s));
    triggers.forEach(t -> lines.add("  trigger " + t));
    progress.forEach(p -> lines.add("  training " + p));
    return lines;
  }
}
