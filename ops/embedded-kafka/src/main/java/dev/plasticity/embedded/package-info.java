/**
 * A real Apache Kafka broker without Docker: {@link dev.plasticity.embedded.EmbeddedKafkaBroker}
 * starts a single-node KRaft broker in-process (for the embedded stack and the tests), and {@link
 * dev.plasticity.embedded.KafkaTopics} creates Plasticity's topics where they are missing.
 */
package dev.plasticity.embedded;
