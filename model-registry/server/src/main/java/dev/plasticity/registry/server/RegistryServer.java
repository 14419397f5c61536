package dev.plasticity.registry.server;

import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.schemas.ContractClasses;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry service: HTTP API (see {@code RegistryClient} for the routes), metadata in SQL,
 * artifacts on the filesystem, champions announced on Kafka, {@code GET /metrics} for Prometheus
 * ({@link RegistryMetrics}), and the console at {@code GET /console} ({@link ConsoleHttp}), whose trigger
 * log and live accuracy a {@link ConsoleFeed} reads from Kafka when Kafka is configured.
 *
 * <pre>{@code
 * try (RegistryServer server = RegistryServer.start(RegistryConfig.builder().dataDir(dir).build())) {
 *   RegistryClient client = new RegistryClient(server.baseUri());
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class RegistryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);

  private final Javalin app;
  private final URI baseUri;
  private final Deque<AutoCloseable> resources;
  private boolean closed;

  private RegistryServer(Javalin app, URI baseUri, Deque<AutoCloseable> resources) {
    this.app = app;
    this.baseUri = baseUri;
    this.resources = resources;
  }

  /** Opens the database (migrating it), starts publishing and listens; fails fast on any of it. */
  public static RegistryServer start(RegistryConfig config) {
    ContractClasses.trust(); // its metadata is read into generated classes
    Deque<AutoCloseable> resources = new ArrayDeque<>(); // closed last-opened first
    try {
      VersionStore store = VersionStore.open(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
      resources.push(store);
      ArtifactStore artifacts = new ArtifactStore(config.artifactDir());
      int stale = artifacts.removeStaleUploads(); // before listening: nothing is uploading yet
      if (stale > 0) {
        log.info("removed {} partial upload(s) a previous run left in {}", stale, config.artifactDir().resolve("incoming"));
      }
      ChangePublisher publisher = null;
      if (config.kafkaBootstrapServers() != null) {
        publisher = new ChangePublisher(store, config.kafkaBootstrapServers(), config.kafkaProducerProperties());
        resources.push(publisher);
      } else {
        log.warn("no Kafka bootstrap servers configured: champions are stored but not published, and the console shows no triggers or live accuracy");
      }
      ServiceMetrics metrics = ServiceMetrics.create();
      resources.push(metrics);
      RegistryMetrics registryMetrics = RegistryMetrics.of(metrics);
      Registry registry = new Registry(store, artifacts,
          publisher != null ? publisher : ChangeAnnouncer.NONE, config.clock(), config.maxArtifactBytes(),
          registryMetrics);

      ConsoleViews console = ConsoleViews.withDefaults(config.kafkaBootstrapServers() != null);
      if (console.fed()) {
        resources.push(ConsoleFeed.start(config.kafkaBootstrapServers(), console, registryMetrics));
      }

      Javalin app = Javalin.create(c -> {
        c.showJavalinBanner = false;
        c.jsonMapper(new JavalinJackson(RegistryJson.mapper(), false));
        c.http.disableCompression(); // artifacts are binary; JSON answers are small
        c.requestLogger.http(registryMetrics::requestAnswered);
        // Jetty counts a multipart field (the metadata part) against the form limit: the metadata limit
        // decides, and answers 413 itself
        c.jetty.modifyServletContextHandler(h -> h.setMaxFormContentSize((int) config.maxMetadataBytes() + 64 * 1024));
      });
      RegistryHttp.routes(app, registry, config.artifactDir().toAbsolutePath().resolve("incoming"),
          config.maxArtifactBytes(), config.maxMetadataBytes(), RegistryAccess.of(config.bearerToken(), config.namedTokens()));
      ConsoleHttp.routes(app, registry, console);
      app.get(MetricsEndpoint.PATH, ctx -> ctx.contentType(ServiceMetrics.CONTENT_TYPE).result(metrics.scrape()));
      resources.push(app::stop);
      app.start(config.bindHost(), config.httpPort());
      String publicBase = config.publicBaseUrl() != null ? config.publicBaseUrl()
          : "http://" + reachableHost(config.bindHost()) + ":" + app.port();
      if (publisher != null) {
        publisher.start(config.publishRetryInterval());
      }
      URI baseUri = URI.create(publicBase);
      log.info("model registry listening on {}:{} (public URL {}, database {}, artifacts {}, access {})",
          config.bindHost(), app.port(), baseUri, withoutParameters(config.jdbcUrl()), config.artifactDir().toAbsolutePath(),
          config.bearerToken() == null && config.namedTokens() == null ? "open: no PLASTICITY_REGISTRY_TOKEN(S) set"
              : config.namedTokens() == null ? "need the admin token" : "need a token with the route's role");
      return new RegistryServer(app, baseUri, resources);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int port() {
    return app.port();
  }

  /** The base URL clients reach this server at; artifact locations are relative to it. */
  public URI baseUri() {
    return baseUri;
  }

  /** Stops listening, stops publishing (unpublished champions wait for the next start), closes the database. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeAll(resources);
      log.info("model registry on port {} stopped", port());
    }
  }

  /**
   * Runs the registry until the JVM stops, configured by the variables {@link RegistryEnvironment}
   * declares.
   */
  public static void main(String[] args) throws InterruptedException {
    RegistryServer server = start(fromEnvironment(System.getenv()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "registry-shutdown"));
    stopped.await();
  }

  /** The configuration the variables {@link RegistryEnvironment} declares give in {@code env}. */
  static RegistryConfig fromEnvironment(Map<String, String> env) {
    return RegistryEnvironment.read(env);
  }

  /** The host a client on this machine reaches a server bound to {@code bindHost} at. */
  private static String reachableHost(String bindHost) {
    if (bindHost.equals("0.0.0.0") || bindHost.equals("::") || bindHost.equals("[::]")) {
      return "127.0.0.1";
    }
    return bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("closing {} failed", resource, e);
      }
    }
  }

  private static String withoutParameters(String jdbcUrl) {
    int cut = jdbcUrl.indexOf('?');
    return cut < 0 ? jdbcUrl : jdbcUrl.substring(0, cut);
  }
}
