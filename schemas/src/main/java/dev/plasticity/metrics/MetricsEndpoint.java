package dev.plasticity.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code GET /metrics} for a process that has no HTTP API of its own (the scoring app, the label
 * join, the trainer): a JDK HTTP server that answers with {@link ServiceMetrics#scrape()}. Other
 * paths answer 404, other methods 405. Port 0 picks a free one ({@link #port()}).
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class MetricsEndpoint implements AutoCloseable {
  /** The path Prometheus scrapes. */
  public static final String PATH = "/metrics";

  private final HttpServer server;
  private final ServiceMetrics metrics;

  private MetricsEndpoint(HttpServer server, ServiceMetrics metrics) {
    this.server = server;
    this.metrics = metrics;
  }

  /**
   * Starts answering on {@code host:port}.
   *
   * @throws IllegalArgumentException when the port is not 0..65535
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static MetricsEndpoint start(String host, int port, ServiceMetrics metrics) {
    Objects.requireNonNull(metrics, "metrics");
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("a metrics endpoint listens on a named address, e.g. 127.0.0.1; it was blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("a metrics port is 0 (any free port) or 1..65535, got " + port);
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
      MetricsEndpoint endpoint = new MetricsEndpoint(server, metrics);
      server.createContext("/", endpoint::answer);
      server.start();
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for metrics scrapes on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The port it listens on (the chosen one when started with 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://<host>:<port>/metrics}, with 127.0.0.1 for an endpoint bound to every interface. */
  public URI uri() {
    String host = server.getAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1"
        : server.getAddress().getHostString();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + PATH);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        send(exchange, 404, "no such path; GET " + PATH + "\n", "text/plain; charset=utf-8");
      } else if (!"GET".equals(method) && !"HEAD".equals(method)) {
        send(exchange, 405, "GET " + PATH + " only\n", "text/plain; charset=utf-8");
      } else {
        send(exchange, 200, metrics.scrape(), ServiceMetrics.CONTENT_TYPE);
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String body, String contentType) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
