package dev.plasticity.registry.server;

import dev.plasticity.schemas.ModelVersion;

/**
 * Told by the {@link Registry} when a new champion has been stored, or when an older champion
 * serves again because the newer one was reported unservable.
 */
interface ChampionAnnouncer {
  /** Announces nothing: the registry runs without Kafka and champions stay unpublished. */
  ChampionAnnouncer NONE = version -> {};

  void championStored(ModelVersion version);
}
