package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.plasticity.schemas.ModelVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client sends and how it resolves artifact locations. The HTTP tests run a real HTTP
 * server (the JDK's) that records each request and answers as the registry's contract says.
 */
class RegistryClientTest {
  private static final String TOKEN = "s3cret-token-value";

  private HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  /** Answers by "METHOD path": status and body. */
  private final Map<String, Answer> answers = new java.util.concurrent.ConcurrentHashMap<>();

  record Recorded(String method, String path, String authorization, String contentType, byte[] body) {}

  record Answer(int status, byte[] body) {}

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::record);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void record(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    requests.add(new Recorded(method, path, exchange.getRequestHeaders().getFirst("Authorization"),
        exchange.getRequestHeaders().getFirst("Content-Type"), body));
    Answer answer = answers.getOrDefault(method + " " + path,
        new Answer(404, "{\"error\":\"no such route\"}".getBytes(StandardCharsets.UTF_8)));
    exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    exchange.getResponseBody().write(answer.body());
    exchange.close();
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static ModelVersion storedAt(String artifactUri) {
    return ModelVersion.newBuilder(RegistryJsonTest.sample()).setVersion(3).setArtifactUri(artifactUri).build();
  }

  @Test
  void resolvesARelativeArtifactLocationAgainstItsRegistry() {
    RegistryClient client = new RegistryClient(URI.create("http://registry.internal:9000"));

    assertThat(client.artifactLocation(storedAt("api/models/sea/versions/3/artifact")))
        .isEqualTo(URI.create("http://registry.internal:9000/api/models/sea/versions/3/artifact"));
  }

  @Test
  void resolvesAnAbsoluteUriWrittenByAnOlderRegistryByItsPathOnly() {
    RegistryClient client = new RegistryClient(URI.create("http://127.0.0.1:40123"));

    assertThat(client.artifactLocation(storedAt("http://127.0.0.1:8081/api/models/sea/versions/3/artifact")))
        .as("the host and port of the registry that wrote it may be gone")
        .isEqualTo(URI.create("http://127.0.0.1:40123/api/models/sea/versions/3/artifact"));
  }

  @Test
  void keepsThePathPrefixOfARegistryBehindAProxy() {
    RegistryClient client = new RegistryClient(URI.create("https://gateway.example/registry/"));

    assertThat(client.artifactLocation(storedAt("api/models/sea/versions/3/artifact")))
        .isEqualTo(URI.create("https://gateway.example/registry/api/models/sea/versions/3/artifact"));
    assertThat(client.artifactLocation(storedAt("http://old-host:8081/api/models/sea/versions/3/artifact")))
        .isEqualTo(URI.create("https://gateway.example/registry/api/models/sea/versions/3/artifact"));
  }

  @Test
  void refusesAVersionThatNamesNoArtifactLocation() {
    RegistryClient client = new RegistryClient(URI.create("http://127.0.0.1:40123"));

    assertThatThrownBy(() -> client.artifactLocation(storedAt("")))
        .isInstanceOf(RegistryException.class).hasMessageContaining("names no artifact location");
  }

  @Test
  void neverShowsItsTokenInItsDescription() {
    RegistryClient client = new RegistryClient(URI.create("http://127.0.0.1:40123"), Duration.ofSeconds(5), TOKEN);

    assertThat(client.toString()).doesNotContain(TOKEN).contains("with a bearer token");
    assertThat(client.withToken("other-token").toString()).doesNotContain("other-token");
  }

  @Test
  void sendsTheBearerTokenWithEveryRequestWhenItHasOne() {
    answers.put("PUT /api/models/sea", new Answer(201, new byte[0]));
    answers.put("GET /api/models/sea/champion", new Answer(404, "{\"error\":\"none\"}".getBytes(StandardCharsets.UTF_8)));
    RegistryClient client = new RegistryClient(base(), Duration.ofSeconds(5), TOKEN);

    client.ensureModel("sea");
    assertThat(client.champion("sea")).isEmpty();

    assertThat(requests).hasSize(2).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
  }

  @Test
  void sendsNoAuthorizationHeaderWithoutAToken() {
    answers.put("PUT /api/models/sea", new Answer(200, new byte[0]));
    RegistryClient blank = new RegistryClient(base(), Duration.ofSeconds(5), "  ");

    new RegistryClient(base()).ensureModel("sea");
    blank.ensureModel("sea");

    assertThat(requests).hasSize(2).allSatisfy(r -> assertThat(r.authorization()).isNull());
  }

  @Test
  void reportsARejectionAsJsonToTheVersionsRejectionRoute() throws Exception {
    answers.put("POST /api/models/sea/versions/3/rejection", new Answer(201, "{}".getBytes(StandardCharsets.UTF_8)));
    RegistryClient client = new RegistryClient(base(), Duration.ofSeconds(5), TOKEN);

    client.reportRejection("sea", 3, "artifact of sea v3 failed its checksum");

    Recorded report = requests.get(0);
    assertThat(report.method()).isEqualTo("POST");
    assertThat(report.path()).isEqualTo("/api/models/sea/versions/3/rejection");
    assertThat(report.contentType()).isEqualTo("application/json");
    assertThat(report.authorization()).isEqualTo("Bearer " + TOKEN);
    JsonNode body = RegistryJson.mapper().readTree(report.body());
    assertThat(body.get("reason").asText()).isEqualTo("artifact of sea v3 failed its checksum");
  }

  @Test
  void aRefusedRejectionReportIsAnErrorNamingTheStatus() {
    answers.put("POST /api/models/sea/versions/3/rejection",
        new Answer(401, "{\"error\":\"a bearer token is required\"}".getBytes(StandardCharsets.UTF_8)));
    RegistryClient client = new RegistryClient(base());

    assertThatThrownBy(() -> client.reportRejection("sea", 3, "unloadable"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("answered 401: a bearer token is required")
        .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(401));
  }

  @Test
  void readsTheReasonAVersionWasRejectedAndNoneWhenItWasNot() {
    answers.put("GET /api/models/sea/versions/3/rejection", new Answer(200,
        "{\"reason\":\"incompatible architecture\",\"rejectedAt\":1700000000000}".getBytes(StandardCharsets.UTF_8)));
    RegistryClient client = new RegistryClient(base());

    assertThat(client.rejection("sea", 3)).contains("incompatible architecture");
    assertThat(client.rejection("sea", 4)).as("404: never rejected").isEmpty();
    assertThat(requests).extracting(Recorded::method, Recorded::path).containsExactly(
        org.assertj.core.groups.Tuple.tuple("GET", "/api/models/sea/versions/3/rejection"),
        org.assertj.core.groups.Tuple.tuple("GET", "/api/models/sea/versions/4/rejection"));
  }

  @Test
  void downloadsAnArtifactStoredUnderAnOldAbsoluteUriFromItsOwnRegistry() throws Exception {
    byte[] artifact = "weights".getBytes(StandardCharsets.UTF_8);
    answers.put("GET /api/models/sea/versions/3/artifact", new Answer(200, artifact));
    int deadPort = deadPort();
    ModelVersion version = ModelVersion.newBuilder(storedAt("http://127.0.0.1:" + deadPort + "/api/models/sea/versions/3/artifact"))
        .setArtifactSha256(Sha256.hex(artifact)).build();

    assertThat(new RegistryClient(base()).downloadVerified(version)).isEqualTo(artifact);
    assertThat(requests).singleElement().extracting(Recorded::path).isEqualTo("/api/models/sea/versions/3/artifact");
  }

  @Test
  void aFailedDownloadNamesTheUrlThatFailed() throws Exception {
    int deadPort = deadPort();
    RegistryClient client = new RegistryClient(URI.create("http://127.0.0.1:" + deadPort), Duration.ofSeconds(5));
    ModelVersion version = storedAt("api/models/sea/versions/3/artifact");

    assertThatThrownBy(() -> client.downloadVerified(version))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("GET http://127.0.0.1:" + deadPort + "/api/models/sea/versions/3/artifact")
        .hasMessageContaining("not reachable");
  }

  /** A port nothing listens on (it was free a moment ago). */
  private static int deadPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
