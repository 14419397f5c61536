/**
 * Plasticity from a Java service, in one small artifact ({@code dev.plasticity:plasticity-client}):
 * {@link dev.plasticity.client.PlasticityClient} connects to Kafka and the model registry, serves a
 * model in the service's own JVM ({@link dev.plasticity.client.ServedModel}: subscribe, await the
 * first version, predict, hot-swapped as new versions come), and publishes the service's events and
 * their labels ({@link dev.plasticity.client.Event}) so drift is watched and new versions trained.
 * It needs no JVM flag, and brings neither a web server nor Kafka Streams onto the classpath.
 */
package dev.plasticity.client;
