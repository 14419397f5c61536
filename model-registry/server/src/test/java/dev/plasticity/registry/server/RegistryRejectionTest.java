package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.schemas.ModelVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version a server could not serve stops being the champion; the one before it serves again. */
class RegistryRejectionTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);

  @TempDir Path artifactDir;
  private RegistryServer server;
  private RegistryClient client;

  @BeforeEach
  void start() {
    server = RegistryServer.start(TestVersions.inMemory(artifactDir).clock(CLOCK).build());
    client = new RegistryClient(server.baseUri());
    client.ensureModel("sea");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aRejectedChampionIsNoLongerTheChampionAndTheOneBeforeItIs() throws Exception {
    ModelVersion first = client.register(metadata("sea", "champion", "t-1"), artifact("one"));
    client.register(metadata("sea", "champion", "t-2"), artifact("two"));
    client.register(metadata("sea", "challenger", "t-3"), artifact("three"));

    client.reportRejection("sea", 2, "inference could not load v2: shape mismatch");

    assertThat(client.champion("sea")).contains(first);
    assertThat(client.rejection("sea", 2)).contains("inference could not load v2: shape mismatch");
    assertThat(client.rejection("sea", 1)).isEmpty();
    assertThat(modelSummary("sea")).containsEntry("championVersion", 1).containsEntry("latestVersion", 3);
  }

  @Test
  void aRejectionAnswersReasonAndTimeAndASecondReportKeepsTheFirst() throws Exception {
    client.register(metadata("sea", "champion", null), artifact("one"));

    HttpResponse<String> first = postRejection("/api/models/sea/versions/1/rejection", "{\"reason\": \"corrupt weights\"}");
    HttpResponse<String> second = postRejection("/api/models/sea/versions/1/rejection", "{\"reason\": \"something else\"}");
    HttpResponse<String> read = get("/api/models/sea/versions/1/rejection");

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(object(read.body()))
        .containsEntry("reason", "corrupt weights").containsEntry("rejectedAt", CLOCK.millis());
    assertThat(object(second.body())).containsEntry("reason", "corrupt weights");
    assertThat(client.champion("sea")).isEmpty();
  }

  @Test
  void rejectionsOfWhatDoesNotExistOrWithoutAReasonAreRefused() throws Exception {
    client.register(metadata("sea", "champion", null), artifact("one"));

    assertThat(postRejection("/api/models/sea/versions/7/rejection", "{\"reason\": \"x\"}").statusCode()).isEqualTo(404);
    assertThat(postRejection("/api/models/lake/versions/1/rejection", "{\"reason\": \"x\"}").statusCode()).isEqualTo(404);
    assertThat(get("/api/models/sea/versions/7/rejection").statusCode()).isEqualTo(404);
    assertThat(postRejection("/api/models/sea/versions/1/rejection", "{\"reason\": \"\"}").statusCode()).isEqualTo(400);
    assertThat(postRejection("/api/models/sea/versions/1/rejection", "[1, 2]").statusCode()).isEqualTo(400);
    assertThat(postRejection("/api/models/sea/versions/1/rejection", "{not json").statusCode()).isEqualTo(400);
    assertThat(postRejection("/api/models/sea/versions/1/rejection", "{\"reason\": 42}").statusCode()).isEqualTo(400);
    assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/models/sea/versions/1/rejection"))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("broken")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(415);
    assertThatThrownBy(() -> client.reportRejection("sea", 1, "x".repeat(5000))).hasMessageContaining("4096");
    assertThat(client.rejection("sea", 1)).isEmpty();
    assertThat(client.champion("sea")).isPresent();
  }

  private Map<String, Object> modelSummary(String model) throws Exception {
    List<Map<String, Object>> models = RegistryJson.mapper().readValue(get("/api/models").body(),
        RegistryJson.mapper().getTypeFactory().constructCollectionType(List.class, Map.class));
    return models.stream().filter(m -> model.equals(m.get("name"))).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String json) throws Exception {
    return RegistryJson.mapper().readValue(json, Map.class);
  }

  private HttpResponse<String> postRejection(String path, String json) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUri() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUri() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
