package dev.plasticity.trainer.run;

import dev.plasticity.schemas.ChangeCause;
import java.util.Objects;

/**
 * One move of a model's champion alias, as the registry's history records it: the version that
 * became the champion, why (the cause) and the reason given. Immutable.
 *
 * @param version the version the champion alias was set to
 * @param cause what moved it ({@link ChangeCause#RECALL} for a recall)
 * @param reason the reason recorded with the move; empty when none was
 */
record ChampionMove(int version, ChangeCause cause, String reason) {
  ChampionMove {
    Objects.requireNonNull(cause, "cause");
    reason = reason == null ? "" : reason;
  }
}
