package dev.plasticity.inference;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one {@link HotSwapPredictor}, each tagged with its {@code model}, as Prometheus
 * names them:
 *
 * <ul>
 *   <li>{@code plasticity_predictions_total}: events predicted;
 *   <li>{@code plasticity_predictions_failed_total{reason}}: events whose prediction failed, by
 *       {@link PredictionFailure#id()};
 *   <li>{@code plasticity_swaps_total}: versions swapped in, the first included;
 *   <li>{@code plasticity_served_version}: the version served (NaN before the first);
 *   <li>{@code plasticity_served_version_age_seconds}: how long it has been served;
 *   <li>{@code plasticity_active_parameters_per_row}: the mean parameters a row used in the served
 *       version, for networks that do not use all of them for every row (NaN otherwise);
 *   <li>{@code plasticity_prediction_latency_seconds}: the time of each predict call (one event,
 *       or one batch in one forward pass), with histogram buckets for quantiles.
 * </ul>
 *
 * <p>Counts are the predictor's own, from its start; the latency is timed from the moment the
 * meters are bound. Thread-safe.
 */
public final class ServingMetrics implements MeterBinder {
  private final HotSwapPredictor predictor;

  /** The meters of {@code predictor}, once {@link #bindTo bound} to a registry (one registry per predictor). */
  public ServingMetrics(HotSwapPredictor predictor) {
    this.predictor = Objects.requireNonNull(predictor, "predictor");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    String model = predictor.model();
    FunctionCounter.builder("plasticity.predictions", predictor, HotSwapPredictor::predictions)
        .description("events predicted").tag("model", model).register(registry);
    for (PredictionFailure reason : PredictionFailure.values()) {
      FunctionCounter.builder("plasticity.predictions.failed", predictor, p -> p.failedPredictions(reason))
          .description("events whose prediction failed, by reason").tag("model", model).tag("reason", reason.id())
          .register(registry);
    }
    FunctionCounter.builder("plasticity.swaps", predictor, HotSwapPredictor::swaps)
        .description("versions swapped in, the first one included").tag("model", model).register(registry);
    Gauge.builder("plasticity.served.version", predictor,
            p -> p.servedVersion().isPresent() ? p.servedVersion().getAsInt() : Double.NaN)
        .description("the version served").tag("model", model).strongReference(true).register(registry);
    Gauge.builder("plasticity.served.version.age", predictor, ServingMetrics::ageSeconds)
        .description("how long the served version has been served").baseUnit("seconds").tag("model", model)
        .strongReference(true).register(registry);
    Gauge.builder("plasticity.active.parameters.per.row", predictor,
            p -> p.activeParametersPerRow().orElse(Double.NaN))
        .description("mean parameters a row used in the served version, where routing or early exits vary it")
        .tag("model", model).strongReference(true).register(registry);
    Timer latency = Timer.builder("plasticity.prediction.latency")
        .description("time of one predict call: one event, or one batch in one forward pass")
        .tag("model", model)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    predictor.timeAnswersWith(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
  }

  private static double ageSeconds(HotSwapPredictor predictor) {
    return predictor.swappedAt()
        .map(at -> Duration.between(at, predictor.clock().instant()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }
}
