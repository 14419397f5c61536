package dev.plasticity.inference.service;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.ModelSubscription;
import dev.plasticity.inference.ServingMetrics;
import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.registry.client.RegistryClient;
import io.javalin.Javalin;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.FunctionCounter;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction service over HTTP. Routes (all JSON):
 *
 * <pre>
 * POST /api/predict        {"features": {"x1": 1.0, ...}}       → {"label": 1, "probabilities": [...], "modelVersion": 2}
 * POST /api/predict/batch  {"rows": [{"x1": 1.0, ...}, ...]}    → [{"label": ..., ...}, ...]  (one model version)
 * POST /api/labels         {"label": 1}                          → 204: the stream's newest known label, which a
 *                            version with label lags reads ({@link HotSwapPredictor#recordLabel})
 * GET  /api/model          → {model, servedVersion, swappedAt, predictions, failedPredictions, rejectedVersions}
 * GET  /health             → 200 {"status": "serving"} once a version is served; 503 before, and
 *                            503 {"status": "failed", "reason": ...} once the model subscription died
 * GET  /metrics            → Prometheus text: the predictor's {@link ServingMetrics}, {@code
 *                            plasticity_rejected_versions_total{model}}, {@code
 *                            plasticity_http_requests_seconds{method, route, status}} and the JVM's
 * </pre>
 *
 * Errors are {@code {"error": "..."}}: 400 for bad input (unreadable JSON, wrong types, a missing or
 * non-finite feature, too many rows), 404 and 405 for unknown routes and methods, 413 for a body
 * over {@link #MAX_BODY_BYTES}, 503 while no version is served, and 500 with only a correlation id
 * (the cause is logged with it) otherwise.
 *
 * <p>Binds {@link #DEFAULT_BIND_HOST} unless told otherwise.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class InferenceService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InferenceService.class);
  /** The port {@link #main} listens on unless told otherwise ({@link InferenceEnvironment}). */
  public static final int DEFAULT_PORT = 8082;
  /** Only this machine, unless configured otherwise. */
  public static final String DEFAULT_BIND_HOST = "127.0.0.1";
  /** The largest request body read; a larger one is answered 413 before it is parsed. */
  static final int MAX_BODY_BYTES = 1 << 20;
  /** The most rows one batch request may hold. */
  static final int MAX_BATCH_ROWS = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Javalin app;
  private final String bindHost;
  private final HotSwapPredictor predictor;
  private final ModelLoader loader;
  private final ModelSubscription subscription;
  private final ServiceMetrics metrics;
  private boolean closed;

  private InferenceService(Javalin app, String bindHost, HotSwapPredictor predictor, ModelLoader loader,
      ModelSubscription subscription, ServiceMetrics metrics) {
    this.metrics = metrics;
    this.app = app;
    this.bindHost = bindHost;
    this.predictor = predictor;
    this.loader = loader;
    this.subscription = subscription;
  }

  /**
   * Starts serving {@code predictor} on {@code port} (0 picks a free one) of {@link #DEFAULT_BIND_HOST}.
   *
   * @param loader reports rejected versions; may be null when versions are swapped in by hand
   */
  public static InferenceService start(int port, HotSwapPredictor predictor, ModelLoader loader) {
    return start(DEFAULT_BIND_HOST, port, predictor, loader, null);
  }

  /**
   * Starts serving {@code predictor} on {@code bindHost:port} (port 0 picks a free one).
   *
   * @param bindHost the address to listen on: {@link #DEFAULT_BIND_HOST}, or 0.0.0.0 for every interface
   * @param loader reports rejected versions; may be null when versions are swapped in by hand
   * @param subscription whose failure {@code /health} reports; may be null
   */
  public static InferenceService start(String bindHost, int port, HotSwapPredictor predictor, ModelLoader loader,
      ModelSubscription subscription) {
    Objects.requireNonNull(predictor, "predictor");
    if (bindHost == null || bindHost.isBlank()) {
      throw new IllegalArgumentException("bindHost must name an address, e.g. " + DEFAULT_BIND_HOST + "; it was blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 (any free port) or 1..65535, got " + port);
    }
    ServiceMetrics metrics = ServiceMetrics.create();
    new ServingMetrics(predictor).bindTo(metrics.registry());
    if (loader != null) {
      FunctionCounter.builder("plasticity.rejected.versions", loader, ModelLoader::rejectedVersions)
          .description("versions this service refused to serve (bad checksum, wrong shape, failed warm-up)")
          .tag("model", predictor.model()).register(metrics.registry());
    }
    Javalin app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.http.prefer405over404 = true;
      c.http.maxRequestSize = MAX_BODY_BYTES;
      c.jsonMapper(new JavalinJackson(JSON, false));
      // a request no route matched never left the BEFORE stage, where Javalin has no route pattern
      c.requestLogger.http((ctx, millis) -> metrics.httpRequest(ctx.method().name(),
          ctx.handlerType() == HandlerType.BEFORE ? "" : ctx.endpointHandlerPath(), ctx.statusCode(),
          Duration.ofNanos((long) (millis * 1_000_000L))));
    });
    InferenceService service = new InferenceService(app, bindHost, predictor, loader, subscription, metrics);
    service.routes();
    try {
      app.start(bindHost, port);
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
    log.info("inference for model {} listening on {}:{}", predictor.model(), bindHost, app.port());
    return service;
  }

  private void routes() {
    app.post("/api/predict", this::predict);
    app.post("/api/predict/batch", this::predictBatch);
    app.post("/api/labels", this::recordLabel);
    app.get("/api/model", this::model);
    app.get("/health", this::health);
    app.get(MetricsEndpoint.PATH, ctx -> ctx.contentType(ServiceMetrics.CONTENT_TYPE).result(metrics.scrape()));

    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
    app.exception(IllegalStateException.class, (e, ctx) -> error(ctx, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, HttpStatus.forStatus(e.getStatus()), e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> {
      String id = UUID.randomUUID().toString();
      log.error("{} {} failed (correlation id {})", ctx.method(), ctx.path(), id, e);
      error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error; correlation id " + id);
    });
    app.error(HttpStatus.NOT_FOUND, ctx -> errorUnlessAnswered(ctx, "no route " + ctx.method() + " " + ctx.path()));
    app.error(HttpStatus.METHOD_NOT_ALLOWED,
        ctx -> errorUnlessAnswered(ctx, ctx.method() + " is not allowed on " + ctx.path()));
  }

  /** Request of {@code POST /api/predict}. */
  record PredictRequest(Map<String, Double> features) {}

  /** Request of {@code POST /api/predict/batch}. */
  record BatchRequest(List<Map<String, Double>> rows) {}

  /** Request of {@code POST /api/labels}. */
  record LabelRequest(Integer label) {}

  /**
   * Answer of {@code GET /api/model}. {@code activeParametersPerRow}: the mean parameters a row used
   * in the served version since it was loaded, for an experts network (its gate and the experts each
   * row was routed to); null for an mlp and before the first prediction.
   */
  record ModelStatus(String model, Integer servedVersion, String swappedAt, long predictions,
      long failedPredictions, int rejectedVersions, Double activeParametersPerRow) {}

  private void predict(Context ctx) {
    PredictRequest request = read(ctx, PredictRequest.class);
    if (request.features() == null) {
      throw new IllegalArgumentException("the body needs \"features\": {name: value, ...}");
    }
    checkFinite(request.features(), "");
    ctx.json(predictor.predict(request.features()));
  }

  private void recordLabel(Context ctx) {
    LabelRequest request = read(ctx, LabelRequest.class);
    if (request.label() == null) {
      throw new IllegalArgumentException("the body needs \"label\": a class index, at least 0");
    }
    predictor.recordLabel(request.label());
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private void predictBatch(Context ctx) {
    BatchRequest request = read(ctx, BatchRequest.class);
    if (request.rows() == null || request.rows().contains(null)) {
      throw new IllegalArgumentException("the body needs \"rows\": [{name: value, ...}, ...]");
    }
    if (request.rows().size() > MAX_BATCH_ROWS) {
      throw new IllegalArgumentException(
          "a batch holds at most " + MAX_BATCH_ROWS + " rows; this one has " + request.rows().size());
    }
    for (int i = 0; i < request.rows().size(); i++) {
      checkFinite(request.rows().get(i), "row " + i + ": ");
    }
    ctx.json(predictor.predictBatch(request.rows()));
  }

  /** A null feature reads as missing (the model names it); NaN and infinities are refused here. */
  private static void checkFinite(Map<String, Double> features, String where) {
    for (Map.Entry<String, Double> feature : features.entrySet()) {
      if (feature.getValue() != null && !Double.isFinite(feature.getValue())) {
        throw new IllegalArgumentException(where + "feature '" + feature.getKey()
            + "' must be a finite number, was " + feature.getValue());
      }
    }
  }

  private void model(Context ctx) {
    ctx.json(new ModelStatus(
        predictor.model(),
        predictor.servedVersion().isPresent() ? predictor.servedVersion().getAsInt() : null,
        predictor.swappedAt().map(Object::toString).orElse(null),
        predictor.predictions(),
        predictor.failedPredictions(),
        loader == null ? 0 : loader.rejectedVersions(),
        predictor.activeParametersPerRow().isPresent() ? predictor.activeParametersPerRow().getAsDouble() : null));
  }

  private void health(Context ctx) {
    Optional<Throwable> failure = subscription == null ? Optional.empty() : subscription.failure();
    if (failure.isPresent()) {
      ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("status", "failed",
          "reason", "the model subscription died (" + failure.get() + "); no new version will be served"));
      return;
    }
    boolean serving = predictor.servedVersion().isPresent();
    ctx.status(serving ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
        .json(Map.of("status", serving ? "serving" : "no model version served yet"));
  }

  private static <T> T read(Context ctx, Class<T> type) {
    byte[] body;
    try {
      body = ctx.req().getInputStream().readNBytes(MAX_BODY_BYTES + 1); // bounded, chunked bodies too
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("unreadable body: " + e.getMessage(), e);
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new ContentTooLargeResponse("the body exceeds " + MAX_BODY_BYTES + " bytes");
    }
    T value;
    try {
      value = JSON.readValue(body, type);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("unreadable JSON body: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("unreadable body: " + e.getMessage(), e);
    }
    if (value == null) {
      throw new IllegalArgumentException("the body is empty or null; it needs a JSON object");
    }
    return value;
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    ctx.status(status).json(Map.of("error", message == null || message.isBlank() ? status.getMessage() : message));
  }

  private static void errorUnlessAnswered(Context ctx, String message) {
    String answered = ctx.result();
    if (answered == null || !answered.startsWith("{\"error\"")) {
      ctx.json(Map.of("error", message));
    }
  }

  /** The port the service listens on (the chosen one when started with 0). */
  public int port() {
    return app.port();
  }

  /** {@code http://<bind host>:<port>}, with 127.0.0.1 for a service bound to every interface. */
  public URI baseUri() {
    String host = "0.0.0.0".equals(bindHost) || "::".equals(bindHost) ? "127.0.0.1" : bindHost;
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
  }

  /** Stops listening; the predictor and the subscription are the caller's to close. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      app.stop();
      metrics.close();
    }
  }

  /**
   * Runs inference for one model until the JVM stops; see {@link InferenceSettings} for the
   * environment. Exits with status 2 on a malformed setting, and with status 1 (after a message on
   * stderr) when the model subscription dies of an {@link Error}: a process that can no longer
   * learn of new versions should be restarted, not left serving silently. A subscription that dies
   * of an exception leaves the served version serving and {@code /health} answering 503 "failed".
   */
  public static void main(String[] args) throws InterruptedException {
    InferenceSettings settings;
    try {
      settings = InferenceSettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("inference cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    HotSwapPredictor predictor = new HotSwapPredictor(settings.model());
    RegistryClient registry = new RegistryClient(settings.registryUrl(), Duration.ofSeconds(30), settings.registryToken());
    ModelLoader loader = new ModelLoader(registry, predictor)
        .onSwap(e -> System.out.println(e))
        .onReject(r -> System.out.println("rejected " + r.model() + " v" + r.version() + ": " + r.reason()));
    ModelSubscription subscription = ModelSubscription.start(settings.kafkaBootstrap(), loader);
    InferenceService service = start(settings.bindHost(), settings.port(), predictor, loader, subscription);
    CountDownLatch shutdown = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      subscription.close();
      predictor.close();
      shutdown.countDown();
    }, "inference-shutdown"));
    int status = awaitStop(settings.model(), subscription, shutdown, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Waits until {@code stop} opens (status 0: the shutdown hook opens it) or {@code subscription}
   * dies of an {@link Error} (which opens it too; status 1, after a message on {@code err}). A
   * subscription that dies of an exception leaves the service serving, {@code /health} answering
   * "failed".
   */
  static int awaitStop(String model, ModelSubscription subscription, CountDownLatch stop, PrintStream err)
      throws InterruptedException {
    AtomicReference<Throwable> fatal = new AtomicReference<>();
    subscription.onFailure(t -> {
      if (t instanceof Error) {
        fatal.set(t);
        stop.countDown();
      }
    });
    stop.await();
    Throwable t = fatal.get();
    if (t == null) {
      return 0;
    }
    err.println("inference for model " + model + " stops: its model subscription died of " + t
        + "; no new version would be served");
    err.flush();
    return 1;
  }
}
