package dev.plasticity.inference;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plasticity.registry.client.RegistryClient;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction service over HTTP. Routes (all JSON):
 *
 * <pre>
 * POST /api/predict        {"features": {"x1": 1.0, ...}}       → {"label": 1, "probabilities": [...], "modelVersion": 2}
 * POST /api/predict/batch  {"rows": [{"x1": 1.0, ...}, ...]}    → [{"label": ..., ...}, ...]  (one model version)
 * GET  /api/model          → {model, servedVersion, swappedAt, predictions, failedPredictions, rejectedVersions}
 * GET  /health             → 200 {"status": "serving"} once a version is served, 503 before
 * </pre>
 *
 * Errors are {@code {"error": "..."}}: 400 for bad input (a missing feature), 503 while no version
 * is served, 500 (logged) otherwise.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class InferenceService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InferenceService.class);
  /** The port {@link #main} listens on when PLASTICITY_INFERENCE_PORT is not set. */
  public static final int DEFAULT_PORT = 8082;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Javalin app;
  private final HotSwapPredictor predictor;
  private final ModelLoader loader;
  private boolean closed;

  private InferenceService(Javalin app, HotSwapPredictor predictor, ModelLoader loader) {
    this.app = app;
    this.predictor = predictor;
    this.loader = loader;
  }

  /**
   * Starts serving {@code predictor} on {@code port} (0 picks a free one).
   *
   * @param loader reports rejected versions; may be null when versions are swapped in by hand
   */
  public static InferenceService start(int port, HotSwapPredictor predictor, ModelLoader loader) {
    Objects.requireNonNull(predictor, "predictor");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 (any free port) or 1..65535, got " + port);
    }
    Javalin app = Javalin.create(c -> {
      c.showJavalinBanner = false;
      c.jsonMapper(new JavalinJackson(JSON, false));
    });
    InferenceService service = new InferenceService(app, predictor, loader);
    service.routes();
    app.start(port);
    log.info("inference for model {} listening on port {}", predictor.model(), app.port());
    return service;
  }

  private void routes() {
    app.post("/api/predict", this::predict);
    app.post("/api/predict/batch", this::predictBatch);
    app.get("/api/model", this::model);
    app.get("/health", this::health);

    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
    app.exception(IllegalStateException.class, (e, ctx) -> error(ctx, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> {
      log.error("{} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
    });
  }

  /** Request of {@code POST /api/predict}. */
  record PredictRequest(Map<String, Double> features) {}

  /** Request of {@code POST /api/predict/batch}. */
  record BatchRequest(List<Map<String, Double>> rows) {}

  /** Answer of {@code GET /api/model}. */
  record ModelStatus(String model, Integer servedVersion, String swappedAt, long predictions,
      long failedPredictions, int rejectedVersions) {}

  private void predict(Context ctx) {
    PredictRequest request = read(ctx, PredictRequest.class);
    if (request.features() == null) {
      throw new IllegalArgumentException("the body needs \"features\": {name: value, ...}");
    }
    ctx.json(predictor.predict(request.features()));
  }

  private void predictBatch(Context ctx) {
    BatchRequest request = read(ctx, BatchRequest.class);
    if (request.rows() == null || request.rows().contains(null)) {
      throw new IllegalArgumentException("the body needs \"rows\": [{name: value, ...}, ...]");
    }
    ctx.json(predictor.predictBatch(request.rows()));
  }

  private void model(Context ctx) {
    ctx.json(new ModelStatus(
        predictor.model(),
        predictor.servedVersion().isPresent() ? predictor.servedVersion().getAsInt() : null,
        predictor.swappedAt().map(Object::toString).orElse(null),
        predictor.predictions(),
        predictor.failedPredictions(),
        loader == null ? 0 : loader.rejectedVersions()));
  }

  private void health(Context ctx) {
    boolean serving = predictor.servedVersion().isPresent();
    ctx.status(serving ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
        .json(Map.of("status", serving ? "serving" : "no model version served yet"));
  }

  private static <T> T read(Context ctx, Class<T> type) {
    try {
      return JSON.readValue(ctx.bodyAsBytes(), type);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("unreadable JSON body: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("unreadable body: " + e.getMessage(), e);
    }
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    ctx.status(status).json(Map.of("error", message == null ? status.getMessage() : message));
  }

  /** The port the service listens on (the chosen one when started with 0). */
  public int port() {
    return app.port();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** Stops listening; the predictor and the subscription are the caller's to close. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      app.stop();
    }
  }

  /**
   * Runs inference for one model until the JVM stops. Environment: PLASTICITY_MODEL (required),
   * PLASTICITY_KAFKA_BOOTSTRAP (default localhost:9092), PLASTICITY_REGISTRY_URL (default
   * http://localhost:8081), PLASTICITY_INFERENCE_PORT (default 8082).
   */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    String model = env.get("PLASTICITY_MODEL");
    if (model == null || model.isBlank()) {
      throw new IllegalStateException("set PLASTICITY_MODEL to the name of the model to serve");
    }
    String bootstrap = env.getOrDefault("PLASTICITY_KAFKA_BOOTSTRAP", "localhost:9092");
    URI registryUrl = URI.create(env.getOrDefault("PLASTICITY_REGISTRY_URL", "http://localhost:8081"));
    int port = Integer.parseInt(env.getOrDefault("PLASTICITY_INFERENCE_PORT", String.valueOf(DEFAULT_PORT)));

    HotSwapPredictor predictor = new HotSwapPredictor(model);
    ModelLoader loader = new ModelLoader(new RegistryClient(registryUrl), predictor)
        .onSwap(e -> System.out.println(e))
        .onReject(r -> System.out.println("rejected " + r.model() + " v" + r.version() + ": " + r.reason()));
    ModelSubscription subscription = ModelSubscription.start(bootstrap, loader);
    InferenceService service = start(port, predictor, loader);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      subscription.close();
      predictor.close();
      stopped.countDown();
    }, "inference-shutdown"));
    stopped.await();
  }
}
