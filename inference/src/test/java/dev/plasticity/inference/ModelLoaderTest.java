package dev.plasticity.inference;

import static dev.plasticity.inference.TestModels.architecture;
import static dev.plasticity.inference.TestModels.artifact;
import static dev.plasticity.inference.TestModels.champion;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.Sha256;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.ModelVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  @Test
  void downloadsAVersionStoredWithAnOldRegistrysAbsoluteUriFromTheRegistryItTalksTo() throws Exception {
    String model = "moved";
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir).build());
        HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      ModelVersion registered = client.register(champion(model, "t-1"), artifact(1));
      // as a registry on another port wrote it before a restart
      ModelVersion stale = ModelVersion.newBuilder(registered)
          .setArtifactUri("http://127.0.0.1:" + deadPort() + "/api/models/" + model + "/versions/1/artifact").build();
      ModelLoader loader = new ModelLoader(client, predictor, 1, 1);

      assertThat(loader.loadAndSwap(stale)).isPresent();

      assertThat(predictor.servedVersion()).isEqualTo(OptionalInt.of(1));
      assertThat(loader.rejectedVersions()).isZero();
    }
  }

  @Test
  void reportsEveryRejectedVersionToTheRegistryAndSendsAFailedReportAgain() throws Exception {
    String model = "reported";
    byte[] weights = artifact(1);
    RecordingRegistry registry = new RecordingRegistry(model, weights);
    try (HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      ModelLoader loader = new ModelLoader(new RegistryClient(registry.base()), predictor, 1, 1);
      List<Rejection> heard = new CopyOnWriteArrayList<>();
      loader.onReject(heard::add);

      registry.rejectionStatus.set(503); // the registry cannot take the report now
      ModelVersion tampered = version(model, 2, architecture(), "0".repeat(64));
      assertThat(loader.loadAndSwap(tampered)).isEmpty();

      assertThat(loader.isRejected(2)).isTrue();
      assertThat(loader.pendingRejectionReports()).isEqualTo(1);
      assertThat(registry.reports).singleElement().satisfies(r -> {
        assertThat(r.path()).isEqualTo("/api/models/reported/versions/2/rejection");
        assertThat(r.reason()).contains("failed its checksum");
      });

      registry.rejectionStatus.set(201);
      Architecture wider = Architecture.newBuilder(architecture()).setHiddenUnits(List.of(32, 8)).build();
      ModelVersion unloadable = version(model, 3, wider, Sha256.hex(weights));
      assertThat(loader.loadAndSwap(unloadable)).isEmpty();

      assertThat(loader.isRejected(3)).isTrue();
      assertThat(loader.pendingRejectionReports()).as("the failed report went again before the next load").isZero();
      assertThat(registry.reports).extracting(Report::path).containsExactly(
          "/api/models/reported/versions/2/rejection",
          "/api/models/reported/versions/2/rejection",
          "/api/models/reported/versions/3/rejection");
      assertThat(registry.reports.get(2).reason()).isEqualTo(heard.get(1).reason());
      assertThat(predictor.servedVersion()).as("nothing unservable was swapped in").isEmpty();
    } finally {
      registry.stop();
    }
  }

  @Test
  void rejectsAVersionThatNamesNoArtifactLocationInsteadOfRetryingItForever() throws Exception {
    String model = "nowhere";
    RecordingRegistry registry = new RecordingRegistry(model, artifact(1));
    try (HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      ModelLoader loader = new ModelLoader(new RegistryClient(registry.base()), predictor, 1, 1);
      ModelVersion nowhere = ModelVersion.newBuilder(version(model, 4, architecture(), Sha256.hex(artifact(1))))
          .setArtifactUri("").build();

      assertThat(loader.loadAndSwap(nowhere)).isEmpty();

      assertThat(loader.isRejected(4)).isTrue();
      assertThat(registry.reports).singleElement().satisfies(r ->
          assertThat(r.reason()).contains("no usable artifact location"));
      assertThat(loader.pendingRejectionReports()).isZero();
    } finally {
      registry.stop();
    }
  }

  @Test
  void reportsALongReasonShortenedToWhatTheRegistryAccepts() throws Exception {
    String model = "verbose";
    RecordingRegistry registry = new RecordingRegistry(model, artifact(1));
    try (HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      ModelLoader loader = new ModelLoader(new RegistryClient(registry.base()), predictor, 1, 1);
      List<Rejection> heard = new CopyOnWriteArrayList<>();
      loader.onReject(heard::add);
      ModelVersion unparseable = ModelVersion.newBuilder(version(model, 6, architecture(), Sha256.hex(artifact(1))))
          .setArtifactUri("http://host/" + "{bad}".repeat(2_000)).build();

      assertThat(loader.loadAndSwap(unparseable)).isEmpty();

      assertThat(heard).singleElement().satisfies(r -> assertThat(r.reason()).hasSizeGreaterThan(10_000));
      assertThat(registry.reports).singleElement().satisfies(r -> {
        assertThat(r.reason()).hasSizeLessThanOrEqualTo(ModelLoader.MAX_REPORTED_REASON).startsWith("no usable artifact location");
        assertThat(r.reason()).endsWith("chars)");
      });
    } finally {
      registry.stop();
    }
  }

  @Test
  void rejectsAnArchitectureTooLargeForItsArtifactBeforeBuildingIt() throws Exception {
    String model = "giant";
    byte[] weights = artifact(1);
    RecordingRegistry registry = new RecordingRegistry(model, weights);
    try (HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      ModelLoader loader = new ModelLoader(new RegistryClient(registry.base()), predictor, 1, 1);
      // building it would need about 4 EB of weights; the artifact has 1.5 kB
      Architecture giant = Architecture.newBuilder(architecture())
          .setHiddenUnits(List.of(1_000_000_000, 1_000_000_000)).build();

      assertThat(loader.loadAndSwap(version(model, 5, giant, Sha256.hex(weights)))).isEmpty();

      assertThat(loader.isRejected(5)).isTrue();
      assertThat(registry.reports).singleElement().satisfies(r ->
          assertThat(r.reason()).contains("an artifact of " + weights.length + " bytes cannot hold the weights"));
    } finally {
      registry.stop();
    }
  }

  @Test
  void anArtifactNeedsFourBytesForEveryWeightAndBiasOfItsLinearLayers() {
    // 3 inputs -> 16 -> 8 -> 2 classes: (3+1)*16 + (16+1)*8 + (8+1)*2 = 218 parameters
    assertThat(ModelLoader.minimumArtifactBytes(architecture())).isEqualTo(218L * 4);
    assertThat(artifact(1).length).isGreaterThanOrEqualTo(218 * 4);
    Architecture absurd = Architecture.newBuilder(architecture())
        .setHiddenUnits(List.of(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE)).build();
    assertThat(ModelLoader.minimumArtifactBytes(absurd)).isEqualTo(Long.MAX_VALUE);
  }

  private static ModelVersion version(String model, int number, Architecture architecture, String sha256) {
    return ModelVersion.newBuilder(champion(model, "t-" + number)).setVersion(number).setArchitecture(architecture)
        .setArtifactUri("api/models/" + model + "/versions/" + number + "/artifact").setArtifactSha256(sha256).build();
  }

  private static int deadPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  record Report(String path, String authorization, String reason) {}

  /**
   * A real HTTP server speaking the two registry routes the loader uses: every artifact request
   * gets {@code artifact}; every rejection report is recorded and answered with {@link #rejectionStatus}.
   * (This branch's registry server predates the rejection route; the end-to-end test runs against
   * the real one.)
   */
  static final class RecordingRegistry {
    final List<Report> reports = new CopyOnWriteArrayList<>();
    final AtomicInteger rejectionStatus = new AtomicInteger(201);
    private final HttpServer server;
    private final byte[] artifact;

    RecordingRegistry(String model, byte[] artifact) throws IOException {
      this.artifact = artifact;
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/api/models/" + model + "/versions/", this::handle);
      server.start();
    }

    URI base() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getRawPath();
      if ("GET".equals(exchange.getRequestMethod()) && path.endsWith("/artifact")) {
        answer(exchange, 200, artifact);
      } else if ("POST".equals(exchange.getRequestMethod()) && path.endsWith("/rejection")) {
        reports.add(new Report(path, exchange.getRequestHeaders().getFirst("Authorization"),
            JSON.readTree(body).get("reason").asText()));
        answer(exchange, rejectionStatus.get(), "{}".getBytes(StandardCharsets.UTF_8));
      } else {
        answer(exchange, 404, "{\"error\":\"no such route\"}".getBytes(StandardCharsets.UTF_8));
      }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    }

    void stop() {
      server.stop(0);
    }
  }
}
