package dev.plasticity.trainer;

import dev.plasticity.schemas.LabelledEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded SEA-concept events for tests: label 1 when x1 + x2 <= threshold (x3 is noise). */
public final class SeaEvents {
  private SeaEvents() {}

  public static List<LabelledEvent> generate(String model, int n, double threshold, long seed, long firstTime) {
    Random random = new Random(seed);
    List<LabelledEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x1 = random.nextDouble() * 10;
      double x2 = random.nextDouble() * 10;
      double x3 = random.nextDouble() * 10;
      events.add(LabelledEvent.newBuilder()
          .setEventId(model + "-" + seed + "-" + i)
          .setModel(model)
          .setEventTime(firstTime + i)
          .setFeatures(Map.of("x1", x1, "x2", x2, "x3", x3))
          .setLabel(x1 + x2 <= threshold ? 1 : 0)
          .build());
    }
    return events;
  }
}
