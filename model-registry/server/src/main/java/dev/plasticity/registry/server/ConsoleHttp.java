package dev.plasticity.registry.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's routes: the page itself ({@code GET /console} and its script and style, open to
 * anyone: they hold no data, the page asks for a token when the API wants one) and the two views
 * the registry keeps beyond its own records, {@code GET /api/models/{model}/triggers} and {@code
 * GET /api/models/{model}/live-accuracy} (read role). Everything else the page shows comes from
 * the routes {@link RegistryHttp} declares, which also installs the role check these rely on.
 * Thread-safe.
 */
final class ConsoleHttp {
  /** The page's files, by the name they are served under, with their content types. */
  private enum Asset {
    PAGE("console.html", "text/html; charset=utf-8"),
    SCRIPT("console.js", "text/javascript; charset=utf-8"),
    STYLE("console.css", "text/css; charset=utf-8");

    final String file;
    final String contentType;
    final byte[] bytes;

    Asset(String file, String contentType) {
      this.file = file;
      this.contentType = contentType;
      this.bytes = load(file);
    }
  }

  /** The page loads only its own files and talks only to this registry. */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final Registry registry;
  private final ConsoleViews views;

  private ConsoleHttp(Registry registry, ConsoleViews views) {
    this.registry = registry;
    this.views = views;
  }

  /** Declares the console's routes on {@code app}, after {@link RegistryHttp#routes}. */
  static void routes(Javalin app, Registry registry, ConsoleViews views) {
    ConsoleHttp http = new ConsoleHttp(registry, views);
    app.get("/console", ctx -> serve(ctx, Asset.PAGE)); // no role: the page holds no data
    app.get("/console/console.js", ctx -> serve(ctx, Asset.SCRIPT));
    app.get("/console/console.css", ctx -> serve(ctx, Asset.STYLE));
    app.get("/api/models/{model}/triggers", http::triggers, Role.READ);
    app.get("/api/models/{model}/live-accuracy", http::liveAccuracy, Role.READ);
  }

  private static void serve(Context ctx, Asset asset) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType(asset.contentType).result(asset.bytes);
  }

  /** The model's last triggers, newest first, with their evidence and windows. */
  private void triggers(Context ctx) {
    String model = existingModel(ctx);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", model);
    json.put("fed", views.fed());
    json.put("triggers", views.triggers().recent(model));
    ctx.json(json);
  }

  /** The model's live accuracy per version per bucket of event time. */
  private void liveAccuracy(Context ctx) {
    String model = existingModel(ctx);
    List<Map<String, Object>> versions = new ArrayList<>();
    for (LiveAccuracy.Series series : views.accuracy().series(model)) {
      List<Map<String, Object>> points = new ArrayList<>();
      for (LiveAccuracy.Point point : series.points()) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("start", point.start());
        p.put("events", point.events());
        p.put("correct", point.correct());
        p.put("served", point.served());
        p.put("accuracy", point.accuracy());
        points.add(p);
      }
      versions.add(Map.of("version", series.version(), "points", points));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", model);
    json.put("fed", views.fed());
    json.put("bucketMillis", views.accuracy().bucketMillis());
    json.put("versions", versions);
    ctx.json(json);
  }

  private String existingModel(Context ctx) {
    String model = ctx.pathParam("model");
    Registry.checkModelName(model);
    if (!registry.modelExists(model)) {
      throw new UnknownModelException(model);
    }
    return model;
  }

  private static byte[] load(String file) {
    try (InputStream in = ConsoleHttp.class.getResourceAsStream("/console/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the console's " + file + " is missing from the classpath (/console/" + file + ")");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the console's " + file, e);
    }
  }
}
