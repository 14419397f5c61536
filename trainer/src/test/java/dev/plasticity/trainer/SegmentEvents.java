package dev.plasticity.trainer;

import dev.plasticity.schemas.LabelledEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded events of three concepts that live in three regions of x3 and label x1, x2 (uniform on
 * [0, 10)) by different rules: a stream whose segments change, where each concept can be told
 * apart by its inputs. A: x3 in [0, 2.5), label 1 when x1 + x2 <= 7; B: x3 in [3.75, 6.25), label
 * 1 when x1 + x2 >= 10; C: x3 in [7.5, 10), label 1 when x1 >= 5.
 */
public enum SegmentEvents {
  A(0.0), B(3.75), C(7.5);

  private final double x3From;

  SegmentEvents(double x3From) {
    this.x3From = x3From;
  }

  /** {@code n} events of this concept from {@code seed}, one a millisecond from {@code firstTime}. */
  public List<LabelledEvent> generate(String model, int n, long seed, long firstTime) {
    Random random = new Random(seed);
    List<LabelledEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x1 = random.nextDouble() * 10;
      double x2 = random.nextDouble() * 10;
      double x3 = x3From + random.nextDouble() * 2.5;
      boolean one = switch (this) {
        case A -> x1 + x2 <= 7;
        case B -> x1 + x2 >= 10;
        case C -> x1 >= 5;
      };
      events.add(LabelledEvent.newBuilder().setEventId(model + "-" + name() + "-" + seed + "-" + i).setModel(model)
          .setEventTime(firstTime + i).setFeatures(Map.of("x1", x1, "x2", x2, "x3", x3)).setLabel(one ? 1 : 0)
          .build());
    }
    return events;
  }
}
