package dev.plasticity.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code plasticity} service command ({@code scoring}, {@code trainer}, …) running in a child JVM
 * on the test classpath, as an operator would start it: configured by environment only, its output
 * in a log file, its health on a port the test chose. {@link #kill()} is SIGKILL (no shutdown hook
 * runs), {@link #terminate(Duration)} is SIGTERM.
 *
 * <p>Not thread-safe; {@link #close()} kills the child if it still runs.
 */
final class LauncherProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;
  private final URI health;

  private LauncherProcess(Process process, Path log, URI health) {
    this.process = process;
    this.log = log;
    this.health = health;
  }

  /**
   * Starts {@code plasticity command} with {@code env} (and the health endpoint on a free port)
   * added to this JVM's environment without its {@code PLASTICITY_*} variables.
   */
  static LauncherProcess start(String command, Map<String, String> env, Path log) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx768m", "-Xss4m", "-XX:TieredStopAtLevel=1",
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.plasticity", "-Dai.djl.offline=true",
        "-cp", System.getProperty("java.class.path"), Plasticity.class.getName(), command);
    builder.environment().keySet().removeIf(name -> name.startsWith("PLASTICITY_"));
    builder.environment().putAll(env);
    builder.environment().put(ServiceEnvironment.HEALTH_PORT_NAME, String.valueOf(port));
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new LauncherProcess(builder.start(), log, URI.create("http://127.0.0.1:" + port + "/health"));
  }

  /**
   * Waits (bounded, for liveness only) until {@code GET /health} answers 200 with a body that
   * {@code wanted} accepts; fails with the child's log if the child ends first.
   */
  void awaitHealth(String what, Predicate<String> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("the child ended with status " + process.exitValue() + " before " + what + ":\n" + log());
      }
      try {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200 && wanted.test(answer.body())) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what + ":\n" + log());
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs, nothing is closed or committed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /**
   * SIGTERM, as {@code docker stop} or Kubernetes sends it, then waits up to {@code patience} for the
   * child to end.
   *
   * @return its exit status, or empty if it still ran after {@code patience} (it is then killed)
   */
  java.util.OptionalInt terminate(Duration patience) throws InterruptedException {
    process.destroy();
    if (process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
      return java.util.OptionalInt.of(process.exitValue());
    }
    kill();
    return java.util.OptionalInt.empty();
  }

  /** The last lines the child wrote, for failure messages. */
  String log() {
    try {
      List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
