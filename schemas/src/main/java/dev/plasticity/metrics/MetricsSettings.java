package dev.plasticity.metrics;

import dev.plasticity.schemas.Setting;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a process without an HTTP API of its own (the scoring app and label join, the trainer, the
 * drift job's Prometheus reporter) answers Prometheus' scrapes, declared once as {@link Setting}s.
 * The registry and the prediction service answer {@code GET /metrics} on their own HTTP port and
 * read neither. Immutable and thread-safe.
 */
public final class MetricsSettings {
  /** The interface the metrics endpoint listens on. */
  public static final Setting<String> HOST = Setting.text("PLASTICITY_METRICS_HOST", "127.0.0.1",
      "the interface GET /metrics listens on (0.0.0.0 for every interface)");
  /** The port of the metrics endpoint; unset: none. */
  public static final Setting<Integer> PORT = Setting.port("PLASTICITY_METRICS_PORT", "",
      "the port of GET /metrics for Prometheus (0: any free port, printed at start; unset: no metrics endpoint)");

  /** Both, in the order a help lists them. */
  public static final List<Setting<?>> ALL = List.of(HOST, PORT);

  private MetricsSettings() {}

  /**
   * Starts the endpoint {@code env} asks for, if any.
   *
   * @throws IllegalArgumentException naming the variable that is malformed
   */
  public static Optional<MetricsEndpoint> startEndpoint(Map<String, String> env, ServiceMetrics metrics) {
    Optional<Integer> port = PORT.in(env);
    String host = HOST.require(env);
    return port.map(p -> MetricsEndpoint.start(host, p, metrics));
  }
}
