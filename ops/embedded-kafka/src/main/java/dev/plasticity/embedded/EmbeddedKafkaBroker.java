package dev.plasticity.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller, one node), started
 * in-process from the Maven artifacts: no Docker, no downloads. Used by the embedded dev stack
 * and by the tests.
 *
 * <p>Every internal topic gets replication factor 1, so transactions, consumer groups and share
 * groups work on a single node. Records are kept however old their timestamps are (no time
 * retention). The data directory is formatted once; starting again on a
 * formatted directory reuses it (its cluster id is kept).
 *
 * <p>Thread-safe for {@link #bootstrapServers()}; start and close from one thread.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;

  private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
  }

  /** Starts a broker whose log lives under {@code dataDir} (created if missing). */
  public static EmbeddedKafkaBroker start(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      int brokerPort = freePort();
      int controllerPort = freePort();
      Path logDir = dataDir.resolve("kraft-logs");
      Properties props = brokerProperties(logDir, brokerPort, controllerPort);
      Path configFile = dataDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(configFile)) {
        props.store(out, "written by Plasticity's EmbeddedKafkaBroker");
      }
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(configFile);
      }
      long started = System.nanoTime();
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      String bootstrap = "127.0.0.1:" + brokerPort;
      log.info("Kafka broker (KRaft) up at {} in {} ms, data in {}",
          bootstrap, (System.nanoTime() - started) / 1_000_000, logDir);
      return new EmbeddedKafkaBroker(server, bootstrap, dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data directory " + dataDir, e);
    }
  }

  /**
   * Starts the broker that last ran in {@code dataDir} again, on the ports it listened on then (its
   * {@code server.properties}), so that clients configured with its address reconnect to it: a
   * broker restart as clients see it.
   *
   * @throws IllegalStateException when no broker ran in {@code dataDir}
   */
  public static EmbeddedKafkaBroker restart(Path dataDir) {
    Path configFile = dataDir.resolve("server.properties");
    if (!Files.exists(configFile) || !Files.exists(dataDir.resolve("kraft-logs").resolve("meta.properties"))) {
      throw new IllegalStateException("no broker ran in " + dataDir + " (no server.properties and formatted log"
          + " directory): start one with EmbeddedKafkaBroker.start first");
    }
    Properties props = new Properties();
    try (java.io.InputStream in = Files.newInputStream(configFile)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configFile, e);
    }
    long started = System.nanoTime();
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    server.startup();
    String bootstrap = props.getProperty("advertised.listeners").replace("PLAINTEXT://", "");
    log.info("Kafka broker (KRaft) restarted at {} in {} ms", bootstrap, (System.nanoTime() - started) / 1_000_000);
    return new EmbeddedKafkaBroker(server, bootstrap, dataDir);
  }

  /** Starts a broker in a fresh temporary directory. */
  public static EmbeddedKafkaBroker startInTempDir() {
    try {
      return start(Files.createTempDirectory("plasticity-kafka-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary Kafka data directory", e);
    }
  }

  static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.setProperty("listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "4");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "4");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("auto.create.topics.enable", "true");
    // Compaction on a dev box: clean the versions topic soon after a segment rolls.
    p.setProperty("log.cleaner.backoff.ms", "1000");
    // Keep records whatever their timestamps: tests and replays write events with fixed past
    // times, which the default 7-day retention deletes 30 s after start-up, under a running test.
    p.setProperty("log.retention.ms", "-1");
    return p;
  }

  private static void format(Path configFile) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] args = {
      "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString(), "--standalone"
    };
    int rc = StorageTool.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8));
    if (rc != 0) {
      throw new IllegalStateException(
          "formatting the Kafka log directory failed (exit " + rc + "): "
              + out.toString(StandardCharsets.UTF_8));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    log.info("Kafka broker at {} stopped", bootstrapServers);
  }
}
