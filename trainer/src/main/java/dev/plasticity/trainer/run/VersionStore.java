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
   * Stores a new version with its artifact; the store numbers it and returns what it stored.
   *
   * @throws RuntimeException when the store is unreachable or refuses it (the run fails and is retried)
   */
  ModelVersion register(ModelVersion request, byte[] artifact);
}
