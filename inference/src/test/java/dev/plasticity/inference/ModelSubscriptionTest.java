package dev.plasticity.inference;

import static dev.plasticity.inference.TestModels.artifact;
import static dev.plasticity.inference.TestModels.await;
import static dev.plasticity.inference.TestModels.champion;
import static dev.plasticity.inference.TestModels.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole path with a real registry and a real Kafka broker: announce, download, verify, load, swap, serve. */
class ModelSubscriptionTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path dataDir;

  @Test
  void servesEachNewChampionWithoutFailingAPredictionAndNeverOneThatFailsItsChecksum() throws Exception {
    String model = "churn-" + UUID.randomUUID().toString().substring(0, 8);
    List<SwapEvent> swaps = new CopyOnWriteArrayList<>();
    List<Rejection> rejections = new CopyOnWriteArrayList<>();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(champion(model, "t-1"), artifact(1));
      ModelLoader loader = new ModelLoader(client, predictor, 2, 1).onSwap(swaps::add).onReject(rejections::add);

      try (ModelSubscription subscription = ModelSubscription.start(kafka.bootstrapServers(), loader)) {
        await("v1 is served", () -> predictor.servedVersion().equals(OptionalInt.of(1)));
        await("the subscription read the topic to its end", subscription::caughtUp);

        AtomicBoolean stop = new AtomicBoolean();
        Future<Set<Integer>> stamped = caller.submit(() -> {
          Set<Integer> versions = new TreeSet<>();
          while (!stop.get()) {
            versions.add(predictor.predict(event(3, 5, 7)).modelVersion());
          }
          return versions;
        });
        await("v1 answered predictions", () -> predictor.predictions() >= 50);
        ModelVersion v2 = client.register(champion(model, "t-2"), artifact(2));
        await("v2 is served", () -> predictor.servedVersion().equals(OptionalInt.of(2)));
        long afterSwap = predictor.predictions();
        await("v2 answered predictions", () -> predictor.predictions() >= afterSwap + 50);
        stop.set(true);

        assertThat(stamped.get()).containsExactly(1, 2);
        assertThat(predictor.failedPredictions()).isZero();
        assertThat(swaps).extracting(SwapEvent::fromVersion, SwapEvent::toVersion)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(-1, 1), org.assertj.core.groups.Tuple.tuple(1, 2));

        ModelVersion tampered = ModelVersion.newBuilder(v2).setVersion(3).setArtifactSha256("0".repeat(64)).build();
        publish(tampered);
        await("v3 is rejected", () -> loader.rejectedVersions() == 1);

        assertThat(predictor.servedVersion()).isEqualTo(OptionalInt.of(2));
        assertThat(rejections).singleElement().satisfies(r -> {
          assertThat(r.version()).isEqualTo(3);
          assertThat(r.model()).isEqualTo(model);
        });
        assertThat(swaps).hasSize(2);
        assertThat(subscription.isRunning()).isTrue();

        try (InferenceService service = InferenceService.start(0, predictor, loader)) {
          HttpClient http = HttpClient.newHttpClient();
          HttpResponse<String> answer = http.send(
              HttpRequest.newBuilder(service.baseUri().resolve("/api/predict"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"features\":{\"x1\":1.5,\"x2\":4,\"x3\":9}}")).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(answer.statusCode()).isEqualTo(200);
          assertThat(new ObjectMapper().readTree(answer.body()).get("modelVersion").asInt()).isEqualTo(2);

          JsonNode status = new ObjectMapper().readTree(http.send(
              HttpRequest.newBuilder(service.baseUri().resolve("/api/model")).GET().build(),
              HttpResponse.BodyHandlers.ofString()).body());
          assertThat(status.get("servedVersion").asInt()).isEqualTo(2);
          assertThat(status.get("rejectedVersions").asInt()).isEqualTo(1);
          assertThat(status.get("failedPredictions").asLong()).isZero();
        }
      }
    } finally {
      caller.shutdownNow();
    }
  }

  private static void publish(ModelVersion version) throws Exception {
    try (KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(), AvroSerde.of(ModelVersion.class))) {
      producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, version.getModel(), version)).get();
    }
  }
}
