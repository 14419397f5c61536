/**
 * Test support shared by every module: {@link dev.plasticity.testkit.KafkaBroker}, a JUnit 5
 * extension that gives a test class a real Kafka broker with Plasticity's topics (Testcontainers
 * where Docker is reachable, the in-process broker otherwise), and {@link
 * dev.plasticity.testkit.FaultRecord}, what a fault case checked and counted, for the fault report.
 */
package dev.plasticity.testkit;
