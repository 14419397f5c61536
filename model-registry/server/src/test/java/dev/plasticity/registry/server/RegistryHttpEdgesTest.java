package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.schemas.ModelVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests a careless or hostile client sends get a 4xx naming the rule, never a 500 with internals. */
class RegistryHttpEdgesTest {
  private static final String MODEL = "edges";

  @TempDir Path artifactDir;
  private String jdbcUrl;
  private RegistryServer server;
  private RegistryClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    jdbcUrl = TestVersions.h2InMemoryUrl();
    server = RegistryServer.start(RegistryConfig.builder().jdbc(jdbcUrl, "sa", "").artifactDir(artifactDir)
        .maxArtifactBytes(1024 * 1024).maxMetadataBytes(64 * 1024).build());
    client = new RegistryClient(server.baseUri());
    client.ensureModel(MODEL);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aMultipartBodyWithoutABoundaryIsABadRequestWithoutAStackTrace() throws Exception {
    HttpResponse<String> response = post("/api/models/" + MODEL + "/versions", "multipart/form-data",
        "--x\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}\r\n--x--\r\n".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("boundary").doesNotContain("Exception", "\tat ", "org.eclipse");
  }

  @Test
  void aRepeatedMetadataOrArtifactPartIsABadRequest() throws Exception {
    String metadata = json(metadata(MODEL, "champion", null));
    byte[] bytes = artifact("dup");

    HttpResponse<String> twoMetadata = postParts(List.of(part("metadata", metadata.getBytes(StandardCharsets.UTF_8), false),
        part("metadata", metadata.getBytes(StandardCharsets.UTF_8), false), part("artifact", bytes, true)));
    HttpResponse<String> twoArtifacts = postParts(List.of(part("metadata", metadata.getBytes(StandardCharsets.UTF_8), false),
        part("artifact", bytes, true), part("artifact", bytes, true)));
    HttpResponse<String> strangePart = postParts(List.of(part("metadata", metadata.getBytes(StandardCharsets.UTF_8), false),
        part("artifact", bytes, true), part("weights", bytes, true)));

    assertThat(twoMetadata.statusCode()).isEqualTo(400);
    assertThat(twoMetadata.body()).contains("'metadata' appears more than once");
    assertThat(twoArtifacts.statusCode()).isEqualTo(400);
    assertThat(twoArtifacts.body()).contains("'artifact' appears more than once");
    assertThat(strangePart.statusCode()).isEqualTo(400);
    assertThat(client.versions(MODEL)).isEmpty();
  }

  @Test
  void onlyCanonicalVersionNumbersNameAVersion() throws Exception {
    client.register(metadata(MODEL, "champion", null), artifact("canonical"));

    for (String version : List.of("01", "+1", "%201", "1.0", "0", "-1", "2147483648", "99999999999999999999")) {
      HttpResponse<String> response = get("/api/models/" + MODEL + "/versions/" + version);
      assertThat(response.statusCode()).as("version '%s'", version).isEqualTo(400);
      assertThat(response.body()).contains("without sign or leading zeros");
    }
    assertThat(get("/api/models/" + MODEL + "/versions/1").statusCode()).isEqualTo(200);
  }

  @Test
  void anUploadWhoseDeclaredLengthIsPastTheLimitIsRefusedBeforeItsBodyIsRead() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/models/" + MODEL + "/versions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 300000000\r\n\r\n--x\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();

      assertThat(status).startsWith("HTTP/1.1 413");
    }
    assertThat(RegistryCrashTest.storedArtifacts(artifactDir)).isEmpty();
  }

  @Test
  void aStreamedArtifactPastTheLimitIsRefusedAndLeavesNoFile() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024];
    new Random(1).nextBytes(big);
    byte[] body = multipart(List.of(part("metadata", json(metadata(MODEL, "champion", null)).getBytes(StandardCharsets.UTF_8), false),
        part("artifact", big, true)));

    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/models/" + MODEL + "/versions"))
        .header("Content-Type", "multipart/form-data; boundary=edge")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(), // chunked: no length
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("1048576");
    assertThat(RegistryCrashTest.storedArtifacts(artifactDir)).isEmpty();
    // Jetty deletes the refused part's temporary file when the request completes, which may be just
    // after the client has read the 413: wait for it to go (a minute, so only a leak fails the test)
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    while (!RegistryCrashTest.incomingFiles(artifactDir).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(RegistryCrashTest.incomingFiles(artifactDir)).isEmpty();
  }

  @Test
  void metadataPastItsLimitIsRefused() throws Exception {
    ModelVersion metadata = metadata(MODEL, "champion", null);
    metadata.setMetrics(Map.of("padding " + "x".repeat(100 * 1024), 1.0));

    HttpResponse<String> response = postParts(List.of(part("metadata", json(metadata).getBytes(StandardCharsets.UTF_8), false),
        part("artifact", artifact("meta"), true)));

    ModelVersion huge = metadata(MODEL, "champion", null);
    huge.setMetrics(Map.of("padding " + "x".repeat(1024 * 1024), 1.0)); // past Jetty's own form limit too
    HttpResponse<String> hugeResponse = postParts(List.of(part("metadata", json(huge).getBytes(StandardCharsets.UTF_8), false),
        part("artifact", artifact("meta"), true)));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("metadata up to 65536 bytes");
    assertThat(hugeResponse.statusCode()).isEqualTo(413);
    assertThat(client.versions(MODEL)).isEmpty();
  }

  @Test
  void aTriggerIdPastTheColumnIsABadRequestNamingTheLimit() throws Exception {
    String longId = "t".repeat(300);

    HttpResponse<String> upload = postParts(List.of(
        part("metadata", json(metadata(MODEL, "champion", longId)).getBytes(StandardCharsets.UTF_8), false),
        part("artifact", artifact("long id"), true)));
    HttpResponse<String> lookup = get("/api/models/" + MODEL + "/versions/by-trigger/" + longId);

    assertThat(upload.statusCode()).isEqualTo(400);
    assertThat(upload.body()).contains("255").doesNotContain("INSERT", "jdbc", artifactDir.toString());
    assertThat(lookup.statusCode()).isEqualTo(400);
    assertThat(lookup.body()).contains("255");
  }

  @Test
  void aDatabaseFailureAnswersOnlyACorrelationId() throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", ""); Statement s = c.createStatement()) {
      s.execute("DROP TABLE model_versions CASCADE");
    }

    HttpResponse<String> response = get("/api/models/" + MODEL + "/versions");

    assertThat(response.statusCode()).isEqualTo(500);
    @SuppressWarnings("unchecked")
    Map<String, Object> body = RegistryJson.mapper().readValue(response.body(), Map.class);
    assertThat(body).containsOnlyKeys("error", "correlationId").containsEntry("error", "internal error");
    assertThat(body.get("correlationId").toString()).matches("[0-9a-f-]{36}");
    assertThat(response.body()).doesNotContainIgnoringCase("select").doesNotContain("MODEL_VERSIONS", "jdbc", "h2");
  }

  @Test
  void artifactsThatCannotBeServedAreRefusedAndNotStored() throws Exception {
    byte[] random = new byte[4096];
    new Random(3).nextBytes(random);
    ModelVersion negativeClasses = metadata(MODEL, "champion", null);
    negativeClasses.getArchitecture().setNumClasses(-5);
    ModelVersion wider = metadata(MODEL, "champion", null);
    wider.getArchitecture().setHiddenUnits(List.of(32, 8));

    HttpResponse<String> empty = upload(metadata(MODEL, "champion", null), new byte[0]);
    HttpResponse<String> noise = upload(metadata(MODEL, "champion", null), random);
    HttpResponse<String> negative = upload(negativeClasses, artifact("negative"));
    HttpResponse<String> mismatch = upload(wider, artifact("mismatch"));

    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("holds no DJL parameters");
    assertThat(noise.statusCode()).isEqualTo(400);
    assertThat(noise.body()).contains("holds no DJL parameters");
    assertThat(negative.statusCode()).isEqualTo(400);
    assertThat(negative.body()).contains("numClasses must be 2 to");
    assertThat(mismatch.statusCode()).isEqualTo(400);
    assertThat(mismatch.body()).contains("does not fit the architecture");
    assertThat(client.versions(MODEL)).isEmpty();
    assertThat(RegistryCrashTest.storedArtifacts(artifactDir)).isEmpty();
    assertThat(RegistryCrashTest.incomingFiles(artifactDir)).isEmpty();
  }

  private HttpResponse<String> upload(ModelVersion metadata, byte[] artifact) throws Exception {
    return postParts(List.of(part("metadata", json(metadata).getBytes(StandardCharsets.UTF_8), false), part("artifact", artifact, true)));
  }

  record Part(String name, byte[] bytes, boolean file) {}

  static Part part(String name, byte[] bytes, boolean file) {
    return new Part(name, bytes, file);
  }

  static byte[] multipart(List<Part> parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Part p : parts) {
      body.writeBytes(("--edge\r\nContent-Disposition: form-data; name=\"" + p.name() + "\""
          + (p.file() ? "; filename=\"a.bin\"\r\nContent-Type: application/octet-stream" : "") + "\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      body.writeBytes(p.bytes());
      body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.writeBytes("--edge--\r\n".getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  private HttpResponse<String> postParts(List<Part> parts) throws Exception {
    return post("/api/models/" + MODEL + "/versions", "multipart/form-data; boundary=edge", multipart(parts));
  }

  private HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(server.baseUri() + path);
  }

  static String json(Object value) throws Exception {
    return RegistryJson.mapper().writeValueAsString(value);
  }
}
