package dev.plasticity.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.registry.server.ArtifactStore.StoredArtifact;
import dev.plasticity.registry.server.Registry.Registration;
import dev.plasticity.registry.server.VersionStore.Move;
import dev.plasticity.registry.server.VersionStore.RejectionOutcome;
import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.RegistryChange;
import io.javalin.Javalin;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's HTTP API: every route is declared in {@link #routes} (the console's in {@link
 * ConsoleHttp}); each handler reads the
 * request, calls the {@link Registry} and writes the answer, and names the {@link Role} the route
 * needs ({@link RegistryAccess} decides who has it). Errors are JSON {@code {"error": "..."}}: 400
 * for bad input (names outside {@link dev.plasticity.schemas.Aliases#NAME} among it), 401 without a
 * known token where one is needed, 403 for a token whose role is too low, 404 for anything absent,
 * 409 for a definition that would replace the one a model's versions were trained from and for a
 * lifecycle move the rules forbid (archiving the champion, promoting an archived or rejected
 * version, nothing to roll back to), 413 for bodies past the configured limits, 415 for a body that is not
 * what the route reads, 503 with {@code Retry-After} while the database is unreachable, and 500 for anything else, answered only with a correlation id that the
 * log line carries with the details (never a message, SQL or a path). Thread-safe.
 */
final class RegistryHttp {
  private static final Logger log = LoggerFactory.getLogger(RegistryHttp.class);
  static final String SHA256_HEADER = "X-Artifact-SHA256";
  /** A version in a path: a positive int written canonically (no sign, no leading zeros). */
  private static final Pattern CANONICAL_VERSION = Pattern.compile("[1-9][0-9]{0,9}");
  private static final Set<String> PARTS = Set.of("metadata", "artifact");
  /** Room for the multipart framing (boundaries, part headers) on top of the two parts. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;
  private static final int MAX_JSON_BODY = 16 * 1024;
  /** What a 503 for an unreachable database tells a client to wait before it tries again. */
  private static final int DATABASE_RETRY_AFTER_SECONDS = 5;

  private final Registry registry;
  private final Path uploadDir;
  private final long maxArtifactBytes;
  private final long maxMetadataBytes;
  private final RegistryAccess access;
  /** The most changes one history request answers. */
  private static final int MAX_HISTORY = 1000;
  private static final String ACTOR = "plasticity.actor";

  private RegistryHttp(Registry registry, Path uploadDir, long maxArtifactBytes, long maxMetadataBytes,
      RegistryAccess access) {
    this.registry = registry;
    this.uploadDir = uploadDir;
    this.maxArtifactBytes = maxArtifactBytes;
    this.maxMetadataBytes = maxMetadataBytes;
    this.access = access;
  }

  /**
   * Declares the routes.
   *
   * @param uploadDir where multipart bodies are spooled while they are read (cleaned per request)
   * @param access who may do what
   */
  static void routes(Javalin app, Registry registry, Path uploadDir, long maxArtifactBytes, long maxMetadataBytes,
      RegistryAccess access) {
    RegistryHttp http = new RegistryHttp(registry, uploadDir, maxArtifactBytes, maxMetadataBytes, access);
    app.beforeMatched(http::authorize);
    app.get("/health", http::health); // no role: open to load balancers
    app.get("/api/models", http::listModels, Role.READ);
    app.put("/api/models/{model}", http::registerModel, Role.WRITE);
    app.put("/api/models/{model}/definition", http::define, Role.WRITE);
    app.get("/api/models/{model}/definition", http::definition, Role.READ);
    app.get("/api/models/{model}/champion", http::champion, Role.READ);
    app.post("/api/models/{model}/versions", http::uploadVersion, Role.WRITE);
    app.get("/api/models/{model}/versions", http::listVersions, Role.READ);
    app.get("/api/models/{model}/versions/by-trigger/{triggerId}", http::versionForTrigger, Role.READ);
    app.get("/api/models/{model}/versions/{version}", http::version, Role.READ);
    app.get("/api/models/{model}/versions/{version}/artifact", http::artifact, Role.READ);
    app.post("/api/models/{model}/versions/{version}/rejection", http::reportRejection, Role.WRITE);
    app.get("/api/models/{model}/versions/{version}/rejection", http::rejection, Role.READ);
    app.post("/api/models/{model}/versions/{version}/archive", http::archive, Role.ADMIN);
    app.get("/api/models/{model}/aliases", http::aliases, Role.READ);
    app.get("/api/models/{model}/aliases/{alias}", http::alias, Role.READ);
    app.put("/api/models/{model}/aliases/{alias}", http::moveAlias, Role.ADMIN);
    app.delete("/api/models/{model}/aliases/{alias}", http::removeAlias, Role.ADMIN);
    app.post("/api/models/{model}/promote", http::promote, Role.ADMIN);
    app.post("/api/models/{model}/rollback", http::rollback, Role.ADMIN);
    app.post("/api/models/{model}/recall", http::recall, Role.WRITE);
    app.post("/api/models/{model}/versions/{version}/rollback", http::rollbackLost, Role.WRITE);
    app.get("/api/models/{model}/history", http::history, Role.READ);
    app.get("/api/models/{model}/served", http::served, Role.READ);

    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
    app.exception(DefinitionConflictException.class, (e, ctx) -> error(ctx, HttpStatus.CONFLICT, e.getMessage()));
    app.exception(LifecycleConflictException.class, (e, ctx) -> error(ctx, HttpStatus.CONFLICT, e.getMessage()));
    app.exception(RegistryAccess.Refusal.class, (e, ctx) -> {
      if (!e.authenticated()) {
        ctx.header("WWW-Authenticate", "Bearer");
      }
      error(ctx, e.authenticated() ? HttpStatus.FORBIDDEN : HttpStatus.UNAUTHORIZED, e.getMessage());
    });
    app.exception(UnknownModelException.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, e.getMessage()));
    app.exception(NoSuchElementException.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, e.getMessage()));
    app.exception(ArtifactTooLargeException.class, (e, ctx) -> error(ctx, HttpStatus.CONTENT_TOO_LARGE, e.getMessage()));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, HttpStatus.forStatus(e.getStatus()), e.getMessage()));
    app.exception(DatabaseUnavailableException.class, (e, ctx) -> {
      String id = UUID.randomUUID().toString();
      log.warn("{} {} failed: the database is unreachable (correlation id {}): {}", ctx.method(), ctx.path(), id,
          e.getMessage());
      ctx.header("Retry-After", String.valueOf(DATABASE_RETRY_AFTER_SECONDS)).status(HttpStatus.SERVICE_UNAVAILABLE)
          .json(Map.of("error", "the registry's database is unreachable; retry later", "correlationId", id));
    });
    app.exception(Exception.class, (e, ctx) -> {
      String id = UUID.randomUUID().toString();
      log.error("{} {} failed (correlation id {})", ctx.method(), ctx.path(), id, e);
      ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(Map.of("error", "internal error", "correlationId", id));
    });
  }

  /** The route's role decides: the actor is kept for the handler, or the request is refused (401, 403). */
  private void authorize(Context ctx) {
    Role needed = ctx.routeRoles().stream().filter(Role.class::isInstance).map(Role.class::cast)
        .max(Enum::compareTo).orElse(null);
    if (needed != null) {
      ctx.attribute(ACTOR, access.authorize(ctx.header("Authorization"), needed));
    }
  }

  private static String actor(Context ctx) {
    String actor = ctx.attribute(ACTOR);
    return actor == null ? RegistryAccess.ANONYMOUS : actor;
  }

  private void health(Context ctx) {
    boolean up = registry.healthy();
    ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("status", up ? "up" : "database unreachable"));
  }

  private void listModels(Context ctx) {
    ctx.json(registry.models());
  }

  private void registerModel(Context ctx) {
    String model = modelParam(ctx);
    ctx.status(registry.ensureModel(model) ? HttpStatus.CREATED : HttpStatus.OK).json(Map.of("name", model));
  }

  private void define(Context ctx) throws IOException {
    String model = modelParam(ctx);
    String body = new String(jsonBody(ctx, (int) Math.min(Integer.MAX_VALUE - 1, maxMetadataBytes), "a model definition"),
        StandardCharsets.UTF_8);
    Registry.Defined defined = registry.define(model, body);
    ctx.status(defined.stored() ? HttpStatus.CREATED : HttpStatus.OK).json(defined.definition());
  }

  private void definition(Context ctx) {
    String model = modelParam(ctx);
    if (!registry.modelExists(model)) {
      throw new UnknownModelException(model);
    }
    ctx.json(registry.definition(model).orElseThrow(() -> absent("model '" + model
        + "' has no definition; give it one with PUT /api/models/{model}/definition")));
  }

  /** A JSON body of at most {@code max} bytes; 415 when it is not JSON, 413 when longer. */
  private static byte[] jsonBody(Context ctx, int max, String what) throws IOException {
    String contentType = ctx.contentType();
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new HttpResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(),
          "expected " + what + " as application/json, got Content-Type " + contentType);
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes(max + 1);
    }
    if (body.length > max) {
      throw new ArtifactTooLargeException(what + " is at most " + max + " bytes");
    }
    return body;
  }

  private void uploadVersion(Context ctx) throws IOException {
    String model = modelParam(ctx);
    String contentType = ctx.contentType();
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      throw new HttpResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(),
          "expected multipart/form-data with parts 'metadata' (ModelVersion JSON) and 'artifact' (bytes), got Content-Type "
              + contentType);
    }
    if (!contentType.toLowerCase(java.util.Locale.ROOT).matches(".*;\\s*boundary=\\S+.*")) {
      throw new IllegalArgumentException("the multipart/form-data Content-Type names no boundary");
    }
    long maxBody = maxArtifactBytes + maxMetadataBytes + MULTIPART_OVERHEAD;
    long length = ctx.req().getContentLengthLong();
    if (length > maxBody) { // refused before a byte of the body is read
      throw new ArtifactTooLargeException("the upload is " + length + " bytes; this registry accepts artifacts up to "
          + maxArtifactBytes + " bytes and metadata up to " + maxMetadataBytes + " bytes");
    }
    Map<String, Part> parts = parts(ctx, maxBody);
    Part metadata = parts.get("metadata");
    Part artifact = parts.get("artifact");
    if (metadata != null && metadata.getSize() > maxMetadataBytes) {
      throw new ArtifactTooLargeException("the metadata part is " + metadata.getSize()
          + " bytes; this registry accepts metadata up to " + maxMetadataBytes + " bytes");
    }
    String metadataJson = null;
    if (metadata != null) {
      try (InputStream in = metadata.getInputStream()) {
        metadataJson = new String(in.readNBytes((int) maxMetadataBytes + 1), StandardCharsets.UTF_8);
      }
    }
    try (InputStream bytes = artifact == null ? null : artifact.getInputStream()) {
      Registration registration = registry.register(model, metadataJson, bytes, actor(ctx));
      ctx.status(registration.created() ? HttpStatus.CREATED : HttpStatus.OK).json(registration.version());
    }
  }

  /** The body's parts by name; malformed bodies, unknown or repeated parts are bad requests. */
  private Map<String, Part> parts(Context ctx, long maxBody) {
    ctx.req().setAttribute(org.eclipse.jetty.server.Request.__MULTIPART_CONFIG_ELEMENT,
        new MultipartConfigElement(uploadDir.toString(), maxArtifactBytes, maxBody, 64 * 1024));
    Collection<Part> received;
    try {
      received = ctx.req().getParts();
    } catch (IllegalStateException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("exceeds max") || message.contains("larger than max")) {
        throw new ArtifactTooLargeException("the upload exceeds this registry's limits: artifacts up to "
            + maxArtifactBytes + " bytes, metadata up to " + maxMetadataBytes + " bytes");
      }
      throw new IllegalArgumentException("the multipart body is malformed: " + message);
    } catch (IOException | ServletException | RuntimeException e) {
      throw new IllegalArgumentException("the multipart body is malformed: " + e.getMessage());
    }
    Map<String, Part> byName = new HashMap<>();
    for (Part part : received) {
      String name = part.getName();
      if (name == null || !PARTS.contains(name)) {
        throw new IllegalArgumentException("unexpected multipart part '" + name + "'; send exactly 'metadata' and 'artifact'");
      }
      if (byName.putIfAbsent(name, part) != null) {
        throw new IllegalArgumentException("the multipart part '" + name + "' appears more than once; send it once");
      }
    }
    return byName;
  }

  private void listVersions(Context ctx) {
    String model = modelParam(ctx);
    if (!registry.modelExists(model)) {
      throw new UnknownModelException(model);
    }
    String archived = ctx.queryParam("archived");
    if (archived != null && !archived.equals("true") && !archived.equals("false")) {
      throw new IllegalArgumentException("archived is true or false, got '" + archived + "'");
    }
    ctx.json(registry.versions(model, "true".equals(archived)));
  }

  private void archive(Context ctx) throws IOException {
    String model = modelParam(ctx);
    int version = versionParam(ctx);
    Map<String, Object> body = optionalJsonObject(ctx, "an archive request {\"reason\": \"...\"}");
    Optional<RegistryChange> change = registry.archive(model, version, actor(ctx), text(body, "reason"));
    ctx.json(changeJson(model, null, version, change));
  }

  private void aliases(Context ctx) {
    ctx.json(registry.aliases(modelParam(ctx)));
  }

  private void alias(Context ctx) {
    String model = modelParam(ctx);
    String alias = ctx.pathParam("alias");
    ctx.json(registry.alias(model, alias).orElseThrow(() -> absent(model + " has no alias '" + alias + "'")));
  }

  private void moveAlias(Context ctx) throws IOException {
    String model = modelParam(ctx);
    String alias = ctx.pathParam("alias");
    Map<String, Object> body = jsonObject(ctx, "an alias move {\"version\": N, \"reason\": \"...\"}");
    int version = requiredVersion(body);
    Move move = registry.moveAlias(model, alias, version, actor(ctx), ChangeCause.OPERATOR, text(body, "reason"));
    ctx.json(changeJson(model, alias, move.version(), move.change()));
  }

  private void removeAlias(Context ctx) throws IOException {
    String model = modelParam(ctx);
    String alias = ctx.pathParam("alias");
    Map<String, Object> body = optionalJsonObject(ctx, "an alias removal {\"reason\": \"...\"}");
    RegistryChange change = registry.removeAlias(model, alias, actor(ctx), text(body, "reason"))
        .orElseThrow(() -> absent(model + " has no alias '" + alias + "'"));
    ctx.json(changeJson(model, alias, change.getVersion(), Optional.of(change)));
  }

  private void promote(Context ctx) throws IOException {
    String model = modelParam(ctx);
    Map<String, Object> body = jsonObject(ctx, "a promotion {\"version\": N, \"reason\": \"...\"}");
    int version = requiredVersion(body);
    Move move = registry.promote(model, version, actor(ctx), ChangeCause.OPERATOR, text(body, "reason"));
    ctx.json(changeJson(model, Aliases.CHAMPION, move.version(), move.change()));
  }

  private void rollback(Context ctx) throws IOException {
    String model = modelParam(ctx);
    Map<String, Object> body = optionalJsonObject(ctx, "a rollback {\"reason\": \"...\", \"automatic\": false}");
    Object automatic = body.getOrDefault("automatic", false);
    if (!(automatic instanceof Boolean flag)) {
      throw new IllegalArgumentException("automatic is true or false, got " + automatic);
    }
    Move move = registry.rollback(model, actor(ctx), flag, text(body, "reason"));
    ctx.json(changeJson(model, Aliases.CHAMPION, move.version(), move.change()));
  }

  /** A past champion serves again for a trigger: the trainer's recall (write role, like a registration). */
  private void recall(Context ctx) throws IOException {
    String model = modelParam(ctx);
    Map<String, Object> body = jsonObject(ctx, "a recall {\"version\": N, \"reason\": \"...\"}");
    int version = requiredVersion(body);
    Object replacing = body.get("replacing");
    if (replacing != null && (!(replacing instanceof Integer number) || number < 1)) {
      throw new IllegalArgumentException("replacing is the champion the recall was judged against, a positive"
          + " integer, got " + replacing);
    }
    Move move = registry.recall(model, version,
        replacing == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of((Integer) replacing), actor(ctx),
        text(body, "reason"));
    ctx.json(changeJson(model, Aliases.CHAMPION, move.version(), move.change()));
  }

  /**
   * Live verification's verdict that the champion {version} lost to its predecessor: rolled back
   * when it is still the champion, 409 otherwise (write role: a service's automatic decision).
   */
  private void rollbackLost(Context ctx) throws IOException {
    String model = modelParam(ctx);
    int version = versionParam(ctx);
    Map<String, Object> body = jsonObject(ctx, "a verdict {\"reason\": \"...\"}");
    Move move = registry.rollbackLost(model, version, actor(ctx), text(body, "reason"));
    ctx.json(changeJson(model, Aliases.CHAMPION, move.version(), move.change()));
  }

  private void history(Context ctx) {
    String model = modelParam(ctx);
    long after = longQuery(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) longQuery(ctx, "limit", MAX_HISTORY, 1, MAX_HISTORY);
    ctx.json(registry.history(model, after, limit));
  }

  /** Which version was the champion at {@code ?at=} (epoch millis or ISO-8601 instant; default now). */
  private void served(Context ctx) {
    String model = modelParam(ctx);
    String raw = ctx.queryParam("at");
    long at;
    if (raw == null) {
      at = System.currentTimeMillis();
    } else if (raw.matches("[0-9]{1,18}")) {
      at = Long.parseLong(raw);
    } else {
      try {
        at = java.time.Instant.parse(raw).toEpochMilli();
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("at is epoch milliseconds or an ISO-8601 instant (2026-12-03T10:15:30Z), got '"
            + raw + "'");
      }
    }
    RegistryChange change = registry.championAt(model, at)
        .filter(c -> c.getKind() == dev.plasticity.schemas.ChangeKind.ALIAS_SET)
        .orElseThrow(() -> absent(model + " had no champion at " + java.time.Instant.ofEpochMilli(at)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", model);
    json.put("at", at);
    json.put("version", change.getVersion());
    json.put("since", change.getAt());
    json.put("change", change);
    ctx.json(json);
  }

  private static Map<String, Object> changeJson(String model, String alias, int version, Optional<RegistryChange> change) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", model);
    if (alias != null) {
      json.put("alias", alias);
    }
    json.put("version", version);
    json.put("changed", change.isPresent());
    json.put("change", change.orElse(null));
    return json;
  }

  /** A JSON object body (at most {@link #MAX_JSON_BODY} bytes). */
  private static Map<String, Object> jsonObject(Context ctx, String what) throws IOException {
    byte[] body = jsonBody(ctx, MAX_JSON_BODY, what);
    try {
      Object parsed = RegistryJson.mapper().readValue(body, Object.class);
      if (!(parsed instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException("expected " + what + " as a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) map;
      return object;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("expected " + what + ": " + e.getOriginalMessage());
    }
  }

  /** Like {@link #jsonObject}, but an empty body is an empty object. */
  private static Map<String, Object> optionalJsonObject(Context ctx, String what) throws IOException {
    if (ctx.req().getContentLengthLong() == 0 || (ctx.contentType() == null && ctx.req().getContentLengthLong() <= 0)) {
      return Map.of();
    }
    return jsonObject(ctx, what);
  }

  private static int requiredVersion(Map<String, Object> body) {
    Object version = body.get("version");
    if (!(version instanceof Integer number) || number < 1) {
      throw new IllegalArgumentException("version is a positive integer, got " + version);
    }
    return number;
  }

  private static String text(Map<String, Object> body, String field) {
    Object value = body.get(field);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(field + " is a string, got " + value);
    }
    return (String) value;
  }

  private static long longQuery(Context ctx, String name, long fallback, long min, long max) {
    String raw = ctx.queryParam(name);
    if (raw == null) {
      return fallback;
    }
    if (raw.matches("[0-9]{1,18}")) {
      long value = Long.parseLong(raw);
      if (value >= min && value <= max) {
        return value;
      }
    }
    throw new IllegalArgumentException(name + " is an integer from " + min + " to " + max + ", got '" + raw + "'");
  }

  private void version(Context ctx) {
    String model = modelParam(ctx);
    int version = versionParam(ctx);
    ctx.json(registry.version(model, version).orElseThrow(() -> absent(model + " has no version " + version)));
  }

  private void versionForTrigger(Context ctx) {
    String model = modelParam(ctx);
    String trigger = ctx.pathParam("triggerId");
    if (trigger.isEmpty() || trigger.length() > 255) {
      throw new IllegalArgumentException("a trigger id is 1 to 255 characters, got " + trigger.length());
    }
    ctx.json(registry.versionForTrigger(model, trigger)
        .orElseThrow(() -> absent(model + " has no version trained for trigger " + trigger)));
  }

  private void champion(Context ctx) {
    String model = modelParam(ctx);
    ctx.json(registry.champion(model).orElseThrow(() -> absent(model + " has no champion that can be served")));
  }

  private void artifact(Context ctx) throws IOException {
    String model = modelParam(ctx);
    int version = versionParam(ctx);
    StoredArtifact artifact = registry.artifact(model, version)
        .orElseThrow(() -> absent(model + " has no version " + version));
    ctx.header(SHA256_HEADER, artifact.sha256());
    ctx.contentType(ContentType.APPLICATION_OCTET_STREAM);
    ctx.result(Files.newInputStream(artifact.path())); // Javalin closes the stream
  }

  private void reportRejection(Context ctx) throws IOException {
    String model = modelParam(ctx);
    int version = versionParam(ctx);
    String text = text(jsonObject(ctx, "a rejection report {\"reason\": \"...\"}"), "reason");
    if (text == null) {
      throw new IllegalArgumentException("a rejection report needs a string field 'reason'");
    }
    RejectionOutcome outcome = registry.reject(model, version, text, actor(ctx));
    ctx.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK).json(rejectionJson(outcome.rejection()));
  }

  private void rejection(Context ctx) {
    String model = modelParam(ctx);
    int version = versionParam(ctx);
    ctx.json(rejectionJson(registry.rejection(model, version)
        .orElseThrow(() -> absent(model + " v" + version + " has no rejection on record"))));
  }

  private static Map<String, Object> rejectionJson(VersionStore.Rejection rejection) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("reason", rejection.reason());
    json.put("rejectedAt", rejection.rejectedAt());
    return json;
  }

  private static String modelParam(Context ctx) {
    String model = ctx.pathParam("model");
    Registry.checkModelName(model);
    return model;
  }

  private static int versionParam(Context ctx) {
    String raw = ctx.pathParam("version");
    if (CANONICAL_VERSION.matcher(raw).matches()) {
      long version = Long.parseLong(raw);
      if (version <= Integer.MAX_VALUE) {
        return (int) version;
      }
    }
    throw new IllegalArgumentException("a version is a positive integer written without sign or leading zeros (1 to "
        + Integer.MAX_VALUE + "), got '" + raw + "'");
  }

  private static NotFoundResponse absent(String message) {
    return new NotFoundResponse(message);
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    ctx.status(status).json(Map.of("error", message == null ? status.getMessage() : message));
  }
}
