package dev.plasticity.trainer;

import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.TriggerSignal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which of a poll's triggers are cadence updates a newer trigger of the same model, queued behind
 * them, makes pointless: the newer one reads newer events (a later cadence's window, or a drift's,
 * which the policy answers on its own). A cadence falls due every so many events whatever the
 * trainer is doing, so at a high event rate they queue up faster than a run ends; without this a
 * drift trigger would wait behind all of them. Drift and warning triggers are never skipped.
 */
final class QueuedCadences {
  private QueuedCadences() {}

  /**
   * For each trigger of a poll, in order (null for one that does not decode), the id of the newer
   * trigger of its model that makes it pointless, or empty.
   */
  static List<Optional<String>> supersededBy(List<DriftTrigger> polled) {
    Map<String, String> newest = new HashMap<>(); // model -> id of its last trigger in the poll
    Optional<String>[] skip = newOptionals(polled.size());
    for (int i = polled.size() - 1; i >= 0; i--) {
      DriftTrigger trigger = polled.get(i);
      if (trigger == null) {
        continue;
      }
      String model = trigger.getModel().toString();
      String later = newest.get(model);
      if (later != null && trigger.getSignal() == TriggerSignal.CADENCE) {
        skip[i] = Optional.of(later);
      }
      newest.putIfAbsent(model, trigger.getTriggerId().toString());
    }
    return List.of(skip);
  }

  @SuppressWarnings("unchecked")
  private static Optional<String>[] newOptionals(int n) {
    Optional<String>[] all = new Optional[n];
    java.util.Arrays.fill(all, Optional.empty());
    return all;
  }
}
