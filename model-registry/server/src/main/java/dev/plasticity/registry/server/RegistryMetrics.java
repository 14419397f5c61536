package dev.plasticity.registry.server;

import dev.plasticity.metrics.ServiceMetrics;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * The registry's own meters, besides the JVM's: {@code plasticity_registry_versions_registered_total{model,
 * alias}} (versions stored, not the uploads a trigger id answered already), {@code
 * plasticity_registry_rejections_total{model}} (versions a server reported it cannot serve, first
 * report only), {@code plasticity_registry_console_records_total{topic}} and {@code
 * plasticity_registry_console_records_skipped_total{topic, reason}} (records the console's feed read,
 * and those it skipped) and, through {@link ServiceMetrics#httpRequest}, {@code
 * plasticity_http_requests_seconds{method, route, status}}.
 *
 * <p>Thread-safe.
 */
final class RegistryMetrics {
  /** Meters that go nowhere, for a {@link Registry} built without a server (tests). */
  static final RegistryMetrics NONE = new RegistryMetrics(new CompositeMeterRegistry(), null);

  private final MeterRegistry registry;
  private final ServiceMetrics service;

  private RegistryMetrics(MeterRegistry registry, ServiceMetrics service) {
    this.registry = registry;
    this.service = service;
  }

  /** The registry's meters in {@code service}'s registry. */
  static RegistryMetrics of(ServiceMetrics service) {
    return new RegistryMetrics(Objects.requireNonNull(service, "service").registry(), service);
  }

  /** A new version of {@code model} was stored under {@code alias}. */
  void versionRegistered(String model, String alias) {
    Counter.builder("plasticity.registry.versions.registered")
        .description("versions stored, by model and the alias they were registered as")
        .tag("model", model).tag("alias", String.valueOf(alias))
        .register(registry).increment();
  }

  /** A version of {@code model} was reported unservable for the first time. */
  void rejected(String model) {
    Counter.builder("plasticity.registry.rejections")
        .description("versions a server reported it cannot serve (first report of each)")
        .tag("model", model)
        .register(registry).increment();
  }

  /** The console's feed read a record of {@code topic}. */
  void consoleRecord(String topic) {
    Counter.builder("plasticity.registry.console.records")
        .description("records the console's feed read, by topic (skipped ones included)")
        .tag("topic", topic)
        .register(registry).increment();
  }

  /** The console's feed skipped a record of {@code topic}. */
  void consoleRecordSkipped(String topic, ConsoleViews.SkipReason reason) {
    Counter.builder("plasticity.registry.console.records.skipped")
        .description("records the console's feed skipped, by topic and reason (undecodable, invalid)")
        .tag("topic", topic).tag("reason", reason.label())
        .register(registry).increment();
  }

  /** Records an answered request; Javalin's request logger calls it once per request. */
  void requestAnswered(Context ctx, Float executionMillis) {
    if (service != null) {
      // a request no route matched never left the BEFORE stage, where Javalin has no route pattern
      String route = ctx.handlerType() == HandlerType.BEFORE ? "" : ctx.endpointHandlerPath();
      service.httpRequest(ctx.method().name(), route, ctx.statusCode(),
          Duration.ofNanos((long) (executionMillis * 1_000_000L)));
    }
  }
}
