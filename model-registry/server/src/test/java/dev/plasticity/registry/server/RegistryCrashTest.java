package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.testkit.FaultRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a registry confirmed survives the registry being killed: the registry runs in a JVM of its
 * own, answers 201, and is killed with SIGKILL at once.
 */
class RegistryCrashTest {
  @TempDir Path dataDir;

  @Test
  void aConfirmedVersionSurvivesAKillRightAfterTheAnswerAndItsNumberIsNeverIssuedAgain() throws Exception {
    int survived = 0;
    int numberedNext = 0;
    for (int attempt = 1; attempt <= 3; attempt++) {
      Path dir = Files.createDirectories(dataDir.resolve("attempt-" + attempt));
      String model = "crash";
      ModelVersion confirmed;
      try (ForkedRegistry registry = ForkedRegistry.start(dir)) {
        registry.client.ensureModel(model);
        confirmed = registry.client.register(metadata(model, "champion", "t-" + attempt), artifact("first " + attempt));
        registry.kill(); // SIGKILL, right after the 201
      }

      try (ForkedRegistry restarted = ForkedRegistry.start(dir)) {
        assertThat(restarted.client.version(model, 1)).as("attempt %d", attempt).contains(confirmed);
        assertThat(restarted.client.downloadVerified(confirmed)).isEqualTo(artifact("first " + attempt));
        ModelVersion next = restarted.client.register(metadata(model, "challenger", null), artifact("second " + attempt));
        assertThat(next.getVersion()).as("attempt %d", attempt).isEqualTo(2);
        survived++;
        numberedNext++;
      }
    }
    FaultRecord.of("registry-killed-after-confirm", getClass(),
            "aConfirmedVersionSurvivesAKillRightAfterTheAnswerAndItsNumberIsNeverIssuedAgain")
        .expect("kills right after a 201 whose version and artifact were there after the restart", 3, survived)
        .expect("restarts whose next registration got the next number (v2)", 3, numberedNext)
        .write();
  }

  @Test
  void uploadsThatLoseTheRaceForATriggerIdLeaveNoArtifactBehind() throws Exception {
    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(dataDir.resolve("artifacts")).build())) {
      RegistryClient client = new RegistryClient(server.baseUri());
      client.ensureModel("race");
      int uploads = 6;
      List<byte[]> bytes = new ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        bytes.add(artifact("contender " + i)); // different bytes for one trigger id
      }
      ExecutorService pool = Executors.newFixedThreadPool(uploads);
      List<ModelVersion> results = new ArrayList<>();
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ModelVersion>> futures = new ArrayList<>();
        for (byte[] b : bytes) {
          futures.add(pool.submit(() -> {
            go.await();
            return client.register(metadata("race", "champion", "t-shared"), b);
          }));
        }
        go.countDown();
        for (Future<ModelVersion> f : futures) {
          results.add(f.get());
        }
      } finally {
        pool.shutdownNow();
      }

      assertThat(results).extracting(ModelVersion::getVersion).containsOnly(1);
      assertThat(storedArtifacts(dataDir.resolve("artifacts")))
          .containsExactly(results.get(0).getArtifactSha256());
      assertThat(incomingFiles(dataDir.resolve("artifacts"))).isEmpty();
    }
  }

  @Test
  void partialUploadsAPreviousRunLeftAreRemovedAtStart() throws Exception {
    Path incoming = Files.createDirectories(dataDir.resolve("artifacts").resolve("incoming"));
    Files.write(incoming.resolve("upload-123.tmp"), new byte[1024]);
    Files.write(incoming.resolve("MultiPart456.tmp"), new byte[1024]);

    try (RegistryServer server = RegistryServer.start(TestVersions.inMemory(dataDir.resolve("artifacts")).build())) {
      assertThat(incomingFiles(dataDir.resolve("artifacts"))).isEmpty();
    }
  }

  static List<String> storedArtifacts(Path artifactDir) throws IOException {
    Path root = artifactDir.resolve("sha256");
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static List<Path> incomingFiles(Path artifactDir) throws IOException {
    Path incoming = artifactDir.resolve("incoming");
    if (!Files.exists(incoming)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(incoming)) {
      return files.toList();
    }
  }

  /** {@link RegistryServer#main} in a JVM of its own, on the test's classpath. */
  static final class ForkedRegistry implements AutoCloseable {
    final Process process;
    final RegistryClient client;

    private ForkedRegistry(Process process, RegistryClient client) {
      this.process = process;
      this.client = client;
    }

    static ForkedRegistry start(Path dataDir) throws Exception {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          RegistryServer.class.getName());
      builder.environment().put("PLASTICITY_REGISTRY_DATA_DIR", dataDir.toString());
      builder.environment().put("PLASTICITY_REGISTRY_PORT", String.valueOf(port));
      builder.environment().remove("PLASTICITY_KAFKA_BOOTSTRAP");
      builder.environment().remove(RegistryClient.TOKEN_ENV);
      builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("registry.log").toFile()));
      Process process = builder.start();
      RegistryClient client = new RegistryClient(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(30));
      ForkedRegistry forked = new ForkedRegistry(process, client);
      forked.awaitListening(dataDir);
      return forked;
    }

    /** Waits until the registry answers (or its process ends, which fails the test with its log). */
    private void awaitListening(Path dataDir) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("the registry process ended with " + process.exitValue() + ": "
              + Files.readString(dataDir.resolve("registry.log")));
        }
        try {
          client.champion("readiness-probe");
          return;
        } catch (RegistryException e) {
          process.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS); // not up yet
        }
      }
      throw new AssertionError("the registry did not answer within 60 s: " + Files.readString(dataDir.resolve("registry.log")));
    }

    void kill() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL: no shutdown hook runs
      process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        kill();
      }
    }
  }
}
