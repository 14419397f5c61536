package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.testkit.KafkaBroker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What {@link DriftJob#startLocal} exposes: its REST endpoint only on loopback, and its failure to whoever started it. */
class DriftJobLocalClusterTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  /** A listening TCP socket of this machine, from /proc/net/tcp and tcp6: the address in hex, and the port. */
  record Listening(String addressHex, int port) {
    boolean loopback() {
      return addressHex.equals("0100007F") || addressHex.equals("00000000000000000000000001000000")
          || addressHex.equals("0000000000000000FFFF00000100007F"); // 127.0.0.1 as an IPv4-mapped IPv6 address
    }
  }

  static Set<Listening> listening() throws IOException {
    Set<Listening> all = new HashSet<>();
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(file);
      if (!Files.isReadable(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A")) { // LISTEN
          String[] local = f[1].split(":");
          all.add(new Listening(local[0], Integer.parseInt(local[1], 16)));
        }
      }
    }
    return all;
  }

  static DriftJobOptions.Builder options() {
    return DriftJobOptions.builder(kafka.bootstrapServers())
        .groupId("local-" + UUID.randomUUID())
        .transactionalIdPrefix("local-" + UUID.randomUUID())
        .restartAttempts(0);
  }

  /** Whether Flink's REST API answers on 127.0.0.1:port. */
  static boolean isFlinkRest(int port) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/config").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      return c.getResponseCode() == 200
          && new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("flink-version");
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  @Timeout(120)
  void theRestEndpointOfALocalJobListensOnLoopbackAndNowhereElse() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux's /proc/net/tcp to see bound addresses");
    Set<Listening> before = listening();
    JobClient job = DriftJob.startLocal(options().build());
    try {
      List<Listening> opened = new ArrayList<>();
      Listening rest = null;
      while (rest == null) { // until the REST endpoint answers: the MiniCluster starts it before it runs the job
        opened.clear();
        for (Listening l : listening()) {
          if (!before.contains(l)) {
            opened.add(l);
          }
        }
        rest = opened.stream().filter(l -> isFlinkRest(l.port())).findFirst().orElse(null);
        if (rest == null) {
          Thread.sleep(100);
        }
      }
      assertTrue(rest.loopback(), "the REST endpoint is bound to " + rest.addressHex());
      for (Listening l : opened) {
        assertTrue(l.loopback(), "the local job opened port " + l.port() + " on " + l.addressHex() + ", not loopback");
      }
      Optional<InetAddress> other = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
          .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
          .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
          .findFirst();
      if (other.isPresent()) {
        int port = rest.port();
        assertThrows(ConnectException.class, () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(other.get(), port), 2000);
          }
        }, "the REST port answers on " + other.get());
      }
    } finally {
      job.cancel().get();
    }
  }

  @Test
  @Timeout(120)
  void aJobThatFailedSaysSoAndWhy(@TempDir Path dir) throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    JobClient job = DriftJob.startLocal(options().checkpointInterval(Duration.ofMillis(100))
        .checkpointDirectory(checkpoints.toUri().toString()).build());
    while (job.getJobStatus().get() != JobStatus.RUNNING) { // until it runs
      Thread.sleep(50);
    }
    assertEquals(Optional.empty(), DriftJob.failureOf(job), "a running job has not failed");
    // where checkpoints go is now a regular file: the next checkpoint fails, and with it the job (restarts are off)
    try (var files = Files.walk(checkpoints)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.writeString(checkpoints, "not a directory any more");
    Optional<Throwable> failure = DriftJob.failureOf(job);
    while (failure.isEmpty()) { // until the job has failed
      Thread.sleep(100);
      failure = DriftJob.failureOf(job);
    }
    String chain = ExceptionUtils.stringifyException(failure.get());
    assertTrue(chain.contains("checkpoint"), chain);
  }
}
