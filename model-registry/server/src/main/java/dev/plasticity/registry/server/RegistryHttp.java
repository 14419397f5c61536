package dev.plasticity.registry.server;

import dev.plasticity.registry.server.ArtifactStore.StoredArtifact;
import dev.plasticity.registry.server.Registry.Registration;
import io.javalin.Javalin;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's HTTP API: every route is declared in {@link #routes}; each handler reads the
 * request, calls the {@link Registry} and writes the answer. Errors are JSON
 * {@code {"error": "..."}}: 400 for bad input, 404 for anything absent, 500 (logged) otherwise.
 */
final class RegistryHttp {
  private static final Logger log = LoggerFactory.getLogger(RegistryHttp.class);
  static final String SHA256_HEADER = "X-Artifact-SHA256";

  private final Registry registry;

  private RegistryHttp(Registry registry) {
    this.registry = registry;
  }

  static void routes(Javalin app, Registry registry) {
    RegistryHttp http = new RegistryHttp(registry);
    app.get("/health", http::health);
    app.get("/api/models", http::listModels);
    app.put("/api/models/{model}", http::registerModel);
    app.get("/api/models/{model}/champion", http::champion);
    app.post("/api/models/{model}/versions", http::uploadVersion);
    app.get("/api/models/{model}/versions", http::listVersions);
    app.get("/api/models/{model}/versions/by-trigger/{triggerId}", http::versionForTrigger);
    app.get("/api/models/{model}/versions/{version}", http::version);
    app.get("/api/models/{model}/versions/{version}/artifact", http::artifact);

    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
    app.exception(UnknownModelException.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, e.getMessage()));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, HttpStatus.forStatus(e.getStatus()), e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> {
      log.error("{} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
    });
  }

  private void health(Context ctx) {
    boolean up = registry.healthy();
    ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("status", up ? "up" : "database unreachable"));
  }

  private void listModels(Context ctx) {
    ctx.json(registry.models());
  }

  private void registerModel(Context ctx) {
    String model = ctx.pathParam("model");
    ctx.status(registry.ensureModel(model) ? HttpStatus.CREATED : HttpStatus.OK).json(Map.of("name", model));
  }

  private void uploadVersion(Context ctx) throws IOException {
    if (!ctx.isMultipartFormData()) {
      throw new IllegalArgumentException("expected multipart/form-data with parts 'metadata' (ModelVersion JSON) and 'artifact' (bytes), got Content-Type " + ctx.contentType());
    }
    UploadedFile artifact = ctx.uploadedFile("artifact");
    try (InputStream bytes = artifact == null ? null : artifact.content()) {
      Registration registration = registry.register(ctx.pathParam("model"), metadataPart(ctx), bytes);
      ctx.status(registration.created() ? HttpStatus.CREATED : HttpStatus.OK).json(registration.version());
    }
  }

  private void listVersions(Context ctx) {
    String model = ctx.pathParam("model");
    if (!registry.modelExists(model)) {
      throw new UnknownModelException(model);
    }
    ctx.json(registry.versions(model));
  }

  private void version(Context ctx) {
    String model = ctx.pathParam("model");
    int version = versionParam(ctx);
    ctx.json(registry.version(model, version).orElseThrow(() -> absent(model + " has no version " + version)));
  }

  private void versionForTrigger(Context ctx) {
    String model = ctx.pathParam("model");
    String trigger = ctx.pathParam("triggerId");
    ctx.json(registry.versionForTrigger(model, trigger)
        .orElseThrow(() -> absent(model + " has no version trained for trigger " + trigger)));
  }

  private void champion(Context ctx) {
    String model = ctx.pathParam("model");
    ctx.json(registry.champion(model).orElseThrow(() -> absent(model + " has no champion")));
  }

  private void artifact(Context ctx) throws IOException {
    String model = ctx.pathParam("model");
    int version = versionParam(ctx);
    StoredArtifact artifact = registry.artifact(model, version)
        .orElseThrow(() -> absent(model + " has no version " + version));
    ctx.header(SHA256_HEADER, artifact.sha256());
    ctx.contentType(ContentType.APPLICATION_OCTET_STREAM);
    ctx.result(Files.newInputStream(artifact.path())); // Javalin closes the stream
  }

  /** The metadata part, sent as a form field (as the client does) or as a file. */
  private static String metadataPart(Context ctx) {
    String field = ctx.formParam("metadata");
    if (field != null) {
      return field;
    }
    UploadedFile file = ctx.uploadedFile("metadata");
    if (file == null) {
      return null;
    }
    try (InputStream in = file.content()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int versionParam(Context ctx) {
    String raw = ctx.pathParam("version");
    try {
      int version = Integer.parseInt(raw);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException("a version is a positive integer, got '" + raw + "'");
  }

  private static NotFoundResponse absent(String message) {
    return new NotFoundResponse(message);
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    ctx.status(status).json(Map.of("error", message == null ? status.getMessage() : message));
  }
}
