package dev.plasticity.registry.server;

import dev.plasticity.schemas.DriftTrigger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The last {@code perModel} drift triggers of each model, as the console shows them: newest first,
 * one entry per trigger id (a trigger delivered again is kept once, where it first arrived). At most
 * {@code maxModels} models are kept; past that, the model whose triggers arrived least recently is
 * forgotten. A read-only view of the triggers topic: it decides nothing. Thread-safe.
 */
final class TriggerLog {
  private final int perModel;
  private final int maxModels;
  private final Map<String, Deque<DriftTrigger>> byModel;

  /**
   * @param perModel how many triggers of one model are kept, at least 1
   * @param maxModels how many models are kept, at least 1
   */
  TriggerLog(int perModel, int maxModels) {
    if (perModel < 1) {
      throw new IllegalArgumentException("perModel must be at least 1, got " + perModel);
    }
    if (maxModels < 1) {
      throw new IllegalArgumentException("maxModels must be at least 1, got " + maxModels);
    }
    this.perModel = perModel;
    this.maxModels = maxModels;
    this.byModel = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Deque<DriftTrigger>> eldest) {
        return size() > TriggerLog.this.maxModels;
      }
    };
  }

  /** Keeps {@code trigger} as its model's newest, dropping the oldest beyond {@code perModel}. */
  synchronized void add(DriftTrigger trigger) {
    Objects.requireNonNull(trigger, "trigger");
    Deque<DriftTrigger> triggers = byModel.remove(trigger.getModel()); // re-inserted: the most recent model
    if (triggers == null) {
      triggers = new ArrayDeque<>();
    }
    byModel.put(trigger.getModel(), triggers);
    for (var it = triggers.iterator(); it.hasNext(); ) {
      if (it.next().getTriggerId().equals(trigger.getTriggerId())) {
        return; // a redelivery: the first copy stays where it was
      }
    }
    triggers.addFirst(trigger);
    while (triggers.size() > perModel) {
      triggers.removeLast();
    }
  }

  /** {@code model}'s kept triggers, newest first; empty when none arrived. */
  synchronized List<DriftTrigger> recent(String model) {
    Deque<DriftTrigger> triggers = byModel.get(model);
    return triggers == null ? List.of() : List.copyOf(new ArrayList<>(triggers));
  }
}
