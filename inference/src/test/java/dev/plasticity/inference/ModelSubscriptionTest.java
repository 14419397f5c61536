package dev.plasticity.inference;

import static dev.plasticity.inference.TestModels.artifact;
import static dev.plasticity.inference.TestModels.await;
import static dev.plasticity.inference.TestModels.champion;
import static dev.plasticity.inference.TestModels.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole path with a real registry and a real Kafka broker: announce, download, verify, load, swap, serve. */
class ModelSubscriptionTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path dataDir;

  @Test
  void isReadyOnceItHasLoadedTheChampionTheTopicHoldsAndAlsoForAModelWithoutOne() throws Exception {
    String model = "ready-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        HotSwapPredictor predictor = new HotSwapPredictor(model);
        HotSwapPredictor fresh = new HotSwapPredictor(model + "-new")) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(champion(model, "t-1"), artifact(1));

      try (ModelSubscription subscription = ModelSubscription.start(kafka.bootstrapServers(),
              new ModelLoader(client, predictor));
          ModelSubscription none = ModelSubscription.start(kafka.bootstrapServers(), new ModelLoader(client, fresh))) {
        assertThat(subscription.awaitReady(Duration.ofMinutes(1))).isTrue();
        assertThat(predictor.servedVersion()).as("ready means the champion is served, not only announced")
            .isEqualTo(OptionalInt.of(1));
        assertThat(none.awaitReady(Duration.ofMinutes(1))).as("a model with no version is ready with none").isTrue();
        assertThat(fresh.servedVersion()).isEmpty();
      }
    }
  }

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
        await("v3 is rejected and its listeners heard of it", () -> rejections.size() == 1);

        assertThat(predictor.servedVersion()).isEqualTo(OptionalInt.of(2));
        assertThat(rejections).singleElement().satisfies(r -> {
          assertThat(r.version()).isEqualTo(3);
          assertThat(r.model()).isEqualTo(model);
        });
        assertThat(swaps).hasSize(2);
        assertThat(subscription.isRunning()).isTrue();
      }
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void followsARollbackToAnOlderVersionAndAPromotionBack() throws Exception {
    String model = "rollback-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(champion(model, "t-1"), artifact(1));
      client.register(champion(model, "t-2"), artifact(2));
      List<SwapEvent> swaps = new CopyOnWriteArrayList<>();

      try (ModelSubscription subscription = ModelSubscription.start(kafka.bootstrapServers(),
          new ModelLoader(client, predictor).onSwap(swaps::add))) {
        await("v2 is served", () -> predictor.servedVersion().equals(OptionalInt.of(2)));

        client.rollback(model, "v2 answers worse on live labels", false);
        await("the rollback's v1 is served", () -> predictor.servedVersion().equals(OptionalInt.of(1)));
        assertThat(predictor.predict(event(3, 5, 7)).modelVersion()).isEqualTo(1);

        client.promote(model, 2, "fixed upstream");
        await("v2 is served again", () -> predictor.servedVersion().equals(OptionalInt.of(2)));
        assertThat(swaps).extracting(SwapEvent::toVersion).endsWith(2, 1, 2);
      }
    }
  }

  @Test
  void deadLettersUndecodableVersionRecordsAndStillServesTheChampionAfterThem() throws Exception {
    String model = "garbled-" + UUID.randomUUID().toString().substring(0, 8);
    byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
    byte[] whole = AvroCodec.of(ModelVersion.class).encode(
        ModelVersion.newBuilder(champion(model, "t-0")).setVersion(7).setArtifactUri("api/x").setArtifactSha256("ab").build());
    byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
    publishBytes(model, garbage);
    publishBytes(model, truncated);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(champion(model, "t-1"), artifact(1)); // announced after the two bad records
      ModelLoader loader = new ModelLoader(client, predictor, 1, 1);

      try (ModelSubscription subscription = ModelSubscription.start(kafka.bootstrapServers(), loader)) {
        await("v1 is served", () -> predictor.servedVersion().equals(OptionalInt.of(1)));
        await("both bad records are dead-lettered", () -> subscription.deadLetters() == 2);

        assertThat(subscription.undecodableRecords()).isEqualTo(2);
        assertThat(subscription.isRunning()).isTrue();
        assertThat(subscription.failure()).isEmpty();
        List<DeadLetter> letters = deadLettersFor(model, 2);
        assertThat(letters).allSatisfy(letter -> {
          assertThat(letter.getSourceTopic()).isEqualTo(Topics.MODEL_VERSIONS);
          assertThat(letter.getOffset()).isNotNegative();
          assertThat(letter.getFailedAt()).isPositive();
          assertThat(bytes(letter.getKey())).isEqualTo(model.getBytes(StandardCharsets.UTF_8));
        });
        assertThat(letters).extracting(l -> bytes(l.getValue())).containsExactlyInAnyOrder(garbage, truncated);
        DeadLetter garbled = letters.stream().filter(l -> Arrays.equals(bytes(l.getValue()), garbage)).findFirst().orElseThrow();
        assertThat(garbled.getError()).contains("not an Avro single-object payload for ModelVersion");
        DeadLetter cut = letters.stream().filter(l -> Arrays.equals(bytes(l.getValue()), truncated)).findFirst().orElseThrow();
        assertThat(cut.getError()).contains("corrupt ModelVersion payload");
      }
    }
  }

  @Test
  void aSubscriptionWhoseThreadDiesOfAnErrorSaysSoAndKeepsTheServedVersion() throws Exception {
    String model = "doomed-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        HotSwapPredictor predictor = new HotSwapPredictor(model)) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(champion(model, "t-1"), artifact(1));
      ModelLoader loader = new ModelLoader(client, predictor, 1, 1).onSwap(e -> {
        throw new OutOfMemoryError("Java heap space (thrown by the test's swap listener)");
      });
      List<Throwable> heard = new CopyOnWriteArrayList<>();

      try (ModelSubscription subscription = ModelSubscription.start(kafka.bootstrapServers(), loader).onFailure(heard::add)) {
        await("the subscription failed", () -> subscription.failure().isPresent());

        assertThat(subscription.failure().get()).isInstanceOf(OutOfMemoryError.class);
        assertThat(subscription.isRunning()).isFalse();
        await("failure listeners heard of it", () -> heard.size() == 1);
        assertThat(heard.get(0)).isSameAs(subscription.failure().get());
        assertThat(predictor.servedVersion()).as("the version swapped in keeps serving").isEqualTo(OptionalInt.of(1));
      }
    }
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  /** Reads {@link Topics#EVENTS_DLQ} from the beginning until {@code count} letters keyed by {@code model} arrived. */
  private static List<DeadLetter> deadLettersFor(String model, int count) {
    List<DeadLetter> letters = new ArrayList<>();
    AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.EVENTS_DLQ));
      await(count + " dead letters of " + model, () -> {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (Arrays.equals(record.key(), model.getBytes(StandardCharsets.UTF_8))) {
            letters.add(codec.decode(record.value()));
          }
        }
        return letters.size() >= count;
      });
    }
    return letters;
  }

  private static void publishBytes(String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, key, value)).get();
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
