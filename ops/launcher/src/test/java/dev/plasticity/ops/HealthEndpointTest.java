package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void answers200WhileEveryServiceIsUpAnd503OnceOneStopped() throws Exception {
    AtomicReference<ServiceHealth> trainer = new AtomicReference<>(ServiceHealth.up("trainer", "consuming triggers"));
    try (HealthEndpoint endpoint = HealthEndpoint.start("127.0.0.1", 0,
        () -> List.of(ServiceHealth.up("registry", "answering"), trainer.get()))) {
      HttpResponse<String> up = get(endpoint, "/health");
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(up.body()).contains("\"status\":\"up\"").contains("\"service\":\"registry\"");

      trainer.set(ServiceHealth.failed("trainer", new OutOfMemoryError("Java heap space")));
      HttpResponse<String> down = get(endpoint, "/health");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("\"status\":\"down\"").contains("\"state\":\"STOPPED\"")
          .contains("failed: java.lang.OutOfMemoryError: Java heap space");
    }
  }

  @Test
  void aServiceOnItsWayBackIsNotUp() throws Exception {
    try (HealthEndpoint endpoint = HealthEndpoint.start("127.0.0.1", 0,
        () -> List.of(ServiceHealth.recovering("drift-job", "RESTARTING: restarting after a failure")))) {
      assertThat(get(endpoint, "/health").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void listensOnLoopbackByDefaultAndAnswersOnlyGetHealth() throws Exception {
    try (HealthEndpoint endpoint = HealthEndpoint.start(HealthEndpoint.DEFAULT_HOST, 0, List::of)) {
      assertThat(endpoint.host()).isEqualTo("127.0.0.1");
      assertThat(get(endpoint, "/other").statusCode()).isEqualTo(404);
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(endpoint, "/health"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void aCheckThatThrowsIsReportedNotFatal() throws Exception {
    try (HealthEndpoint endpoint = HealthEndpoint.start("127.0.0.1", 0, () -> {
      throw new IllegalStateException("broker unreachable");
    })) {
      HttpResponse<String> response = get(endpoint, "/health");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("broker unreachable");
      assertThat(get(endpoint, "/health").statusCode()).isEqualTo(503); // still answering
    }
  }

  private HttpResponse<String> get(HealthEndpoint endpoint, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(endpoint, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(HealthEndpoint endpoint, String path) {
    return URI.create("http://127.0.0.1:" + endpoint.port() + path);
  }
}
