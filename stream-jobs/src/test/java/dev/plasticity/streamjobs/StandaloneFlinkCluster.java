package dev.plasticity.streamjobs;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster as {@code bin/start-cluster.sh} starts it: a JobManager
 * process ({@code StandaloneSessionClusterEntrypoint}) and a TaskManager process ({@code
 * TaskManagerRunner}), each a separate JVM reading one {@code config.yaml}. Their classpath holds
 * Flink and its dependencies only: not our code, not Avro, Kafka or the Kafka connector, so a job
 * jar runs on it only if it brings those itself. Processes are killed on {@link #close()}.
 */
final class StandaloneFlinkCluster implements AutoCloseable {
  private static final List<String> NOT_ON_A_FLINK_CLUSTER = List.of(
      "/dev/plasticity/", "target/classes", "target/plasticity-", "target/test-classes", "/org/apache/avro/", "/org/apache/kafka/",
      "flink-connector-kafka", "flink-avro", "/datasketches/", "/nz/ac/waikato/", "/ai/djl/", "testcontainers",
      "junit", "/org/assertj/");

  private final Path confDir;
  private final String classpath = flinkClasspath();
  private final String jvmFlags;
  private final int restPort;
  private final List<Process> processes = new ArrayList<>();

  private StandaloneFlinkCluster(Path confDir, int restPort, String jvmFlags) {
    this.confDir = confDir;
    this.jvmFlags = jvmFlags;
    this.restPort = restPort;
  }

  /** Writes the configuration to {@code dir}, starts both processes and waits for one free slot. */
  static StandaloneFlinkCluster start(Path dir, String jvmFlags) throws Exception {
    int restPort = freePort();
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.yaml"), String.join("\n",
        "jobmanager.rpc.address: localhost",
        "jobmanager.rpc.port: " + freePort(),
        "jobmanager.bind-host: localhost",
        "jobmanager.memory.process.size: 768m",
        "rest.address: localhost",
        "rest.bind-address: localhost",
        "rest.port: " + restPort,
        "taskmanager.host: localhost",
        "taskmanager.bind-host: localhost",
        "taskmanager.numberOfTaskSlots: 2",
        // what bin/taskmanager.sh would compute and pass as dynamic properties
        "taskmanager.cpu.cores: 2",
        "taskmanager.memory.framework.heap.size: 128m",
        "taskmanager.memory.framework.off-heap.size: 128m",
        "taskmanager.memory.task.heap.size: 256m",
        "taskmanager.memory.task.off-heap.size: 0m",
        "taskmanager.memory.network.min: 64m",
        "taskmanager.memory.network.max: 64m",
        "taskmanager.memory.managed.size: 128m",
        "taskmanager.memory.jvm-metaspace.size: 256m",
        "taskmanager.memory.jvm-overhead.min: 192m",
        "taskmanager.memory.jvm-overhead.max: 192m",
        "parallelism.default: 2",
        "restart-strategy.type: none",
        ""));
    Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
        "rootLogger.level = INFO",
        "rootLogger.appenderRef.out.ref = out",
        "appender.out.type = Console",
        "appender.out.name = out",
        "appender.out.layout.type = PatternLayout",
        "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
        ""));
    StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(dir, restPort, jvmFlags);
    cluster.processes.add(cluster.java("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
        List.of("--configDir", dir.toString())));
    cluster.processes.add(cluster.java("taskmanager", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        List.of("--configDir", dir.toString())));
    cluster.awaitSlots(Duration.ofMinutes(2));
    return cluster;
  }

  Path confDir() {
    return confDir;
  }

  URI restUri() {
    return URI.create("http://localhost:" + restPort);
  }

  /** GET on the REST API, e.g. {@code /jobs/overview}. */
  String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(restUri().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  /**
   * {@code flink <args>}: Flink's command-line client ({@code CliFrontend}, what the {@code flink}
   * script runs) in its own JVM with the cluster's classpath and configuration.
   *
   * @return the client's exit code; its output is in {@code flink-<n>.out} in the conf dir
   */
  int flink(String... args) throws Exception {
    Process client = java("flink-" + System.nanoTime(), "org.apache.flink.client.cli.CliFrontend", List.of(args));
    if (!client.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
      client.destroyForcibly();
      throw new IllegalStateException("flink " + String.join(" ", args) + " did not return within 3 minutes");
    }
    return client.exitValue();
  }

  private Process java(String name, String mainClass, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-Dlog4j2.configurationFile=" + confDir.resolve("log4j2.properties"));
    command.addAll(Arrays.asList(jvmFlags.trim().split("\\s+")));
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(confDir.resolve(name + ".out").toFile());
    builder.environment().put("FLINK_CONF_DIR", confDir.toString());
    return builder.start();
  }

  private void awaitSlots(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a Flink process exited with " + p.exitValue() + "; see " + confDir);
        }
      }
      try {
        last = get("/overview");
        if (last.matches("(?s).*\"slots-available\"\\s*:\\s*[1-9].*")) {
          return;
        }
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("no TaskManager slot within " + timeout + "; last /overview: " + last + "; see " + confDir);
  }

  private static String flinkClasspath() {
    String testClasspath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Arrays.stream(testClasspath.split(File.pathSeparator))
        .filter(entry -> NOT_ON_A_FLINK_CLUSTER.stream().noneMatch(entry.replace('\\', '/')::contains))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
