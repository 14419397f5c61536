package dev.plasticity.registry.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.RegistryChange;
import dev.plasticity.schemas.SharedSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Talks to the model registry's HTTP API. Routes (all JSON unless noted):
 *
 * <pre>
 * PUT  /api/models/{model}                                   register a model (idempotent)
 * GET  /api/models                                           list models
 * PUT  /api/models/{model}/definition                        define a model (ModelDefinition JSON); registers it too
 * GET  /api/models/{model}/definition                        its definition; 404 when it has none
 * POST /api/models/{model}/versions                          multipart: "metadata" (ModelVersion JSON) + "artifact" (bytes)
 * GET  /api/models/{model}/versions                          list versions, oldest first
 * GET  /api/models/{model}/versions/{version}                one version
 * GET  /api/models/{model}/versions/by-trigger/{triggerId}   the version a trigger produced
 * GET  /api/models/{model}/champion                          the version being served
 * GET  /api/models/{model}/versions/{version}/artifact       artifact bytes (octet-stream)
 * POST /api/models/{model}/versions/{version}/rejection      {"reason": "..."}: a server could not serve it
 * GET  /api/models/{model}/versions/{version}/rejection      {"reason": "...", "rejectedAt": millis}; 404 when none
 * </pre>
 *
 * <p>A version's {@code artifactUri} is a location relative to the registry (for example
 * {@code api/models/sea/versions/3/artifact}); {@link #downloadVerified} resolves it against the
 * registry this client talks to, so a registry that moved to another host or port still serves
 * the versions it stored. An absolute URI stored by an older registry is resolved by its path.
 *
 * <p>With a bearer token, every request carries {@code Authorization: Bearer <token>}; a registry
 * configured with a token refuses writes without it (401).
 *
 * <p>Thread-safe; one instance per registry is enough.
 */
public final class RegistryClient {
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;
  private final String bearerToken;

  /** The environment variable that holds the registry's bearer token ({@link SharedSettings#REGISTRY_TOKEN}). */
  public static final String TOKEN_ENV = SharedSettings.REGISTRY_TOKEN.name();

  public RegistryClient(URI base) {
    this(base, Duration.ofSeconds(30), null);
  }

  public RegistryClient(URI base, Duration timeout) {
    this(base, timeout, null);
  }

  /** @param bearerToken sent with every request; null or blank sends none */
  public RegistryClient(URI base, Duration timeout, String bearerToken) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.timeout = timeout;
    this.bearerToken = bearerToken == null || bearerToken.isBlank() ? null : bearerToken;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A client for the same registry with another token. */
  public RegistryClient withToken(String token) {
    return new RegistryClient(base, timeout, token);
  }

  @Override
  public String toString() {
    return "RegistryClient[" + base + (bearerToken == null ? "" : ", with a bearer token") + "]"; // never the token
  }

  public URI baseUri() {
    return base;
  }

  /** Registers a model name; does nothing if it already exists. */
  public void ensureModel(String model) {
    send(request("/api/models/" + enc(model)).PUT(HttpRequest.BodyPublishers.noBody()), 200, 201);
  }

  /**
   * Stores {@code definition} for its model, registering the model when it is not yet; returns the
   * definition on record. Sending the same definition again changes nothing.
   *
   * @throws RegistryException 400 naming the rule a bad definition breaks; 409 when the model
   *     already has versions and another definition
   */
  public ModelDefinition define(ModelDefinition definition) {
    HttpResponse<byte[]> response = send(request("/api/models/" + enc(definition.name()) + "/definition")
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(json(definition))), 200, 201);
    return parse(response.body(), ModelDefinition.class);
  }

  /** The definition of {@code model}; empty when it has none (or the model is not registered). */
  public Optional<ModelDefinition> definition(String model) {
    return getOptional("/api/models/" + enc(model) + "/definition", ModelDefinition.class);
  }

  /**
   * Uploads a new version: its metadata (version number, artifact URI and checksum are assigned by
   * the registry; a checksum set by the caller is checked against the upload) and artifact bytes.
   * If a version was already registered for the same {@code lineage.triggerId}, that version is
   * returned and nothing new is created.
   */
  public ModelVersion register(ModelVersion metadata, byte[] artifact) {
    String boundary = "plasticity-" + UUID.randomUUID();
    byte[] body = multipart(boundary, json(metadata), artifact);
    HttpResponse<byte[]> response =
        send(
            request("/api/models/" + enc(metadata.getModel()) + "/versions")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
            200, 201);
    return parse(response.body(), ModelVersion.class);
  }

  public Optional<ModelVersion> version(String model, int version) {
    return getOptional("/api/models/" + enc(model) + "/versions/" + version, ModelVersion.class);
  }

  public Optional<ModelVersion> versionForTrigger(String model, String triggerId) {
    return getOptional(
        "/api/models/" + enc(model) + "/versions/by-trigger/" + enc(triggerId), ModelVersion.class);
  }

  public Optional<ModelVersion> champion(String model) {
    return getOptional("/api/models/" + enc(model) + "/champion", ModelVersion.class);
  }

  public List<ModelVersion> versions(String model) {
    HttpResponse<byte[]> response = send(request("/api/models/" + enc(model) + "/versions").GET(), 200);
    try {
      return RegistryJson.mapper().readValue(response.body(), new TypeReference<List<ModelVersion>>() {});
    } catch (IOException e) {
      throw new RegistryException("unreadable version list from " + base + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reports that {@code version} could not be served ({@code reason} says why). The registry records
   * it; a rejected champion stops being served and stops being the base of new versions.
   */
  public void reportRejection(String model, int version, String reason) {
    byte[] body = json(Map.of("reason", reason == null ? "" : reason));
    send(request("/api/models/" + enc(model) + "/versions/" + version + "/rejection")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)), 200, 201);
  }

  /** Why {@code version} was reported unservable, if it was. */
  public Optional<String> rejection(String model, int version) {
    return getOptional("/api/models/" + enc(model) + "/versions/" + version + "/rejection", Map.class)
        .map(m -> m.get("reason") == null ? "" : String.valueOf(m.get("reason")));
  }

  /** {@code model}'s versions, archived ones included. */
  public List<ModelVersion> versionsWithArchived(String model) {
    return list("/api/models/" + enc(model) + "/versions?archived=true", new TypeReference<List<ModelVersion>>() {});
  }

  /**
   * Makes {@code version} the champion, recorded as an operator's move with {@code reason}: every
   * server that follows the model swaps it in. Needs an admin token on a registry with tokens.
   *
   * @throws RegistryException 404 for an unknown model or version, 409 for an archived or rejected version
   */
  public AliasMove promote(String model, int version, String reason) {
    return post("/api/models/" + enc(model) + "/promote", body("version", version, "reason", reason));
  }

  /**
   * Moves the champion back to the version that served before it.
   *
   * @param automatic whether live verification asks for it (recorded as an automatic rollback)
   * @throws RegistryException 409 when there is no earlier champion that can serve
   */
  public AliasMove rollback(String model, String reason, boolean automatic) {
    return post("/api/models/" + enc(model) + "/rollback", body("reason", reason, "automatic", automatic));
  }

  /**
   * Makes {@code version}, a past champion, the champion again because a trigger's window fits it
   * better than the serving version: recorded as a recall with {@code reason}. Needs a write token.
   *
   * @throws RegistryException 409 when the version never was the champion, is archived or was rejected
   */
  public AliasMove recall(String model, int version, String reason) {
    return post("/api/models/" + enc(model) + "/recall", body("version", version, "reason", reason));
  }

  /**
   * {@link #recall(String, int, String)}, only while {@code replacing}, the version the recall was
   * judged against, is still the champion: a champion moved since is not replaced.
   *
   * @throws RegistryException 409 also when {@code replacing} no longer is the champion
   */
  public AliasMove recall(String model, int version, int replacing, String reason) {
    return post("/api/models/" + enc(model) + "/recall",
        body("version", version, "replacing", replacing, "reason", reason));
  }

  /**
   * Live verification's verdict that champion {@code version} lost to the version before it: the
   * champion rolls back, recorded as an automatic rollback with {@code reason}. Needs a write token.
   *
   * @throws RegistryException 409 when {@code version} no longer is the champion, or nothing is left to roll back to
   */
  public AliasMove rollbackLost(String model, int version, String reason) {
    return post("/api/models/" + enc(model) + "/versions/" + version + "/rollback", body("reason", reason));
  }

  /** Points {@code alias} (e.g. {@code shadow}, {@code challenger}, or a name of your own) at {@code version}. */
  public AliasMove moveAlias(String model, String alias, int version, String reason) {
    HttpResponse<byte[]> response = send(request("/api/models/" + enc(model) + "/aliases/" + enc(alias))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(json(body("version", version, "reason", reason)))), 200);
    return parse(response.body(), AliasMove.class);
  }

  /** Removes {@code alias}; empty when it was not set. The champion cannot be removed (409). */
  public Optional<AliasMove> removeAlias(String model, String alias, String reason) {
    HttpResponse<byte[]> response = send(request("/api/models/" + enc(model) + "/aliases/" + enc(alias))
        .header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(json(body("reason", reason)))), 200, 404);
    return response.statusCode() == 404 ? Optional.empty() : Optional.of(parse(response.body(), AliasMove.class));
  }

  /** Archives {@code version}: it loses its aliases and leaves the version list. The champion cannot be archived (409). */
  public AliasMove archive(String model, int version, String reason) {
    return post("/api/models/" + enc(model) + "/versions/" + version + "/archive", body("reason", reason));
  }

  /** Every alias of {@code model} and the version it points at. */
  public Map<String, Integer> aliases(String model) {
    return list("/api/models/" + enc(model) + "/aliases", new TypeReference<Map<String, Integer>>() {});
  }

  /** The version {@code alias} points at, if it is set. */
  public Optional<ModelVersion> alias(String model, String alias) {
    return getOptional("/api/models/" + enc(model) + "/aliases/" + enc(alias), ModelVersion.class);
  }

  /** {@code model}'s changes after change number {@code after} (0: from the start), oldest first, at most {@code limit} (1 to 1000). */
  public List<RegistryChange> history(String model, long after, int limit) {
    return list("/api/models/" + enc(model) + "/history?after=" + after + "&limit=" + limit,
        new TypeReference<List<RegistryChange>>() {});
  }

  /** Which version was the champion at {@code at}; empty before the model's first champion. */
  public Optional<ServedVersion> servedAt(String model, java.time.Instant at) {
    return getOptional("/api/models/" + enc(model) + "/served?at=" + at.toEpochMilli(), ServedVersion.class);
  }

  private AliasMove post(String path, Map<String, Object> body) {
    HttpResponse<byte[]> response = send(request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json(body))), 200);
    return parse(response.body(), AliasMove.class);
  }

  /** A JSON object of the given name, value pairs, null values left out. */
  private static Map<String, Object> body(Object... pairs) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        body.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return body;
  }

  private <T> T list(String path, TypeReference<T> type) {
    HttpResponse<byte[]> response = send(request(path).GET(), 200);
    try {
      return RegistryJson.mapper().readValue(response.body(), type);
    } catch (IOException e) {
      throw new RegistryException("unreadable answer from " + base + path + ": " + e.getMessage(), e);
    }
  }

  /** Where a version's artifact is, resolved against this client's registry. */
  public URI artifactLocation(ModelVersion version) {
    URI stored = URI.create(version.getArtifactUri());
    String path = stored.getRawPath(); // of an absolute URI too: the host it names may be gone
    if (path == null || path.isEmpty()) {
      throw new RegistryException("version " + version.getVersion() + " of " + version.getModel()
          + " names no artifact location ('" + version.getArtifactUri() + "')", -1);
    }
    return URI.create(base + (path.startsWith("/") ? path : "/" + path));
  }

  /** Downloads a version's artifact and checks it against the announced SHA-256. */
  public byte[] downloadVerified(ModelVersion version) {
    HttpResponse<byte[]> response =
        send(HttpRequest.newBuilder(artifactLocation(version)).timeout(timeout).GET(), 200);
    byte[] bytes = response.body();
    Sha256.verify(bytes, version.getArtifactSha256(),
        "artifact of " + version.getModel() + " v" + version.getVersion());
    return bytes;
  }

  private <T> Optional<T> getOptional(String path, Class<T> type) {
    HttpResponse<byte[]> response = send(request(path).GET(), 200, 404);
    return response.statusCode() == 404 ? Optional.empty() : Optional.of(parse(response.body(), type));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder builder, int... accepted) {
    if (bearerToken != null) {
      builder.header("Authorization", "Bearer " + bearerToken);
    }
    HttpRequest request = builder.build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      // name the URL that failed: the base alone hides which location (e.g. a stale artifact URI) was tried
      throw new RegistryException(request.method() + " " + request.uri() + " failed: the registry at " + base
          + " is not reachable (" + e + ")", e);
    } catch (IOException e) {
      throw new RegistryException(request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted during " + request.method() + " " + request.uri(), e);
    }
    for (int status : accepted) {
      if (response.statusCode() == status) {
        return response;
      }
    }
    throw new RegistryException(
        request.method() + " " + request.uri() + " answered " + response.statusCode() + ": "
            + errorMessage(response.body()),
        response.statusCode());
  }

  private static String errorMessage(byte[] body) {
    try {
      Map<?, ?> map = RegistryJson.mapper().readValue(body, Map.class);
      Object error = map.get("error");
      return error != null ? error.toString() : new String(body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private <T> T parse(byte[] body, Class<T> type) {
    try {
      return RegistryJson.mapper().readValue(body, type);
    } catch (IOException e) {
      throw new RegistryException("unreadable " + type.getSimpleName() + " from " + base + ": " + e.getMessage(), e);
    }
  }

  private static byte[] json(Object value) {
    try {
      return RegistryJson.mapper().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  private static byte[] multipart(String boundary, byte[] metadata, byte[] artifact) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(artifact.length + metadata.length + 512);
    String crlf = "\r\n";
    out.writeBytes(("--" + boundary + crlf
        + "Content-Disposition: form-data; name=\"metadata\"" + crlf
        + "Content-Type: application/json" + crlf + crlf).getBytes(StandardCharsets.UTF_8));
    out.writeBytes(metadata);
    out.writeBytes((crlf + "--" + boundary + crlf
        + "Content-Disposition: form-data; name=\"artifact\"; filename=\"model.params\"" + crlf
        + "Content-Type: application/octet-stream" + crlf + crlf).getBytes(StandardCharsets.UTF_8));
    out.writeBytes(artifact);
    out.writeBytes((crlf + "--" + boundary + "--" + crlf).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
