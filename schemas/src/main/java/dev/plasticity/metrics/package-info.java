/**
 * What every Plasticity service shares to export metrics to Prometheus: {@link
 * dev.plasticity.metrics.ServiceMetrics}, one Micrometer registry per process with the JVM's and
 * the process's meters; {@link dev.plasticity.metrics.MetricsEndpoint}, {@code GET /metrics} for a
 * process without an HTTP API; and {@link dev.plasticity.metrics.MetricsSettings}, where that
 * endpoint listens. Micrometer's Prometheus registry is a {@code provided} dependency of this
 * module: a service that exports metrics brings it.
 */
package dev.plasticity.metrics;
