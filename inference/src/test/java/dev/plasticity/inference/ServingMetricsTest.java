package dev.plasticity.inference;

import static dev.plasticity.inference.TestModels.event;
import static dev.plasticity.inference.TestModels.serving;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.metrics.ServiceMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServingMetricsTest {
  private static final String MODEL = "metered";

  @Test
  void predictionsFailuresSwapsAndTheServedVersionAppearInTheScrape() {
    Instant swapped = Instant.parse("2026-01-01T00:00:00Z");
    MovableClock clock = new MovableClock(swapped);
    try (ServiceMetrics metrics = ServiceMetrics.create(); HotSwapPredictor predictor = new HotSwapPredictor(MODEL, clock)) {
      new ServingMetrics(predictor).bindTo(metrics.registry());
      String before = metrics.scrape();
      assertThatThrownBy(() -> predictor.predict(event(1, 2, 3))).isInstanceOf(IllegalStateException.class);

      predictor.swap(serving(MODEL, 2));
      predictor.swap(serving(MODEL, 3));
      predictor.predict(event(1, 2, 3));
      predictor.predictBatch(List.of(event(1, 2, 3), event(4, 5, 6)));
      assertThatThrownBy(() -> predictor.predict(Map.of("x1", 1.0))).isInstanceOf(IllegalArgumentException.class);
      clock.now = swapped.plusSeconds(90);

      assertThat(before).contains("plasticity_served_version{model=\"metered\"} NaN");
      assertThat(metrics.scrape())
          .contains("plasticity_predictions_total{model=\"metered\"} 3.0")
          .contains("plasticity_predictions_failed_total{model=\"metered\",reason=\"no-version-served\"} 1.0")
          .contains("plasticity_predictions_failed_total{model=\"metered\",reason=\"invalid-input\"} 1.0")
          .contains("plasticity_predictions_failed_total{model=\"metered\",reason=\"error\"} 0.0")
          .contains("plasticity_swaps_total{model=\"metered\"} 2.0")
          .contains("plasticity_served_version{model=\"metered\"} 3.0")
          .contains("plasticity_served_version_age_seconds{model=\"metered\"} 90.0")
          .contains("plasticity_active_parameters_per_row{model=\"metered\"} NaN")
          .contains("plasticity_prediction_latency_seconds_count{model=\"metered\"} 2")
          .contains("plasticity_prediction_latency_seconds_bucket{model=\"metered\",le=\"+Inf\"} 2");
    }
  }

  /** A clock a test moves by hand. */
  private static final class MovableClock extends Clock {
    volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
