package dev.plasticity.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ServingFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Malformed requests to every route of {@link InferenceService}, generated from a seeded
 * {@link Random}: each one is answered with a 4xx and a JSON error naming the problem, never a 500,
 * and the service still predicts and answers {@code /health} afterwards.
 */
class InferenceServiceFuzzTest {
  private static final String MODEL = "fuzzed";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FEATURES = {"x1", "x2", "x3"};
  private final HttpClient http = HttpClient.newHttpClient();

  record Probe(String method, String path, byte[] body, String what) {
    @Override
    public String toString() {
      String shown = new String(body, 0, Math.min(body.length, 120), StandardCharsets.ISO_8859_1);
      return what + ": " + method + " " + path + " " + shown + (body.length > 120 ? "... (" + body.length + " bytes)" : "");
    }
  }

  @Test
  void everyMalformedRequestToEveryRouteIsA4xxWithAJsonErrorAndTheServiceGoesOn() throws Exception {
    Random random = new Random(12);
    try (HotSwapPredictor predictor = new HotSwapPredictor(MODEL);
        InferenceService service = InferenceService.start(0, predictor, null)) {
      ServingFixtures.serve(predictor, 1);
      List<Probe> probes = probes(random);
      assertThat(probes).hasSizeGreaterThan(200);

      List<String> wrong = new ArrayList<>();
      for (Probe probe : probes) {
        HttpResponse<String> answer = send(service.baseUri(), probe);
        if (answer.statusCode() < 400 || answer.statusCode() > 499 || !isJsonError(answer.body())
            || answer.body().contains("\tat ") || answer.body().contains("Exception")) {
          wrong.add(probe + " -> " + answer.statusCode() + " " + answer.body().substring(0, Math.min(200, answer.body().length())));
        }
      }
      assertThat(wrong).as("requests not answered with a 4xx JSON error").isEmpty();

      assertThat(send(service.baseUri(), new Probe("GET", "/health", new byte[0], "health")).statusCode()).isEqualTo(200);
      HttpResponse<String> fine = send(service.baseUri(),
          new Probe("POST", "/api/predict", "{\"features\":{\"x1\":1,\"x2\":2,\"x3\":3}}".getBytes(StandardCharsets.UTF_8), "valid"));
      assertThat(fine.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(fine.body()).get("modelVersion").asInt()).isEqualTo(1);
    }
  }

  private List<Probe> probes(Random random) {
    List<Probe> probes = new ArrayList<>();
    String[] posts = {"/api/predict", "/api/predict/batch"};
    for (int i = 0; i < 20; i++) {
      for (String path : posts) {
        probes.add(post(path, randomBytes(random), "random bytes"));
        String valid = valid(path, random);
        probes.add(post(path, valid.substring(0, random.nextInt(valid.length() - 1)), "truncated JSON"));
        probes.add(post(path, wrap(path, features(random, wrongType(random))), "a feature of the wrong type"));
        probes.add(post(path, wrap(path, features(random, nonFinite(random))), "a non-finite feature"));
        probes.add(post(path, wrap(path, missingFeature(random)), "a missing feature"));
        probes.add(post(path, wrap(path, features(random, "null")), "a null feature"));
        probes.add(post(path, wrongShape(path, random), "a body of the wrong shape"));
      }
    }
    for (String path : posts) {
      probes.add(post(path, "", "an empty body"));
      probes.add(post(path, "null", "a JSON null"));
      probes.add(post(path, "[".repeat(5_000) + "]".repeat(5_000), "deep nesting"));
      probes.add(post(path, wrap(path, features(random, "9".repeat(2_000))), "a 2000-digit number"));
      probes.add(post(path, "{\"pad\":\"" + "x".repeat(2 << 20) + "\"}", "a 4 MB body"));
    }
    StringBuilder rows = new StringBuilder("{\"rows\":[");
    for (int i = 0; i <= InferenceService.MAX_BATCH_ROWS; i++) {
      rows.append(i == 0 ? "" : ",").append("{\"x1\":1,\"x2\":2,\"x3\":3}");
    }
    probes.add(post("/api/predict/batch", rows.append("]}").toString(), "too many rows"));
    probes.add(post("/api/predict/batch", "{\"rows\":[null]}", "a null row"));
    for (String method : new String[] {"GET", "PUT", "DELETE", "PATCH"}) {
      for (String path : posts) {
        probes.add(new Probe(method, path, new byte[0], "a wrong method"));
      }
    }
    for (String method : new String[] {"POST", "PUT", "DELETE"}) {
      probes.add(new Probe(method, "/health", "{}".getBytes(StandardCharsets.UTF_8), "a wrong method"));
      probes.add(new Probe(method, "/api/model", "{}".getBytes(StandardCharsets.UTF_8), "a wrong method"));
    }
    probes.add(new Probe("GET", "/api/predict/nothing-here", new byte[0], "an unknown route"));
    probes.add(new Probe("POST", "/api/models/" + "a".repeat(300), new byte[0], "an unknown route"));
    return probes;
  }

  private static boolean isJsonError(String body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      return error.isTextual() && !error.asText().isBlank();
    } catch (Exception e) {
      return false;
    }
  }

  private static Probe post(String path, String body, String what) {
    return new Probe("POST", path, body.getBytes(StandardCharsets.UTF_8), what);
  }

  private static Probe post(String path, byte[] body, String what) {
    return new Probe("POST", path, body, what);
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[1 + random.nextInt(2_000)];
    random.nextBytes(bytes);
    bytes[0] = (byte) "{[\"x1nt".charAt(random.nextInt(6)); // often starts like JSON
    return bytes;
  }

  private static String valid(String path, Random random) {
    return wrap(path, features(random, String.valueOf(random.nextDouble() * 10)));
  }

  private static String wrap(String path, String features) {
    return path.endsWith("batch") ? "{\"rows\":[" + features + "]}" : "{\"features\":" + features + "}";
  }

  /** The three features, one of them (chosen at random) written as {@code odd}. */
  private static String features(Random random, String odd) {
    int which = random.nextInt(FEATURES.length);
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < FEATURES.length; i++) {
      out.append(i == 0 ? "" : ",").append('"').append(FEATURES[i]).append("\":")
          .append(i == which ? odd : String.valueOf(random.nextInt(10)));
    }
    return out.append('}').toString();
  }

  private static String wrongType(Random random) {
    String[] odd = {"{}", "[1,2]", "\"abc\"", "{\"v\":1}", "[]", "\"\""};
    return odd[random.nextInt(odd.length)];
  }

  private static String nonFinite(Random random) {
    String[] odd = {"1e400", "-1e999", "NaN", "Infinity", "-Infinity", "\"NaN\"", "\"Infinity\"", "\"-Infinity\""};
    return odd[random.nextInt(odd.length)];
  }

  private static String missingFeature(Random random) {
    int skip = random.nextInt(FEATURES.length);
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < FEATURES.length; i++) {
      if (i != skip) {
        out.append(out.length() == 1 ? "" : ",").append('"').append(FEATURES[i]).append("\":").append(random.nextInt(10));
      }
    }
    return out.append('}').toString();
  }

  private static String wrongShape(String path, Random random) {
    String[] shapes = path.endsWith("batch")
        ? new String[] {"[]", "{\"rows\":{}}", "{\"rows\":\"x\"}", "{\"rows\":[1,2]}", "{\"rows\":[[1]]}", "{}", "42", "\"rows\""}
        : new String[] {"[]", "{\"features\":[1,2,3]}", "{\"features\":\"x\"}", "{\"features\":7}", "{}", "42", "true"};
    return shapes[random.nextInt(shapes.length)];
  }

  private HttpResponse<String> send(URI base, Probe probe) throws Exception {
    HttpRequest.BodyPublisher body = probe.body().length == 0
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(probe.body());
    return http.send(HttpRequest.newBuilder(base.resolve(probe.path()))
        .header("Content-Type", "application/json").method(probe.method(), body).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
