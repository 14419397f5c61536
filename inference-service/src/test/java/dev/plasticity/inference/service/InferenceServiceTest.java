package dev.plasticity.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.registry.client.RegistryClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceServiceTest {
  private static final String MODEL = "http-served";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void answersUnavailableUntilAVersionIsServedThenPredictsWithIt() throws Exception {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL);
        InferenceService service = InferenceService.start(0, predictor, null)) {
      URI base = service.baseUri();
      assertThat(get(base.resolve("/health")).statusCode()).isEqualTo(503);
      HttpResponse<String> early = post(base.resolve("/api/predict"), "{\"features\":{\"x1\":1,\"x2\":2,\"x3\":3}}");
      assertThat(early.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(early.body()).get("error").asText())
          .isEqualTo("no model version is being served yet for model http-served");

      ServingFixtures.serve(predictor, 7);

      assertThat(get(base.resolve("/health")).statusCode()).isEqualTo(200);
      HttpResponse<String> answer = post(base.resolve("/api/predict"), "{\"features\":{\"x1\":1,\"x2\":2,\"x3\":3}}");
      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode prediction = JSON.readTree(answer.body());
      assertThat(prediction.get("modelVersion").asInt()).isEqualTo(7);
      assertThat(prediction.get("probabilities")).hasSize(2);
      assertThat(prediction.get("label").asInt()).isBetween(0, 1);

      HttpResponse<String> batch = post(base.resolve("/api/predict/batch"),
          "{\"rows\":[{\"x1\":1,\"x2\":2,\"x3\":3},{\"x1\":9,\"x2\":8,\"x3\":7}]}");
      assertThat(JSON.readTree(batch.body())).hasSize(2);

      JsonNode status = JSON.readTree(get(base.resolve("/api/model")).body());
      assertThat(status.get("model").asText()).isEqualTo(MODEL);
      assertThat(status.get("servedVersion").asInt()).isEqualTo(7);
      assertThat(status.get("swappedAt").asText()).isNotEmpty();
      assertThat(status.get("predictions").asLong()).isEqualTo(3);
      assertThat(status.get("failedPredictions").asLong()).isEqualTo(1);
      assertThat(status.get("rejectedVersions").asInt()).isZero();
      assertThat(status.get("activeParametersPerRow").isNull()).as("an mlp uses every parameter for every row").isTrue();
    }
  }

  @Test
  void recordsTheLabelsALaggedVersionReads() throws Exception {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL);
        InferenceService service = InferenceService.start(0, predictor, null)) {
      URI labels = service.baseUri().resolve("/api/labels");

      assertThat(post(labels, "{\"label\":1}").statusCode()).isEqualTo(204);
      assertThat(post(labels, "{\"label\":-1}").statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(post(labels, "{}").body()).get("error").asText()).contains("\"label\"");
    }
  }

  @Test
  void namesAMissingFeatureAndUnreadableJsonAsBadRequests() throws Exception {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL);
        InferenceService service = InferenceService.start(0, predictor, null)) {
      ServingFixtures.serve(predictor, 1);
      HttpResponse<String> missing = post(service.baseUri().resolve("/api/predict"), "{\"features\":{\"x1\":1}}");
      assertThat(missing.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(missing.body()).get("error").asText()).contains("'x2' is missing");

      assertThat(post(service.baseUri().resolve("/api/predict"), "{not json").statusCode()).isEqualTo(400);
      assertThat(post(service.baseUri().resolve("/api/predict"), "{}").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void listensOnlyOnTheLoopbackInterfaceByDefault() throws Exception {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL);
        InferenceService service = InferenceService.start(0, predictor, null)) {
      assertThat(service.baseUri().getHost()).isEqualTo("127.0.0.1");
      assertThat(get(service.baseUri().resolve("/health")).statusCode()).isEqualTo(503);

      List<InetAddress> others = NetworkInterface.networkInterfaces()
          .flatMap(NetworkInterface::inetAddresses)
          .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
          .toList();
      for (InetAddress other : others) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(other, service.port()), 2_000);
          throw new AssertionError("the service answers on " + other.getHostAddress() + ", not only on 127.0.0.1");
        } catch (java.net.ConnectException | java.net.SocketTimeoutException | java.net.NoRouteToHostException refused) {
          // refused: nothing listens there
        }
      }
    }
  }

  @Test
  void exportsPredictionsFailuresTheServedVersionAndRequestsToPrometheus() throws Exception {
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL);
        InferenceService service = InferenceService.start(0, predictor,
            new ModelLoader(new RegistryClient(URI.create("http://127.0.0.1:9")), predictor))) {
      URI base = service.baseUri();
      post(base.resolve("/api/predict"), "{\"features\":{\"x1\":1,\"x2\":2,\"x3\":3}}"); // 503: nothing served
      ServingFixtures.serve(predictor, 7);
      post(base.resolve("/api/predict"), "{\"features\":{\"x1\":1,\"x2\":2,\"x3\":3}}");
      post(base.resolve("/api/predict/batch"), "{\"rows\":[{\"x1\":1,\"x2\":2,\"x3\":3},{\"x1\":9,\"x2\":8,\"x3\":7}]}");
      post(base.resolve("/api/predict"), "{\"features\":{\"x1\":1}}"); // 400: x2 and x3 are missing

      HttpResponse<String> scrape = get(base.resolve("/metrics"));

      assertThat(scrape.statusCode()).isEqualTo(200);
      String tag = "{model=\"" + MODEL + "\"}";
      assertThat(scrape.body())
          .contains("plasticity_predictions_total" + tag + " 3.0")
          .contains("plasticity_predictions_failed_total{model=\"" + MODEL + "\",reason=\"no-version-served\"} 1.0")
          .contains("plasticity_predictions_failed_total{model=\"" + MODEL + "\",reason=\"invalid-input\"} 1.0")
          .contains("plasticity_swaps_total" + tag + " 1.0")
          .contains("plasticity_served_version" + tag + " 7.0")
          .contains("plasticity_served_version_age_seconds" + tag)
          .contains("plasticity_rejected_versions_total" + tag + " 0.0")
          .contains("plasticity_prediction_latency_seconds_count" + tag + " 2")
          .contains("plasticity_http_requests_seconds_count{method=\"POST\",route=\"/api/predict\",status=\"200\"} 1")
          .contains("plasticity_http_requests_seconds_count{method=\"POST\",route=\"/api/predict\",status=\"503\"} 1")
          .contains("plasticity_http_requests_seconds_count{method=\"POST\",route=\"/api/predict\",status=\"400\"} 1")
          .contains("plasticity_http_requests_seconds_count{method=\"POST\",route=\"/api/predict/batch\",status=\"200\"} 1")
          .contains("jvm_memory_used_bytes");
    }
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(URI uri, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
