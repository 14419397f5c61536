/**
 * Test support shared by every module: {@link dev.plasticity.testkit.KafkaBroker}, a JUnit 5
 * extension that gives a test class a real Kafka broker with Plasticity's topics (Testcontainers
 * where Docker is reachable, the in-process broker otherwise).
 */
package dev.plasticity.testkit;
