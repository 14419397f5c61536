package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed requests to every route, generated from a seeded {@link Random}: each is answered with
 * a 4xx, none with a 500, and the registry keeps answering.
 */
class RegistryFuzzTest {
  private static final long SEED = 20261202L;
  private static final int ROUNDS = 25;

  @TempDir Path artifactDir;

  /** One malformed request: method, raw path (already encoded), content type and body. */
  record Probe(String method, String path, String contentType, byte[] body, String header) {
    @Override
    public String toString() {
      String shown = path.length() > 120 ? path.substring(0, 120) + "…" : path;
      return method + " " + shown + " (" + contentType + ", " + (body == null ? 0 : body.length) + " bytes)";
    }
  }

  @Test
  void everyMalformedRequestToEveryRouteIsAClientErrorAndTheRegistryStaysUp() throws Exception {
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(artifactDir).bearerToken("fuzz-token")
        .maxArtifactBytes(512 * 1024).maxMetadataBytes(32 * 1024).build())) {
      RegistryClient client = new RegistryClient(server.baseUri()).withToken("fuzz-token");
      client.ensureModel("fuzz");
      client.register(metadata("fuzz", "champion", "t-1"), artifact("fuzz"));
      HttpClient http = HttpClient.newHttpClient();
      Random random = new Random(SEED);
      List<String> failures = new ArrayList<>();
      java.util.Map<Integer, Integer> answers = new java.util.TreeMap<>();
      int sent = 0;

      for (int round = 0; round < ROUNDS; round++) {
        for (Probe probe : probes(random)) {
          int status = send(http, server, probe, random.nextBoolean());
          sent++;
          answers.merge(status, 1, Integer::sum);
          if (status < 400 || status >= 500) {
            failures.add(status + " for " + probe);
          }
        }
      }

      System.out.println("fuzz answers by status, of " + sent + " requests: " + answers);
      assertThat(failures).as("answers outside 4xx, of %d requests", sent).isEmpty();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(client.versions("fuzz")).hasSize(1);
    }
  }

  @Test
  void unicodeModelNamesAreNeverAServerError() throws Exception {
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(artifactDir).build())) {
      HttpClient http = HttpClient.newHttpClient();
      Random random = new Random(SEED);
      for (int i = 0; i < 40; i++) {
        String name = enc(unicode(random, 1 + random.nextInt(40)));
        for (String method : List.of("PUT", "GET")) {
          String path = method.equals("PUT") ? "/api/models/" + name : "/api/models/" + name + "/versions";
          int status = send(http, server, new Probe(method, path, null, null, null), true);
          assertThat(status).as("%s %s", method, path).isLessThan(500);
        }
      }
    }
  }

  private static List<Probe> probes(Random random) {
    String model = random.nextBoolean() ? "fuzz" : badModel(random);
    String version = random.nextInt(3) == 0 ? "1" : badVersion(random);
    String versions = "/api/models/" + model + "/versions";
    byte[] randomBytes = bytes(random, random.nextInt(4096));
    byte[] metadata = badMetadata(random);
    List<Probe> probes = new ArrayList<>();
    // bad model names on every route that takes one
    String bad = badModel(random);
    probes.add(new Probe("PUT", "/api/models/" + bad, null, null, auth()));
    probes.add(new Probe("GET", "/api/models/" + bad + "/champion", null, null, null));
    probes.add(new Probe("GET", "/api/models/" + bad + "/versions", null, null, null));
    probes.add(new Probe("GET", "/api/models/" + bad + "/versions/1", null, null, null));
    probes.add(new Probe("GET", "/api/models/" + bad + "/versions/1/artifact", null, null, null));
    probes.add(new Probe("GET", "/api/models/" + bad + "/versions/by-trigger/t-1", null, null, null));
    probes.add(new Probe("GET", "/api/models/" + bad + "/versions/1/rejection", null, null, null));
    // bad versions
    probes.add(new Probe("GET", versions + "/" + badVersion(random), null, null, null));
    probes.add(new Probe("GET", versions + "/" + badVersion(random) + "/artifact", null, null, null));
    probes.add(new Probe("GET", versions + "/" + badVersion(random) + "/rejection", null, null, null));
    probes.add(new Probe("POST", versions + "/" + version + "/rejection", "application/json", randomBytes, auth()));
    // huge ids and headers
    probes.add(new Probe("GET", versions + "/by-trigger/" + "t".repeat(256 + random.nextInt(20_000)), null, null, null));
    probes.add(new Probe("GET", "/api/models/" + "m".repeat(256 + random.nextInt(20_000)), null, null, null));
    probes.add(new Probe("GET", "/api/models/fuzz/champion", null, null, "X-Padding: " + "p".repeat(10_000 + random.nextInt(50_000))));
    // uploads: random multipart, missing parts, wrong types, bad metadata, no token
    String boundary = "fuzz" + random.nextInt(1000);
    String multipart = "multipart/form-data; boundary=" + boundary;
    probes.add(new Probe("POST", versions, multipart, randomBytes, auth()));
    probes.add(new Probe("POST", versions, "multipart/form-data", randomBytes, auth()));
    probes.add(new Probe("POST", versions, multipart, form(boundary, List.of("metadata"), metadata, null), auth()));
    probes.add(new Probe("POST", versions, multipart, form(boundary, List.of("artifact"), null, randomBytes), auth()));
    probes.add(new Probe("POST", versions, multipart, form(boundary, List.of("metadata", "artifact"), metadata, randomBytes), auth()));
    probes.add(new Probe("POST", versions, multipart, form(boundary, List.of("metadata", "artifact"), metadata, randomBytes), null));
    probes.add(new Probe("POST", versions, multipart,
        form(boundary, List.of("metadata", "artifact", "metadata"), metadata, randomBytes), auth()));
    probes.add(new Probe("POST", versions, pick(random, "application/json", "text/plain", "application/octet-stream",
        "application/x-www-form-urlencoded", "multipart/mixed; boundary=x"), randomBytes, auth()));
    probes.add(new Probe("POST", versions, null, randomBytes, auth()));
    probes.add(new Probe("POST", versions + "/1/rejection", pick(random, "text/plain", "application/xml"), randomBytes, auth()));
    probes.add(new Probe("POST", versions + "/1/rejection", "application/json", badRejection(random), auth()));
    // wrong methods
    String[] routes = {"/health", "/api/models", "/api/models/fuzz", "/api/models/fuzz/champion", versions,
        versions + "/1", versions + "/1/artifact", versions + "/1/rejection", versions + "/by-trigger/t-1"};
    probes.add(new Probe(pick(random, "DELETE", "PATCH", "TRACE"), routes[random.nextInt(routes.length)], null, null, auth()));
    probes.add(new Probe(pick(random, "PUT", "POST"), pick(random, "/health", "/api/models", versions + "/1/artifact",
        "/api/models/fuzz/champion"), null, null, auth()));
    return probes;
  }

  private static int send(HttpClient http, RegistryServer server, Probe probe, boolean chunked) throws Exception {
    HttpRequest.BodyPublisher body = probe.body() == null ? HttpRequest.BodyPublishers.noBody()
        : chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(probe.body()))
        : HttpRequest.BodyPublishers.ofByteArray(probe.body());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUri() + probe.path()))
        .method(probe.method(), body);
    if (probe.contentType() != null) {
      request.header("Content-Type", probe.contentType());
    }
    if (probe.header() != null) {
      int colon = probe.header().indexOf(':');
      request.header(probe.header().substring(0, colon), probe.header().substring(colon + 1).trim());
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return -1; // the connection dropped without an answer: counted as a failure
    }
  }

  private static String auth() {
    return "Authorization: Bearer fuzz-token";
  }

  private static String badModel(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> enc(unicode(random, 1 + random.nextInt(10))) + "%00";
      case 1 -> "%0A" + enc(unicode(random, 5));
      case 2 -> "a%7Fb";
      case 3 -> "n".repeat(256 + random.nextInt(300));
      case 4 -> "%20%20";
      default -> "%09tab";
    };
  }

  private static String badVersion(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> "-" + (1 + random.nextInt(1000));
      case 1 -> "0";
      case 2 -> "0" + (1 + random.nextInt(9));
      case 3 -> "%2B1";
      case 4 -> String.valueOf((long) Integer.MAX_VALUE + 1 + random.nextInt(1000));
      case 5 -> "9".repeat(20 + random.nextInt(30));
      case 6 -> "1.0";
      case 7 -> "%201";
      default -> enc(unicode(random, 3));
    };
  }

  private static byte[] badMetadata(Random random) {
    String base;
    try {
      base = RegistryJson.mapper().writeValueAsString(metadata("fuzz", "champion", null));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Supplier<String> variant = switch (random.nextInt(9)) {
      case 0 -> () -> "{not json";
      case 1 -> () -> "null";
      case 2 -> () -> "[]";
      case 3 -> () -> base.replace("\"numClasses\":2", "\"numClasses\":-5");
      case 4 -> () -> base.replace("\"numClasses\":2", "\"numClasses\":\"two\"");
      case 5 -> () -> base.replace("\"hiddenUnits\":[16,8]", "\"hiddenUnits\":[2147483647,2147483647]");
      case 6 -> () -> base.replace("\"alias\":\"champion\"", "\"alias\":\"" + unicode(random, 8) + "\"");
      case 7 -> () -> base.replace("\"triggerId\":null", "\"triggerId\":\"" + "t".repeat(300) + "\"");
      default -> () -> "{\"model\": \"fuzz\", \"padding\": \"" + "x".repeat(40 * 1024) + "\"}";
    };
    return variant.get().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] badRejection(Random random) {
    return pick(random, "{", "[]", "null", "{\"reason\": 7}", "{\"reason\": \"\"}", "{\"why\": \"x\"}",
        "{\"reason\": \"" + "r".repeat(5000) + "\"}", "\"just a string\"").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] form(String boundary, List<String> names, byte[] metadata, byte[] artifact) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String name : names) {
      boolean file = name.equals("artifact");
      out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
          + (file ? "; filename=\"x.bin\"" : "") + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.writeBytes(file ? artifact : metadata);
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static String unicode(Random random, int length) {
    StringBuilder text = new StringBuilder();
    while (text.length() < length) {
      int codePoint = switch (random.nextInt(4)) {
        case 0 -> 0x20 + random.nextInt(0x5F);
        case 1 -> 0x400 + random.nextInt(0x100); // Cyrillic
        case 2 -> 0x4E00 + random.nextInt(0x500); // CJK
        default -> 0x1F600 + random.nextInt(0x40); // emoji, outside the BMP
      };
      text.appendCodePoint(codePoint);
    }
    return text.toString();
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... options) {
    return options[random.nextInt(options.length)];
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
