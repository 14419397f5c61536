package dev.plasticity.trainer.run;

import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.ModelVersion;
import java.util.Comparator;
import java.util.List;

/**
 * Which earlier versions a drift may bring back: champions other than the serving version, newest
 * first, at most {@link #MAX_CANDIDATES}. A stream whose concepts recur (seasons, regimes, a
 * machine's modes) finds the concept's version already trained; scoring a few of them costs a
 * prediction pass each, far less than a training run. Each candidate spends a share of the gate's
 * significance, so a few keep the gate's power.
 */
final class Recall {
  /** The lineage strategy of a recalled version. */
  static final String STRATEGY = "recall";
  /** The most earlier champions scored for a drift. */
  static final int MAX_CANDIDATES = 4;

  private Recall() {}

  /** The earlier champions of {@code versions} that may be recalled instead of {@code serving}, newest first. */
  static List<ModelVersion> candidates(List<ModelVersion> versions, int serving) {
    return versions.stream()
        .filter(v -> Aliases.CHAMPION.contentEquals(v.getAlias()) && v.getVersion() != serving)
        .sorted(Comparator.comparingInt(ModelVersion::getVersion).reversed())
        .limit(MAX_CANDIDATES)
        .toList();
  }
}
