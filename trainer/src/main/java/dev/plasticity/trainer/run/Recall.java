package dev.plasticity.trainer.run;

import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.ModelVersion;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which earlier versions a drift may bring back, and how a recall is recorded. The candidates are
 * the model's past champions, as the registry's history of champion moves names them, other than
 * the serving version and still listed (not archived), most recently serving first, at most
 * {@link #MAX_CANDIDATES}. A stream whose concepts recur (seasons, regimes, a machine's modes)
 * finds the concept's version already trained; scoring a few of them costs a prediction pass each,
 * far less than a training run. Each candidate spends a share of the gate's significance, so a few
 * keep the gate's power.
 *
 * <p>A recall moves the champion alias back to the past version itself (the registry's recall, cause
 * {@link ChangeCause#RECALL}); no version is created. Its reason starts with {@link #reasonPrefix},
 * which names the trigger, so a retried trigger finds its recall in the history ({@link #recalledBy}).
 * Stateless.
 */
final class Recall {
  /** The strategy a recall is reported under (progress, the runs metric). */
  static final String STRATEGY = "recall";
  /** The most earlier champions scored for a drift. */
  static final int MAX_CANDIDATES = 4;

  private Recall() {}

  /**
   * The past champions among {@code versions} that may be recalled instead of {@code serving}:
   * versions {@code moves} made the champion, listed in {@code versions} (archived ones are not),
   * other than {@code serving}, the most recently serving first.
   */
  static List<ModelVersion> candidates(List<ModelVersion> versions, List<ChampionMove> moves, int serving) {
    Map<Integer, ModelVersion> listed = versions.stream()
        .collect(Collectors.toMap(ModelVersion::getVersion, Function.identity(), (a, b) -> a));
    Set<Integer> newestFirst = new LinkedHashSet<>();
    for (int i = moves.size() - 1; i >= 0; i--) {
      newestFirst.add(moves.get(i).version());
    }
    List<ModelVersion> candidates = new ArrayList<>();
    for (int version : newestFirst) {
      ModelVersion v = listed.get(version);
      if (version != serving && v != null && candidates.size() < MAX_CANDIDATES) {
        candidates.add(v);
      }
    }
    return candidates;
  }

  /** How the reason of a recall for {@code triggerId} begins. */
  static String reasonPrefix(String triggerId) {
    return "trigger " + triggerId + ": ";
  }

  /** The version {@code triggerId} recalled, if {@code moves} record a recall for it. */
  static Optional<Integer> recalledBy(List<ChampionMove> moves, String triggerId) {
    String prefix = reasonPrefix(triggerId);
    return moves.stream().filter(m -> m.cause() == ChangeCause.RECALL && m.reason().startsWith(prefix))
        .map(ChampionMove::version).reduce((first, second) -> second);
  }

  /**
   * The store refused a recall: the version never was the champion, or was archived or rejected
   * since (the registry's 409). The run trains instead.
   */
  static final class Refused extends RuntimeException {
    Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
