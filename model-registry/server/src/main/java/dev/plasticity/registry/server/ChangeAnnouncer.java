package dev.plasticity.registry.server;

/**
 * Told by the {@link Registry} when it recorded a change (a version registered, an alias moved, a
 * version archived or rejected), so that what is pending is published now rather than at the
 * next retry.
 */
interface ChangeAnnouncer {
  /** Announces nothing: the registry runs without Kafka and its changes stay unpublished. */
  ChangeAnnouncer NONE = model -> {};

  /** {@code model} has a change to publish. */
  void changed(String model);
}
