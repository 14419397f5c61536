package dev.plasticity.streamjobs;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.PartitionRange;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Builds the {@link DriftTrigger} of a drifted window. The trigger id is a name-based UUID of
 * model, base version and the first offset per partition of the window (and, for a change
 * detector's alarm, which detector fired where), so replaying the same window yields the same id.
 * Immutable and thread-safe.
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
    for (DriftAssessment.Finding f : assessment.findings()) {
      evidence.add(new Evidence(f.feature(), f.result().test(), f.result().statistic(), f.result().pValue(),
          f.result().threshold(), f.result().drifted()));
    }
    return DriftTrigger.newBuilder()
        .setTriggerId(UUID.nameUUIDFromBytes(identity.toString().getBytes(StandardCharsets.UTF_8)).toString())
        .setModel(model)
        .setBaseVersion(baseVersion)
        .setKind(assessment.kind())
        .setEvidence(evidence)
        .setWindow(new DataWindow(eventsTopic, start, end, (long) events.size(), offsets))
        .setSeverity(assessment.severity())
        .setDetectedAt(now)
        .build();
  }
}
