package dev.plasticity.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * The metrics of one Plasticity process: a Micrometer registry that Prometheus scrapes ({@link
 * #scrape()}, served by a Javalin route or a {@link MetricsEndpoint}), with the JVM's and the
 * process's own meters bound (memory, garbage collection, threads, classes, CPU, uptime, open
 * files). Services add their {@code plasticity_*} meters to {@link #registry()}; Micrometer's
 * Prometheus naming gives counters their {@code _total} suffix and timers their {@code _seconds}.
 *
 * <pre>{@code
 * try (ServiceMetrics metrics = ServiceMetrics.create();
 *     MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics)) {
 *   Counter.builder("plasticity.example").register(metrics.registry()).increment();
 *   // GET http://127.0.0.1:<endpoint.port()>/metrics has plasticity_example_total 1.0
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ServiceMetrics implements AutoCloseable {
  /** The content type of {@link #scrape()}: Prometheus' text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private ServiceMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
    this.registry = registry;
    this.gc = gc;
  }

  /** A registry with the JVM and process meters bound. */
  public static ServiceMetrics create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return new ServiceMetrics(registry, gc);
  }

  /** Where the service registers its meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter in Prometheus' text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Records one HTTP request as {@code plasticity_http_requests_seconds{method, route, status}}.
   *
   * @param route the route's pattern, e.g. {@code /api/models/{model}}, never the path itself (whose
   *     model names and versions would make a series each); {@code unmatched} when no route matched
   */
  public void httpRequest(String method, String route, int status, Duration took) {
    Timer.builder("plasticity.http.requests")
        .description("HTTP requests answered, by method, route pattern and status")
        .tag("method", method)
        .tag("route", route == null || route.isEmpty() ? "unmatched" : route)
        .tag("status", String.valueOf(status))
        .register(registry)
        .record(took);
  }

  /** Stops the garbage-collection listener and closes the registry. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
