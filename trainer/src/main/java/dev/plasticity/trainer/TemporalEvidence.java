package dev.plasticity.trainer;

import dev.plasticity.schemas.LabelledEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How much a stream's labels depend on the labels before them, over events in event-time order:
 * the accuracy of the no-change classifier (it predicts the previous label; the first event has
 * none and counts as a miss) against that of the majority class. A gain of the former over the
 * latter is the temporal dependence that temporal kappa measures (Žliobaitė et al., Machine
 * Learning 2015). Immutable.
 *
 * @param events how many events were weighed
 * @param noChangeAccuracy share of events whose label equals the previous event's
 * @param majorityAccuracy share of events labelled with the most common label
 */
record TemporalEvidence(int events, double noChangeAccuracy, double majorityAccuracy) {
  /** The evidence of {@code events}, oldest first. */
  static TemporalEvidence of(List<LabelledEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("temporal evidence needs at least one event");
    }
    Map<Integer, Integer> counts = new HashMap<>();
    int same = 0;
    for (int i = 0; i < events.size(); i++) {
      int label = events.get(i).getLabel();
      counts.merge(label, 1, Integer::sum);
      if (i > 0 && events.get(i - 1).getLabel() == label) {
        same++;
      }
    }
    int majority = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    return new TemporalEvidence(events.size(), same / (double) events.size(), majority / (double) events.size());
  }

  /** How much more accurate predicting the previous label is than predicting the majority class. */
  double gain() {
    return noChangeAccuracy - majorityAccuracy;
  }
}
