package dev.plasticity.trainer.run;

import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.schemas.ModelVersion;
import java.util.List;
import java.util.Optional;

/**
 * Where a run finds the version it starts from and puts the version it trains. {@link
 * RegistryVersionStore} is the model registry over HTTP; tests may keep versions in memory.
 * Implementations must be thread-safe.
 */
interface VersionStore {
  /** The model's definition, if it was given one ({@code plasticity model create}). */
  Optional<ModelDefinition> definition(String model);

  /** The model's champion, if it has one. */
  Optional<ModelVersion> champion(String model);

  /** Version {@code version} of {@code model}, if it exists. */
  Optional<ModelVersion> version(String model, int version);

  /** Every version of {@code model}, in any order; empty when it has none. */
  List<ModelVersion> versions(String model);

  /** The version trigger {@code triggerId} already produced, if any: the trigger id is the idempotency key. */
  Optional<ModelVersion> versionForTrigger(String model, String triggerId);

  /** Why the version was rejected by the serving side (it must not be a base again), if it was. */
  Optional<String> rejection(String model, int version);

  /**
   * The version's artifact, checked against its SHA-256.
   *
   * @throws RuntimeException when it cannot be read or does not match
   */
  byte[] downloadVerified(ModelVersion version);

  /**
   * Every move of the model's champion alias, oldest first; empty when it never had a champion.
   * Which versions have served, and which trigger recalled which version, are read from it.
   */
  List<ChampionMove> championMoves(String model);

  /**
   * Makes {@code version}, a past champion, the champion again in place of {@code replacing}, the
   * champion it was judged against, recorded as a recall with {@code reason}; no version is created.
   * The store checks {@code replacing} still serves in the same step as it moves the alias, so a
   * champion moved meanwhile (a promotion, a rollback) is never replaced on a verdict about another.
   *
   * @throws Recall.Refused when the store refuses it (the version never was the champion, was
   *     archived or rejected since, or {@code replacing} no longer is the champion): the run trains instead
   * @throws RuntimeException when the store is unreachable (the run fails and is retried)
   */
  void recall(String model, int version, int replacing, String reason);

  /**
   * Stores a new version with its artifact; the store numbers it and returns what it stored.
   *
   * @throws RuntimeException when the store is unreachable or refuses it (the run fails and is retried)
   */
  ModelVersion register(ModelVersion request, byte[] artifact);
}
