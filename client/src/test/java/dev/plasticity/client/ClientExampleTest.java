package dev.plasticity.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.inference.Prediction;
import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.testkit.KafkaBroker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it from your service" example, run as written against a real broker and a real
 * registry holding one version of {@code fraud}, in a JVM started without any Avro or Plasticity flag.
 */
class ClientExampleTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir static Path dataDir;
  private static RegistryServer registry;
  private static RegistryClient registryClient;

  @BeforeAll
  static void registerOneVersionOfFraud() {
    registry = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
        .kafkaBootstrapServers(kafka.bootstrapServers()).build());
    registryClient = new RegistryClient(registry.baseUri());
    register("fraud", "t-1", 1);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @Test
  void theReadmeExampleServesTheRegisteredVersionAndPublishesTheEventAndItsLabel() throws Exception {
    assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).as("a service's JVM needs no flag").isNull();
    String bootstrapServers = kafka.bootstrapServers();
    URI registryUrl = registry.baseUri();
    Instant before = Instant.now();

    // --- the README example, as written there ---
    try (PlasticityClient plasticity = PlasticityClient.connect(bootstrapServers, registryUrl)) {
      ServedModel fraud = plasticity.model("fraud");
      int version = fraud.awaitFirstVersion(Duration.ofMinutes(2));   // waits until a version is served here
      Map<String, Double> features = Map.of("amount", 129.0, "hour", 23.0, "distance", 4.5);
      Prediction prediction = fraud.predict(features);                // class, probabilities, modelVersion
      plasticity.publishEvent(Event.of("fraud", "tx-1842", Instant.now(), features)).join();

      // later, once the truth about tx-1842 is known:
      plasticity.publishLabel("fraud", "tx-1842", 1).join();
      // --- end of the example ---

      assertThat(version).isEqualTo(1);
      assertThat(prediction.modelVersion()).isEqualTo(1);
      assertThat(prediction.probabilities()).hasSize(2);
      assertThat(fraud.servedVersion()).hasValue(1);
    }

    ConsumerRecord<String, byte[]> eventRecord = single(Topics.EVENTS_UNLABELLED, "tx-1842");
    UnlabelledEvent event = AvroCodec.of(UnlabelledEvent.class).decode(eventRecord.value());
    assertThat(event.getModel()).isEqualTo("fraud");
    assertThat(event.getFeatures()).containsEntry("amount", 129.0).containsEntry("hour", 23.0).hasSize(3);
    assertThat(eventRecord.timestamp()).as("record timestamp = event time").isEqualTo(event.getEventTime());
    assertThat(event.getEventTime()).isGreaterThanOrEqualTo(before.toEpochMilli());

    ConsumerRecord<String, byte[]> labelRecord = single(Topics.LABELS, "tx-1842");
    Label label = AvroCodec.of(Label.class).decode(labelRecord.value());
    assertThat(label.getModel()).isEqualTo("fraud");
    assertThat(label.getLabel()).isEqualTo(1);
    assertThat(labelRecord.timestamp()).as("record timestamp = label time").isEqualTo(label.getLabelTime());
  }

  @Test
  void withoutAScoringAppTheServiceSendsTheLabelledEventWithItsPredictionAndVersion() throws Exception {
    try (PlasticityClient plasticity = PlasticityClient.connect(kafka.bootstrapServers(), registry.baseUri())) {
      ServedModel fraud = plasticity.model("fraud");
      fraud.awaitFirstVersion(Duration.ofMinutes(2));
      Event event = Event.of("fraud", "tx-77", Instant.ofEpochMilli(1_700_000_000_000L),
          Map.of("amount", 12.0, "hour", 3.0, "distance", 0.5));
      Prediction prediction = fraud.predict(event.features());

      plasticity.publishLabelled(event, 0, prediction).join();
    }

    ConsumerRecord<String, byte[]> record = single(Topics.EVENTS_LABELLED, "tx-77");
    LabelledEvent labelled = AvroCodec.of(LabelledEvent.class).decode(record.value());
    assertThat(record.timestamp()).isEqualTo(1_700_000_000_000L).isEqualTo(labelled.getEventTime());
    assertThat(labelled.getLabel()).isZero();
    assertThat(labelled.getPredictionVersion()).as("what concept drift needs").isEqualTo(1);
    assertThat(labelled.getPrediction()).isBetween(0, 1);
    assertThat(labelled.getFeatures()).containsEntry("distance", 0.5);
  }

  @Test
  void awaitsTheFirstVersionOfAModelThatHadNone() throws Exception {
    try (PlasticityClient plasticity = PlasticityClient.connect(kafka.bootstrapServers(), registry.baseUri())) {
      ServedModel loans = plasticity.model("loans");
      assertThatThrownBy(() -> loans.awaitFirstVersion(Duration.ofMillis(300)))
          .isInstanceOf(TimeoutException.class).hasMessageContaining("no version of model loans");
      assertThatThrownBy(() -> loans.predict(Map.of("amount", 1.0, "hour", 2.0, "distance", 3.0)))
          .isInstanceOf(IllegalStateException.class);

      register("loans", "t-first", 7);

      assertThat(loans.awaitFirstVersion(Duration.ofMinutes(2))).isEqualTo(1);
      assertThat(loans.predict(Map.of("amount", 1.0, "hour", 2.0, "distance", 3.0)).modelVersion()).isEqualTo(1);
      assertThat(plasticity.model("loans")).isSameAs(loans);
    }
  }

  @Test
  void aVersionThatReadsRecentLabelsSeesTheLabelsThisServicePublishes() throws Exception {
    registryClient.ensureModel("churn");
    registryClient.register(ModelVersion.newBuilder(ServingFixtures.champion("churn", "t-lagged"))
        .setArchitecture(ServingFixtures.laggedArchitecture()).build(), ServingFixtures.laggedArtifact());
    try (PlasticityClient plasticity = PlasticityClient.connect(kafka.bootstrapServers(), registry.baseUri())) {
      ServedModel churn = plasticity.model("churn");
      churn.awaitFirstVersion(Duration.ofMinutes(2));
      assertThat(churn.predict(Map.of("x1", 0.0)).label()).as("no label yet").isZero();

      plasticity.publishLabel("churn", "c-1", 1).join();

      assertThat(churn.predict(Map.of("x1", 0.0)).label()).as("the network answers the previous label").isEqualTo(1);
    }
  }

  @Test
  void refusesAnEventWithANonFiniteFeatureAndANegativeLabel() {
    assertThatThrownBy(() -> Event.of("fraud", "e", Instant.EPOCH, Map.of("amount", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("feature 'amount' must be a finite number");
    try (PlasticityClient plasticity = PlasticityClient.connect(kafka.bootstrapServers(), registry.baseUri())) {
      assertThatThrownBy(() -> plasticity.publishLabel("fraud", "e", -1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class index, 0 or more");
    }
  }

  /** Registers a version of {@code model} reading amount, hour and distance, with weights seeded by {@code seed}. */
  private static void register(String model, String triggerId, long seed) {
    ModelVersion champion = ServingFixtures.champion(model, triggerId);
    List<String> features = List.of("amount", "hour", "distance");
    Architecture architecture = Architecture.newBuilder(champion.getArchitecture()).setInputFeatures(features).build();
    ReferenceStatistics reference = ReferenceStatistics.newBuilder(champion.getReference())
        .setFeatures(champion.getReference().getFeatures().stream()
            .map(f -> FeatureReference.newBuilder(f).setName("amount").build()).collect(Collectors.toList()))
        .build();
    registryClient.ensureModel(model);
    registryClient.register(ModelVersion.newBuilder(champion).setArchitecture(architecture).setReference(reference).build(),
        ServingFixtures.artifact(seed));
  }

  private static ConsumerRecord<String, byte[]> single(String topic, String key) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(record.key())) {
            found.add(record);
          }
        }
      }
      assertThat(found).as("records keyed %s on %s", key, topic).hasSize(1);
      assertThat(found.get(0).key().getBytes(StandardCharsets.UTF_8)).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
      return found.get(0);
    }
  }
}
