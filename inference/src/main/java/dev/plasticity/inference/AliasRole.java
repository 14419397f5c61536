package dev.plasticity.inference;

import dev.plasticity.schemas.Aliases;
import java.util.Optional;

/**
 * What a version does for a model that serves it, by the alias it was given (or, for {@link
 * #PREVIOUS}, by having just stopped being the champion). The spelling of each alias is {@link
 * Aliases}'; this type is the one place that says which of them a prediction is the answer for.
 */
public enum AliasRole {
  /** The champion: answers every event that no canary takes. */
  CHAMPION(Aliases.CHAMPION, true),
  /** The challenger: answers the canary share of events, when a canary share is set. */
  CHALLENGER(Aliases.CHALLENGER, true),
  /** The shadow: scores every event beside the champion and answers none. */
  SHADOW(Aliases.SHADOW, false),
  /**
   * The champion before the last swap: scores every event beside its successor for a watch of events
   * so that live verification can compare the two, and answers none. Never a registry alias.
   */
  PREVIOUS(Aliases.PREVIOUS, false);

  private final String alias;
  private final boolean answers;

  AliasRole(String alias, boolean answers) {
    this.alias = alias;
    this.answers = answers;
  }

  /** The alias as predictions carry it in their {@code alias} field. */
  public String alias() {
    return alias;
  }

  /**
   * Whether a prediction of this role is the answer for its event ({@code served} in a
   * {@code Prediction}): true for the champion and the challenger (which scores only the events it
   * answers), false for the shadow and the previous champion.
   */
  public boolean answers() {
    return answers;
  }

  /**
   * The role a version given registry alias {@code alias} plays, empty for an alias no server follows
   * (an operator's own name, such as {@code prod-eu}).
   */
  public static Optional<AliasRole> ofRegistryAlias(String alias) {
    return ofPrediction(alias).filter(role -> role != PREVIOUS);
  }

  /**
   * The role a prediction's {@code alias} field names, {@link #PREVIOUS} included: the one place a
   * prediction's alias is read as text. Empty for an alias no scoring app writes.
   */
  public static Optional<AliasRole> ofPrediction(String alias) {
    for (AliasRole role : values()) {
      if (role.alias.equals(alias)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
