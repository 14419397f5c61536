package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the registry did shows in its Prometheus scrape, by model, alias, route and status. */
class RegistryMetricsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path artifactDir;

  @Test
  void versionsRejectionsAndRequestsAppearInTheScrape() throws Exception {
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(artifactDir).build())) {
      RegistryClient client = new RegistryClient(server.baseUri());
      client.ensureModel("sea");
      client.register(metadata("sea", "champion", "t-1"), artifact("one"));
      client.register(metadata("sea", "champion", "t-1"), artifact("one")); // the same trigger: nothing stored
      client.register(metadata("sea", "challenger", "t-2"), artifact("two"));
      client.reportRejection("sea", 2, "cannot load");
      client.reportRejection("sea", 2, "cannot load"); // the first report is kept, and counted once
      assertThat(get(server.baseUri().resolve("/api/models/sea/versions/9")).statusCode()).isEqualTo(404);
      assertThat(get(server.baseUri().resolve("/no/such/route")).statusCode()).isEqualTo(404);

      HttpResponse<String> scrape = get(server.baseUri().resolve("/metrics"));

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("plasticity_registry_versions_registered_total{alias=\"champion\",model=\"sea\"} 1.0")
          .contains("plasticity_registry_versions_registered_total{alias=\"challenger\",model=\"sea\"} 1.0")
          .contains("plasticity_registry_rejections_total{model=\"sea\"} 1.0")
          .contains("plasticity_http_requests_seconds_count{method=\"POST\",route=\"/api/models/{model}/versions\","
              + "status=\"201\"} 2")
          .contains("plasticity_http_requests_seconds_count{method=\"POST\",route=\"/api/models/{model}/versions\","
              + "status=\"200\"} 1")
          .contains("plasticity_http_requests_seconds_count{method=\"GET\",route=\"/api/models/{model}/versions/{version}\","
              + "status=\"404\"} 1")
          .contains("plasticity_http_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"} 1")
          .contains("jvm_memory_used_bytes");
    }
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
