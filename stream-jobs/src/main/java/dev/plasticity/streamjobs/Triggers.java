package dev.plasticity.streamjobs;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.PartitionRange;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Builds the {@link DriftTrigger} of a drifted window, of a detector's warning and of a cadence.
 * The trigger id is a name-based UUID of model, base version and the first offset per partition of
 * the window (and, for a change detector's alarm or warning and for a cadence, what fired where),
 * so replaying the same window yields the same id.
 *
 * <p>The evidence is the verdict's findings, one per test that ran: per feature (or {@code
 * _features}, {@code _label}) the test, its statistic, p-value (when it has one), threshold and
 * whether it alarmed. Under {@code _error} the statistic is always the served version's error
 * rate on the window's events it predicted: with test ERROR_RATE, the p-value of a rise over the
 * version's registered error ({@code reference.errorRate}) and the significance level as
 * threshold; with a detector's name as test, the registered error as threshold. A COVARIATE or
 * PRIOR trigger carries the ERROR_RATE finding whenever the window holds at least minSamples
 * events the version predicted, so a trainer can tell a shift that hurt the served model ({@code
 * _error} drifted) from one that did not.
 *
 * <p>Immutable and thread-safe.
 */
final class Triggers {
  private final String eventsTopic;

  /** @param eventsTopic the topic the windows' events come from, named in each trigger's data window */
  Triggers(String eventsTopic) {
    this.eventsTopic = Objects.requireNonNull(eventsTopic, "eventsTopic");
  }

  /**
   * @param events the window's events, in any order
   * @param now when the drift was detected (processing time)
   * @param detection for a detector's alarm, which detector and where it fired (part of the id);
   *     null for a window assessment
   */
  DriftTrigger of(String model, int baseVersion, DriftAssessment assessment, List<ObservedEvent> events, long now,
      String detection) {
    return of(model, baseVersion, assessment, events, now, detection, TriggerSignal.DRIFT, 0);
  }

  /**
   * A DRIFT or WARNING trigger of a drifted verdict.
   *
   * @param attempt earlier triggers for this base version that no newer champion answered
   */
  DriftTrigger of(String model, int baseVersion, DriftAssessment assessment, List<ObservedEvent> events, long now,
      String detection, TriggerSignal signal, int attempt) {
    return build(model, baseVersion, assessment.kind(), assessment.findings(), assessment.severity(), events, now,
        detection, signal, attempt);
  }

  /**
   * A CADENCE trigger: kind CONCEPT, severity 0, with whatever findings are known about the window
   * (the served error, when it can be measured).
   *
   * @param detection where the cadence came due (part of the id)
   */
  DriftTrigger cadence(String model, int baseVersion, List<DriftAssessment.Finding> findings, List<ObservedEvent> events,
      long now, String detection, int attempt) {
    return build(model, baseVersion, DriftKind.CONCEPT, findings, 0.0, events, now, Objects.requireNonNull(detection),
        TriggerSignal.CADENCE, attempt);
  }

  private DriftTrigger build(String model, int baseVersion, DriftKind kind, List<DriftAssessment.Finding> findings,
      double severity, List<ObservedEvent> events, long now, String detection, TriggerSignal signal, int attempt) {
    TreeMap<Integer, long[]> ranges = new TreeMap<>();
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (ObservedEvent e : events) {
      long[] range = ranges.computeIfAbsent(e.partition(), p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      range[0] = Math.min(range[0], e.offset());
      range[1] = Math.max(range[1], e.offset());
      start = Math.min(start, e.eventTime());
      end = Math.max(end, e.eventTime());
    }
    List<PartitionRange> offsets = new ArrayList<>();
    StringBuilder identity = new StringBuilder(model).append('|').append(baseVersion);
    ranges.forEach((partition, range) -> {
      offsets.add(new PartitionRange(partition, range[0], range[1]));
      identity.append('|').append(partition).append(':').append(range[0]);
    });
    if (detection != null) {
      identity.append('|').append(detection);
    }
    List<Evidence> evidence = new ArrayList<>();
    for (DriftAssessment.Finding f : findings) {
      evidence.add(new Evidence(f.feature(), f.result().test(), f.result().statistic(), f.result().pValue(),
          f.result().threshold(), f.result().drifted()));
    }
    return DriftTrigger.newBuilder()
        .setTriggerId(UUID.nameUUIDFromBytes(identity.toString().getBytes(StandardCharsets.UTF_8)).toString())
        .setModel(model)
        .setBaseVersion(baseVersion)
        .setKind(kind)
        .setEvidence(evidence)
        .setWindow(new DataWindow(eventsTopic, start, end, (long) events.size(), offsets))
        .setSeverity(severity)
        .setDetectedAt(now)
        .setSignal(signal)
        .setAttempt(attempt)
        .build();
  }
}
