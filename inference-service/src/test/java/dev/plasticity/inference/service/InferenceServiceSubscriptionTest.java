package dev.plasticity.inference.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.ModelSubscription;
import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.testkit.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP service over a real subscription: a real broker, a real registry, versions announced on Kafka. */
class InferenceServiceSubscriptionTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  @Test
  void servesEachVersionItsSubscriptionSwapsIn() throws Exception {
    String model = "served-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(ServingFixtures.champion(model, "t-1"), ServingFixtures.artifact(1));
      ModelLoader loader = new ModelLoader(client, predictor, 1, 1);

      try (ModelSubscription subscription = ModelSubscription.start(kafka.bootstrapServers(), loader);
          InferenceService service = InferenceService.start("127.0.0.1", 0, predictor, loader, subscription)) {
        await("v1 is served", () -> predictor.servedVersion().equals(OptionalInt.of(1)));
        assertThat(get(service.baseUri().resolve("/health")).statusCode()).isEqualTo(200);

        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(service.baseUri().resolve("/api/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"features\":{\"x1\":1.5,\"x2\":4,\"x3\":9}}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("modelVersion").asInt()).isEqualTo(1);

        ModelVersion v2 = client.register(ServingFixtures.champion(model, "t-2"), ServingFixtures.artifact(2));
        await("v2 is served", () -> predictor.servedVersion().equals(OptionalInt.of(v2.getVersion())));
        JsonNode status = JSON.readTree(get(service.baseUri().resolve("/api/model")).body());
        assertThat(status.get("servedVersion").asInt()).isEqualTo(2);
        assertThat(status.get("rejectedVersions").asInt()).isZero();
        assertThat(status.get("failedPredictions").asLong()).isZero();
      }
    }
  }

  @Test
  void healthAnswersFailedAndMainExitsWithOneWhenTheSubscriptionDiesOfAnError() throws Exception {
    String model = "doomed-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(ServingFixtures.champion(model, "t-1"), ServingFixtures.artifact(1));
      ModelLoader loader = new ModelLoader(client, predictor, 1, 1).onSwap(e -> {
        throw new OutOfMemoryError("Java heap space (thrown by the test's swap listener)");
      });

      try (ModelSubscription subscription = ModelSubscription.start(kafka.bootstrapServers(), loader);
          InferenceService service = InferenceService.start("127.0.0.1", 0, predictor, loader, subscription)) {
        await("the subscription failed", () -> subscription.failure().isPresent());

        HttpResponse<String> health = get(service.baseUri().resolve("/health"));
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.get("status").asText()).isEqualTo("failed");
        assertThat(body.get("reason").asText()).contains("OutOfMemoryError", "no new version will be served");

        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = InferenceService.awaitStop(model, subscription, new CountDownLatch(1),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertThat(status).as("main's exit status").isEqualTo(1);
        assertThat(stderr.toString(StandardCharsets.UTF_8))
            .contains("inference for model " + model + " stops", "OutOfMemoryError", "no new version would be served");
      }
    }
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
