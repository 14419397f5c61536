/**
 * The model registry service: versions and their metadata in a database (embedded H2 or
 * PostgreSQL), artifacts on the filesystem, champions announced on the compacted versions topic,
 * all behind one HTTP API. Its public face is {@link dev.plasticity.registry.server.RegistryServer}
 * (start one in-process, or run {@code main}), its {@link
 * dev.plasticity.registry.server.RegistryConfig}, and {@link
 * dev.plasticity.registry.server.RegistryEnvironment}, the environment variables {@code main}
 * reads. The store, the HTTP routes and the champion publisher are package-private.
 */
package dev.plasticity.registry.server;
