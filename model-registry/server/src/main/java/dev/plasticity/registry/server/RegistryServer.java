package dev.plasticity.registry.server;

import dev.plasticity.registry.client.RegistryJson;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry service: HTTP API (see {@code RegistryClient} for the routes), metadata in SQL,
 * artifacts on the filesystem, champions announced on Kafka.
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
  /** Largest accepted upload; models in Plasticity are megabytes. */
  private static final long MAX_UPLOAD_BYTES = 2L * 1024 * 1024 * 1024;

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
    Deque<AutoCloseable> resources = new ArrayDeque<>(); // closed last-opened first
    try {
      VersionStore store = VersionStore.open(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
      resources.push(store);
      ArtifactStore artifacts = new ArtifactStore(config.artifactDir());
      ChampionPublisher publisher = null;
      if (config.kafkaBootstrapServers() != null) {
        publisher = new ChampionPublisher(store, config.kafkaBootstrapServers(), config.kafkaProducerProperties());
        resources.push(publisher);
      } else {
        log.warn("no Kafka bootstrap servers configured: champions are stored but not published");
      }
      AtomicReference<String> publicBase = new AtomicReference<>(config.publicBaseUrl());
      Registry registry = new Registry(store, artifacts,
          publisher != null ? publisher : ChampionAnnouncer.NONE, publicBase::get, config.clock());

      Javalin app = Javalin.create(c -> {
        c.showJavalinBanner = false;
        c.jsonMapper(new JavalinJackson(RegistryJson.mapper(), false));
        c.http.disableCompression(); // artifacts are binary; JSON answers are small
        c.jetty.multipartConfig.cacheDirectory(config.artifactDir().toAbsolutePath().resolve("incoming").toString());
        c.jetty.multipartConfig.maxFileSize(MAX_UPLOAD_BYTES, SizeUnit.BYTES);
        c.jetty.multipartConfig.maxTotalRequestSize(MAX_UPLOAD_BYTES, SizeUnit.BYTES);
        c.jetty.modifyServletContextHandler(h -> h.setMaxFormContentSize(64 * 1024 * 1024)); // metadata part
      });
      RegistryHttp.routes(app, registry);
      resources.push(app::stop);
      app.start(config.httpPort());
      if (publicBase.get() == null) {
        publicBase.set("http://127.0.0.1:" + app.port());
      }
      if (publisher != null) {
        publisher.start(config.publishRetryInterval());
      }
      URI baseUri = URI.create(publicBase.get());
      log.info("model registry listening on port {} (public URL {}, database {}, artifacts {})",
          app.port(), baseUri, withoutParameters(config.jdbcUrl()), config.artifactDir().toAbsolutePath());
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

  /** The public base URL: what clients and artifact URIs use. */
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
   * Runs the registry until the JVM stops. Environment: PLASTICITY_REGISTRY_PORT (default 8081),
   * PLASTICITY_REGISTRY_DATA_DIR (default ./registry-data: H2 database and artifacts),
   * PLASTICITY_REGISTRY_JDBC_URL / _JDBC_USER / _JDBC_PASSWORD (e.g. PostgreSQL instead of H2),
   * PLASTICITY_REGISTRY_PUBLIC_URL (base of artifact URIs), PLASTICITY_KAFKA_BOOTSTRAP (unset: do
   * not publish).
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

  static RegistryConfig fromEnvironment(Map<String, String> env) {
    RegistryConfig.Builder builder = RegistryConfig.builder()
        .httpPort(Integer.parseInt(env.getOrDefault("PLASTICITY_REGISTRY_PORT", String.valueOf(RegistryConfig.DEFAULT_PORT))))
        .dataDir(Path.of(env.getOrDefault("PLASTICITY_REGISTRY_DATA_DIR", "registry-data")))
        .publicBaseUrl(env.get("PLASTICITY_REGISTRY_PUBLIC_URL"))
        .kafkaBootstrapServers(env.get("PLASTICITY_KAFKA_BOOTSTRAP"));
    String jdbcUrl = env.get("PLASTICITY_REGISTRY_JDBC_URL");
    if (jdbcUrl != null && !jdbcUrl.isBlank()) {
      builder.jdbc(jdbcUrl, env.get("PLASTICITY_REGISTRY_JDBC_USER"), env.get("PLASTICITY_REGISTRY_JDBC_PASSWORD"));
    }
    return builder.build();
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
