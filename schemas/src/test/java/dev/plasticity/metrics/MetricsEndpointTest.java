package dev.plasticity.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void servesTheRegistryInPrometheusTextWithTheJvmMeters() throws Exception {
    try (ServiceMetrics metrics = ServiceMetrics.create();
        MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics)) {
      Counter.builder("plasticity.example.events").tag("model", "sea").register(metrics.registry()).increment(3);
      metrics.httpRequest("GET", "/api/models/{model}", 404, Duration.ofMillis(2));
      metrics.httpRequest("GET", "", 404, Duration.ofMillis(1));

      HttpResponse<String> scrape = get(endpoint.uri());

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).contains(ServiceMetrics.CONTENT_TYPE);
      assertThat(scrape.body())
          .contains("plasticity_example_events_total{model=\"sea\"} 3.0")
          .contains("plasticity_http_requests_seconds_count{method=\"GET\",route=\"/api/models/{model}\",status=\"404\"} 1")
          .contains("plasticity_http_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"} 1")
          .contains("jvm_memory_used_bytes")
          .contains("jvm_threads_live_threads")
          .contains("process_uptime_seconds")
          .contains("process_cpu_usage");
    }
  }

  @Test
  void answersOtherPathsWith404AndOtherMethodsWith405() throws Exception {
    try (ServiceMetrics metrics = ServiceMetrics.create();
        MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics)) {
      assertThat(get(endpoint.uri().resolve("/health")).statusCode()).isEqualTo(404);
      HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(endpoint.uri())
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void startsOnlyWhenAPortIsConfigured() {
    try (ServiceMetrics metrics = ServiceMetrics.create()) {
      assertThat(MetricsSettings.startEndpoint(Map.of(), metrics)).isEmpty();
      try (MetricsEndpoint endpoint = MetricsSettings.startEndpoint(Map.of("PLASTICITY_METRICS_PORT", "0"), metrics)
          .orElseThrow()) {
        assertThat(endpoint.port()).isPositive();
        assertThat(endpoint.uri().toString()).isEqualTo("http://127.0.0.1:" + endpoint.port() + "/metrics");
      }
      assertThatThrownBy(() -> MetricsSettings.startEndpoint(Map.of("PLASTICITY_METRICS_PORT", "70000"), metrics))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLASTICITY_METRICS_PORT");
    }
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
