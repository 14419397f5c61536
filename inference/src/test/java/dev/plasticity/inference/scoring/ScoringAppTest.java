package dev.plasticity.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.inference.AliasRole;
import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The scoring app on a real Kafka broker with a real registry: register, score, dead-letter, restart. */
@Timeout(180)
class ScoringAppTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
  private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);

  @TempDir Path registryDir;
  @TempDir Path stateDir;
  @TempDir Path otherStateDir;

  private static final Map<String, Object> FAST_COMMITS = Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);

  @Test
  void answersUnlabelledEventsWithPredictionsStampedWithTheRegisteredVersion() {
    String model = "churn-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<byte[], byte[]> producer = producer()) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(ServingFixtures.champion(model, "t-1"), ServingFixtures.artifact(1));

      try (ScoringApp app = ScoringApp.start(config(model, registry, stateDir), FAST_COMMITS);
          ServiceMetrics metrics = ServiceMetrics.create();
          MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics)) {
        app.bindTo(metrics.registry());
        await("v1 is served and the app runs",
            () -> app.servedVersion(model).equals(OptionalInt.of(1)) && app.state() == KafkaStreams.State.RUNNING);
        for (int i = 0; i < 10; i++) {
          UnlabelledEvent event = UnlabelledEvent.newBuilder().setEventId(model + "-e" + i).setModel(model)
              .setEventTime(1_000L * i).setFeatures(Map.of("x1", (double) i, "x2", 5.0, "x3", 9.0 - i)).build();
          producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, null, event.getEventTime(), key(event.getEventId()),
              EVENTS.encode(event)));
        }
        producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, key(model + "-bad"), new byte[] {42}));
        producer.flush();

        List<Prediction> predictions = readUntil(Topics.PREDICTIONS, AvroSerde.of(Prediction.class),
            p -> p.getModel().equals(model), 10);
        assertThat(predictions).extracting(Prediction::getVersion).containsOnly(1);
        assertThat(predictions).extracting(Prediction::getEventId)
            .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 10).mapToObj(i -> model + "-e" + i).toList());
        assertThat(predictions).allSatisfy(p -> assertThat(p.getProbabilities()).hasSize(2));

        List<DeadLetter> letters = readUntil(Topics.EVENTS_DLQ, AvroSerde.of(DeadLetter.class),
            d -> d.getKey() != null && StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString().equals(model + "-bad"), 1);
        assertThat(letters.get(0).getError()).startsWith("undecodable: ");
        assertThat(app.counts().scored()).isEqualTo(10);
        assertThat(app.counts().deadLettered(DeadLetterRule.UNDECODABLE)).isEqualTo(1);
        String tag = "{model=\"" + model + "\"}";
        assertThat(scrape(endpoint))
            .contains("plasticity_scoring_events_scored_total 10.0")
            .contains("plasticity_scoring_dead_letters_total{reason=\"undecodable\"} 1.0")
            .contains("plasticity_scoring_dead_letters_total{reason=\"missing-feature\"} 0.0")
            .contains("plasticity_scoring_pending_events 0.0")
            .contains("plasticity_predictions_total" + tag + " 10.0")
            .contains("plasticity_swaps_total" + tag + " 1.0")
            .contains("plasticity_served_version" + tag + " 1.0")
            .contains("plasticity_served_version_age_seconds" + tag)
            .contains("plasticity_predictions_failed_total{model=\"" + model + "\",reason=\"no-version-served\"} 0.0")
            .containsPattern("plasticity_prediction_latency_seconds_count\\{model=\"" + model + "\"} [1-9]");
      }
    }
  }

  @Test
  void aRestartedAppRestoresTheNewestLabelsAndALaggedVersionReadsThem() {
    String model = "lagged-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<byte[], byte[]> producer = producer()) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(dev.plasticity.schemas.ModelVersion.newBuilder(ServingFixtures.champion(model, "t-1"))
          .setArchitecture(ServingFixtures.laggedArchitecture()).build(), ServingFixtures.laggedArtifact());
      ScoringConfig first = config(model, registry, stateDir);

      try (ScoringApp app = ScoringApp.start(first, FAST_COMMITS)) {
        await("the first app runs", () -> app.state() == KafkaStreams.State.RUNNING);
        producer.send(new ProducerRecord<>(Topics.LABELS, key(model + "-e0"), LABELS.encode(Label.newBuilder()
            .setEventId(model + "-e0").setModel(model).setLabel(1).setLabelTime(1_000L).build())));
        producer.flush();
        await("the label was recorded", () -> app.counts().labelsRecorded() == 1);
      }

      // a fresh state directory: the store comes back from its changelog topic, not from local files
      try (ScoringApp app = ScoringApp.start(new ScoringConfig(first.bootstrapServers(), first.registryUrl(), null,
          first.models(), first.applicationId(), otherStateDir), FAST_COMMITS)) {
        await("v1 is served and the restarted app runs",
            () -> app.servedVersion(model).equals(OptionalInt.of(1)) && app.state() == KafkaStreams.State.RUNNING);
        UnlabelledEvent event = UnlabelledEvent.newBuilder().setEventId(model + "-e1").setModel(model)
            .setEventTime(2_000L).setFeatures(Map.of("x1", 0.0)).build();
        producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, key(event.getEventId()), EVENTS.encode(event)));
        producer.flush();

        List<Prediction> predictions = readUntil(Topics.PREDICTIONS, AvroSerde.of(Prediction.class),
            p -> p.getModel().equals(model), 1);
        assertThat(predictions.get(0).getPredictedClass())
            .as("the version read the restored label 1 (with no label it answers 0)").isEqualTo(1);
        assertThat(app.counts().labelsRecorded()).as("no label was read again from the topic").isZero();
      }
    }
  }

  @Test
  void eventsPendingWhenTheAppClosesAreScoredOnceByTheNextInstance() {
    String model = "pending-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<byte[], byte[]> producer = producer()) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(ServingFixtures.champion(model, "t-1"), ServingFixtures.artifact(1));
      // batches that never fill and a flush that never comes while the first app runs
      ScoringConfig first = config(model, registry, stateDir).withBatching(1_000, Duration.ofHours(1));

      try (ScoringApp app = ScoringApp.start(first, FAST_COMMITS)) {
        await("v1 is served and the first app runs",
            () -> app.servedVersion(model).equals(OptionalInt.of(1)) && app.state() == KafkaStreams.State.RUNNING);
        for (int i = 0; i < 5; i++) {
          UnlabelledEvent event = UnlabelledEvent.newBuilder().setEventId(model + "-e" + i).setModel(model)
              .setEventTime(1_000L * i).setFeatures(Map.of("x1", (double) i, "x2", 5.0, "x3", 9.0)).build();
          producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, key(event.getEventId()), EVENTS.encode(event)));
        }
        producer.flush();
        await("the five events are pending", () -> app.counts().pending() == 5);
        assertThat(app.counts().scored()).isZero();
      }

      // a fresh state directory: the pending events come back from the store's changelog topic
      try (ScoringApp app = ScoringApp.start(first.withBatching(256, Duration.ofMillis(5)).withStateDir(otherStateDir),
          FAST_COMMITS)) {
        await("v1 is served and the restarted app runs",
            () -> app.servedVersion(model).equals(OptionalInt.of(1)) && app.state() == KafkaStreams.State.RUNNING);
        // a task may score its restored events before the model's first version is loaded: those are
        // dead-lettered (no-version-served) like any event read then; none is lost or written twice
        await("the restored events are scored or dead-lettered", () -> app.counts().pending() == 0
            && app.counts().scored() + app.counts().deadLettered(DeadLetterRule.NO_VERSION_SERVED) == 5);
      }
      List<String> answered = new ArrayList<>();
      readAll(Topics.PREDICTIONS, AvroSerde.of(Prediction.class), p -> p.getModel().equals(model))
          .forEach(p -> answered.add(p.getEventId()));
      readAll(Topics.EVENTS_DLQ, AvroSerde.of(DeadLetter.class), d -> d.getKey() != null
          && d.getError().startsWith("no-version-served: ") && StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString().startsWith(model + "-e"))
          .forEach(d -> answered.add(StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString()));
      assertThat(answered).as("each pending event answered once, by a prediction or a dead letter")
          .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 5).mapToObj(i -> model + "-e" + i)
              .toList());
    }
  }

  @Test
  void scoresWithTheShadowTheCanaryChallengerAndAfterAPromotionThePreviousChampionFollowingTheRegistry() {
    String model = "aliases-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<byte[], byte[]> producer = producer()) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      client.register(ServingFixtures.champion(model, "t-1"), ServingFixtures.artifact(1));
      client.register(asChallenger(ServingFixtures.champion(model, "t-2")), ServingFixtures.artifact(2));
      client.moveAlias(model, "shadow", 2, "watch v2 on live traffic");
      client.register(asChallenger(ServingFixtures.champion(model, "t-3")), ServingFixtures.artifact(3));
      CanaryShares canary = new CanaryShares(0.5, Map.of());

      try (ScoringApp app = ScoringApp.start(config(model, registry, stateDir).withCanary(canary).withVerifyWatch(4),
              FAST_COMMITS);
          ServiceMetrics metrics = ServiceMetrics.create();
          MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics)) {
        app.bindTo(metrics.registry());
        dev.plasticity.inference.AliasPredictors aliases = app.scorers().aliases(model).orElseThrow();
        await("champion v1, challenger v3 and shadow v2 are served", () -> app.state() == KafkaStreams.State.RUNNING
            && served(aliases, AliasRole.CHAMPION) == 1 && served(aliases, AliasRole.CHALLENGER) == 3
            && served(aliases, AliasRole.SHADOW) == 2);
        sendEvents(producer, model, "a", 10);

        List<Prediction> first = readUntil(Topics.PREDICTIONS, AvroSerde.of(Prediction.class),
            p -> p.getEventId().startsWith(model + "-a"), 20);
        assertThat(first).filteredOn(Prediction::getServed).hasSize(10).allSatisfy(p -> assertThat(
            p.getAlias() + " v" + p.getVersion()).isEqualTo(canary.takes(model, p.getEventId().toString())
                ? "challenger v3" : "champion v1"));
        assertThat(first).filteredOn(p -> !p.getServed()).hasSize(10)
            .allSatisfy(p -> assertThat(p.getAlias() + " v" + p.getVersion()).isEqualTo("shadow v2"));

        client.promote(model, 2, "the shadow did well");
        await("v2 is the champion and v1 is watched", () -> served(aliases, AliasRole.CHAMPION) == 2
            && aliases.watchedVersion().equals(OptionalInt.of(1)));
        sendEvents(producer, model, "b", 6);

        List<Prediction> second = readUntil(Topics.PREDICTIONS, AvroSerde.of(Prediction.class),
            p -> p.getEventId().startsWith(model + "-b"), 16);
        assertThat(second).filteredOn(p -> p.getAlias().equals("previous"))
            .as("the replaced champion scores the watch's 4 events beside its successor, never served")
            .hasSize(4).allSatisfy(p -> assertThat(p.getVersion()).isEqualTo(1))
            .noneMatch(Prediction::getServed);
        assertThat(second).filteredOn(Prediction::getServed).hasSize(6);
        await("v1 is released after its watch", () -> aliases.watchedVersion().isEmpty());
        String tags = "model=\"" + model + "\",version=";
        assertThat(scrape(endpoint))
            .contains("plasticity_scoring_alias_predictions_total{alias=\"shadow\"," + tags + "\"2\"} 16.0")
            .contains("plasticity_scoring_alias_predictions_total{alias=\"previous\"," + tags + "\"1\"} 4.0")
            .contains("plasticity_scoring_alias_failures_total{alias=\"shadow\"," + tags + "\"2\"} 0.0");

        client.removeAlias(model, "shadow", "seen enough");
        await("the shadow no longer scores", () -> aliases.predictor(AliasRole.SHADOW).orElseThrow().servedVersion()
            .isEmpty());
      }
    }
  }

  private static int served(dev.plasticity.inference.AliasPredictors aliases, AliasRole role) {
    return aliases.predictor(role).orElseThrow().servedVersion().orElse(-1);
  }

  private static dev.plasticity.schemas.ModelVersion asChallenger(dev.plasticity.schemas.ModelVersion version) {
    return dev.plasticity.schemas.ModelVersion.newBuilder(version).setAlias("challenger").build();
  }

  private static void sendEvents(KafkaProducer<byte[], byte[]> producer, String model, String batch, int n) {
    for (int i = 0; i < n; i++) {
      UnlabelledEvent event = UnlabelledEvent.newBuilder().setEventId(model + "-" + batch + i).setModel(model)
          .setEventTime(1_000L * i).setFeatures(Map.of("x1", (double) i, "x2", 5.0, "x3", 9.0 - i)).build();
      producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, key(event.getEventId()), EVENTS.encode(event)));
    }
    producer.flush();
  }

  /** Every committed value of {@code topic} that matches, read to the end offsets of now. */
  private static <T> List<T> readAll(String topic, Deserializer<T> values, Predicate<T> wanted) {
    List<T> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      await("reading " + topic + " to its end", () -> {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          T value = values.deserialize(topic, record.value());
          if (wanted.test(value)) {
            found.add(value);
          }
        }
        return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
      });
    }
    return found;
  }

  /** What Prometheus reads from {@code endpoint}. */
  private static String scrape(MetricsEndpoint endpoint) {
    try {
      java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(endpoint.uri()).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while scraping " + endpoint.uri(), e);
    }
  }

  private static ScoringConfig config(String model, RegistryServer registry, Path stateDir) {
    return ScoringConfig.of(kafka.bootstrapServers(), registry.baseUri(), List.of(model), stateDir)
        .withApplicationId("scoring-test-" + model);
  }

  private static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Reads {@code topic} from the start (committed records only) until {@code count} values match. */
  private static <T> List<T> readUntil(String topic, Deserializer<T> values, Predicate<T> wanted, int count) {
    List<T> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await(count + " matching records on " + topic, () -> {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          T value = values.deserialize(topic, record.value());
          if (wanted.test(value)) {
            found.add(value);
          }
        }
        return found.size() >= count;
      });
    }
    assertThat(found).hasSize(count);
    return found;
  }

  /** Waits (bounded, for liveness only) until {@code condition} holds. */
  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }
}
