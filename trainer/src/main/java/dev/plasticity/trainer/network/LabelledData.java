package dev.plasticity.trainer.network;

import dev.plasticity.schemas.LabelledEvent;
import java.util.List;

/**
 * Events read back for one training run, oldest first, split into what the network learns from
 * and the most recent events it is judged on.
 */
public record LabelledData(List<LabelledEvent> events, int trainSize) {
  public LabelledData {
    events = List.copyOf(events);
    if (trainSize < 1 || trainSize >= events.size()) {
      throw new IllegalArgumentException(
          "need at least one training and one held-out event; trainSize " + trainSize + " of " + events.size());
    }
  }

  /** Splits chronologically: the newest {@code heldOutFraction} are held out. */
  public static LabelledData split(List<LabelledEvent> events, double heldOutFraction) {
    int heldOut = Math.max(1, (int) Math.round(events.size() * heldOutFraction));
    return new LabelledData(events, events.size() - heldOut);
  }

  public List<LabelledEvent> train() {
    return events.subList(0, trainSize);
  }

  public List<LabelledEvent> heldOut() {
    return events.subList(trainSize, events.size());
  }

  public int numClasses() {
    int max = 1;
    for (LabelledEvent e : events) {
      max = Math.max(max, e.getLabel());
    }
    return max + 1;
  }
}
