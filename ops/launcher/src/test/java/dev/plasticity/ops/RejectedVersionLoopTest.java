package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.generators.Instance;
import dev.plasticity.generators.SeaGenerator;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ModelLoader;
import dev.plasticity.inference.ModelSubscription;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.FaultRecord;
import dev.plasticity.testkit.KafkaBroker;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainerService;
import dev.plasticity.trainer.TrainingOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A champion the registry accepted but inference cannot serve (its stored bytes rotted on disk):
 * the inference replica that finds out reports it, the registry stops calling it champion and
 * announces the version before it again, inference serves that one, and a trigger that still names
 * the rejected version as its base is trained from the last version that served. Real broker,
 * registry with a bearer token, trainer and inference subscription.
 */
@Timeout(300)
class RejectedVersionLoopTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  private static final String MODEL = "rotting";
  private static final String TOKEN = "test-token-" + System.nanoTime();

  @Test
  void aChampionInferenceRejectsIsReportedReplacedAndNeverTheBaseOfTheNextRun() throws Exception {
    long t0 = System.currentTimeMillis() - 60_000;
    BlockingQueue<TrainingOutcome> outcomes = new LinkedBlockingQueue<>();
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir.resolve("registry"))
            .httpPort(0).bearerToken(TOKEN).kafkaBootstrapServers(kafka.bootstrapServers())
            .publishRetryInterval(Duration.ofMillis(200)).build());
        TrainerService trainer = TrainerService.create(TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
            .registryToken(TOKEN).strategy("retrain").trainingEvents(600).minTrainingEvents(200)
            .dataWait(Duration.ofSeconds(30)).epochs(3).hiddenUnits(List.of(8)).build())) {
      RegistryClient client = new RegistryClient(registry.baseUri(), Duration.ofSeconds(30), TOKEN);
      client.ensureModel(MODEL);
      publishEvents(t0, 600);
      ModelVersion v1 = trainer.bootstrap(MODEL, t0, 600).version().orElseThrow();

      // v2: v1's network with one weight nudged, registered as champion; then its stored bytes rot
      byte[] bytes = client.downloadVerified(v1);
      bytes[bytes.length - 1] ^= 1;
      ModelVersion v2 = client.register(ModelVersion.newBuilder(v1).setVersion(0).setArtifactUri("").setArtifactSha256("")
          .setCreatedAt(0).setLineage(Lineage.newBuilder(v1.getLineage()).setParentVersion(1).setTriggerId("nudged")
              .setStrategy("manual").build()).build(), bytes);
      assertThat(v2.getVersion()).isEqualTo(2);
      rot(v2.getArtifactSha256());

      HotSwapPredictor predictor = new HotSwapPredictor(MODEL);
      ModelLoader loader = new ModelLoader(client, predictor);
      try (predictor; ModelSubscription inference = ModelSubscription.start(kafka.bootstrapServers(), loader)) {
        await(() -> loader.isRejected(2) && predictor.servedVersion().orElse(0) == 1, "inference rejects v2 and serves v1");
        await(() -> client.rejection(MODEL, 2).isPresent(), "the registry records the rejection");
        assertThat(client.rejection(MODEL, 2).orElseThrow()).contains("v2");
        assertThat(client.champion(MODEL).orElseThrow().getVersion()).isEqualTo(1);
        await(() -> lastAnnouncedVersion() == 1, "the registry announces v1 again as the champion");
        assertThat(inference.failure()).isEmpty();
      }

      trainer.onOutcome(outcomes::add).start();
      sendTrigger("names-rejected-v2", 2, t0);
      TrainingOutcome outcome = outcomes.poll(4, TimeUnit.MINUTES);

      assertThat(outcome).as("the trainer's outcome of the trigger naming v2").isNotNull();
      ModelVersion v3 = outcome.version().orElseThrow(() -> new AssertionError(outcome.toString()));
      assertThat(v3.getVersion()).isEqualTo(3);
      assertThat(v3.getLineage().getParentVersion()).isEqualTo(1);
      assertThat(v3.getLineage().getReason().toString()).contains("base version v2 cannot be used");
      FaultRecord.of("corrupted-artifact", getClass(), "aChampionInferenceRejectsIsReportedReplacedAndNeverTheBaseOfTheNextRun")
          .held("inference rejects the rotten v2 and serves", "v1")
          .held("the registry's champion after the rejection", "v1")
          .expect("the version trained for the trigger naming v2", 3, v3.getVersion())
          .expect("its parent (the last version that served)", 1, v3.getLineage().getParentVersion())
          .write();
    }
  }

  private void rot(String sha256) throws Exception {
    List<Path> stored;
    try (Stream<Path> files = Files.walk(dir.resolve("registry"))) {
      stored = files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().equals(sha256)).toList();
    }
    assertThat(stored).as("the stored artifact %s", sha256).hasSize(1);
    byte[] bytes = Files.readAllBytes(stored.get(0));
    bytes[bytes.length / 2] ^= (byte) 0xFF;
    Files.write(stored.get(0), bytes);
  }

  private static void publishEvents(long t0, int count) {
    SeaGenerator sea = new SeaGenerator(1, false, 10, 5);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, LabelledEvent> producer =
        new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(LabelledEvent.class))) {
      for (int i = 0; i < count; i++) {
        Instance x = sea.next();
        LabelledEvent event = LabelledEvent.newBuilder().setEventId(MODEL + "-" + i).setModel(MODEL)
            .setEventTime(t0 + i).setFeatures(Map.of("x1", x.feature(0), "x2", x.feature(1), "x3", x.feature(2)))
            .setLabel(x.label()).build();
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, event.getEventTime(), event.getEventId(), event));
      }
    }
  }

  private static void sendTrigger(String id, int baseVersion, long t0) throws Exception {
    DriftTrigger trigger = DriftTrigger.newBuilder().setTriggerId(id).setModel(MODEL).setBaseVersion(baseVersion)
        .setKind(DriftKind.CONCEPT).setSeverity(0.2).setDetectedAt(System.currentTimeMillis()).setEvidence(List.of())
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(t0).setEndTime(t0 + 600)
            .setEventCount(600).setOffsets(List.of()).build())
        .build();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, DriftTrigger> producer =
        new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(DriftTrigger.class))) {
      producer.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, MODEL, trigger)).get();
    }
  }

  /** The version of the newest record for {@link #MODEL} on the versions topic. */
  private static int lastAnnouncedVersion() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    AvroCodec<ModelVersion> codec = AvroCodec.of(ModelVersion.class);
    List<ModelVersion> announced = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var partitions = consumer.partitionsFor(Topics.MODEL_VERSIONS).stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          ModelVersion version = codec.decode(record.value());
          if (MODEL.equals(version.getModel().toString())) {
            announced.add(version);
          }
        }
      }
    }
    assertThat(announced).isNotEmpty();
    return announced.get(announced.size() - 1).getVersion();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 2 minutes for: %s", what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
