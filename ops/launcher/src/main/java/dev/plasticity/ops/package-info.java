/**
 * The {@code plasticity} launcher: {@link dev.plasticity.ops.Plasticity} is its command line (the
 * embedded stack, the demo, and one command per service for the distributed setup, each with the
 * environment variables it reads in its {@code --help}); {@link dev.plasticity.ops.EmbeddedStack}
 * runs Kafka, the registry, the drift job, the trainer and an inference subscription in one JVM, for
 * the demo and the end-to-end tests. Health endpoints, the commands and their configuration are
 * package-private.
 */
package dev.plasticity.ops;
