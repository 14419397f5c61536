package dev.plasticity.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /health} for the services the launcher runs: 200 with {@code "status": "up"} when every
 * check is up, 503 with {@code "status": "down"} otherwise, and each service's state in words.
 * Binds {@value #DEFAULT_HOST} unless told otherwise; port 0 picks a free one. Other methods
 * answer 405 and other paths 404.
 *
 * <p>Thread-safe; the checks are called on the server's thread, once per request.
 */
final class HealthEndpoint implements AutoCloseable {
  static final String DEFAULT_HOST = "127.0.0.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Supplier<List<ServiceHealth>> checks;

  private HealthEndpoint(HttpServer server, Supplier<List<ServiceHealth>> checks) {
    this.server = server;
    this.checks = checks;
  }

  /** Starts answering on {@code host:port}. */
  static HealthEndpoint start(String host, int port, Supplier<List<ServiceHealth>> checks) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("a health port is 0 (any free port) or 1..65535, got " + port);
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
      HealthEndpoint endpoint = new HealthEndpoint(server, checks);
      server.createContext("/", endpoint::answer);
      server.start();
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for health checks on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  String host() {
    return server.getAddress().getHostString();
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"/health".equals(exchange.getRequestURI().getPath())) {
        send(exchange, 404, Map.of("error", "no such path; GET /health"));
      } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        send(exchange, 405, Map.of("error", "GET /health only"));
      } else {
        List<ServiceHealth> services = checkAll();
        boolean up = services.stream().allMatch(ServiceHealth::up);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "up" : "down");
        body.put("services", services);
        send(exchange, up ? 200 : 503, body);
      }
    }
  }

  private List<ServiceHealth> checkAll() {
    try {
      return checks.get();
    } catch (RuntimeException e) {
      return new ArrayList<>(List.of(ServiceHealth.recovering("health-check", "could not check: " + e)));
    }
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, "HEAD".equals(exchange.getRequestMethod()) ? -1 : bytes.length);
    if (!"HEAD".equals(exchange.getRequestMethod())) {
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
