package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import dev.plasticity.trainer.RetrainingPolicy;
import dev.plasticity.trainer.SeaEvents;
import dev.plasticity.trainer.TestConstraints;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trigger whose base version cannot be used does not block retraining: the run starts from the
 * champion, or from scratch, and says so. Against a real broker and registry.
 */
class StartingVersionTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  private static final RetrainingPolicy.Drift CONCEPT = new RetrainingPolicy.Drift(DriftKind.CONCEPT, 1.0);

  @Test
  void startsFromTheChampionWhenTheTriggersBaseVersionDoesNotExist() throws Exception {
    try (RegistryServer registry = registry();
        ProgressReporter progress = new ProgressReporter(kafka.bootstrapServers(), Clock.systemUTC())) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("orphaned");
      long t0 = 1_740_000_000_000L;
      publish("orphaned", t0);
      RetrainingRun run = new RetrainingRun(config(registry), client, progress, Clock.systemUTC());
      assertThat(run.run("bootstrap-orphaned", "orphaned", null, window(t0), 400).version()).isPresent();

      TrainingOutcome outcome = run.run("names-v99", "orphaned", 99, window(t0), 400, CONCEPT);

      ModelVersion v2 = outcome.version().orElseThrow();
      assertThat(v2.getLineage().getParentVersion()).isEqualTo(1);
      assertThat(v2.getLineage().getReason()).endsWith("; the trigger's base version v99 cannot be used (the"
          + " registry has no such version), so this run starts from v1, the champion: the last version that served");
      assertThat(outcome.servingAccuracy()).isPresent();
    }
  }

  @Test
  void trainsFromScratchWhenTheBaseIsTheChampionAndItsArtifactIsCorrupt() throws Exception {
    try (RegistryServer registry = registry();
        ProgressReporter progress = new ProgressReporter(kafka.bootstrapServers(), Clock.systemUTC())) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("corrupted");
      long t0 = 1_750_000_000_000L;
      publish("corrupted", t0);
      RetrainingRun run = new RetrainingRun(config(registry), client, progress, Clock.systemUTC());
      ModelVersion v1 = run.run("bootstrap-corrupted", "corrupted", null, window(t0), 400).version().orElseThrow();
      corruptStoredArtifact(v1.getArtifactSha256());

      TrainingOutcome outcome = run.run("names-corrupt-v1", "corrupted", 1, window(t0), 400, CONCEPT);

      ModelVersion v2 = outcome.version().orElseThrow();
      assertThat(v2.getVersion()).isEqualTo(2);
      assertThat(v2.getLineage().getParentVersion()).isNull();
      assertThat(v2.getLineage().getReason()).contains("; the trigger's base version v1 cannot be used (its artifact")
          .endsWith("and it is the champion, so this run trains from scratch");
      assertThat(outcome.servingAccuracy()).isEmpty();
    }
  }

  /** Flips every byte of the registry's stored file with these contents, wherever the registry keeps it. */
  private void corruptStoredArtifact(String sha256) throws Exception {
    List<Path> stored;
    try (Stream<Path> files = Files.walk(dir)) {
      stored = files.filter(Files::isRegularFile).filter(f -> sha256.equals(sha256Of(f))).toList();
    }
    assertThat(stored).isNotEmpty();
    for (Path file : stored) {
      byte[] bytes = Files.readAllBytes(file);
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) ~bytes[i];
      }
      Files.write(file, bytes);
    }
  }

  private static String sha256Of(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (Exception e) {
      return "";
    }
  }

  private RegistryServer registry() {
    return RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
        .kafkaBootstrapServers(kafka.bootstrapServers()).build());
  }

  private static TrainerConfig config(RegistryServer registry) {
    return TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
        .constraints(TestConstraints.BUSY_MACHINE)
        .strategy("retrain").trainingEvents(400).minTrainingEvents(100).dataWait(Duration.ofSeconds(20))
        .epochs(3).hiddenUnits(List.of(8)).build();
  }

  private static void publish(String model, long t0) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, LabelledEvent> producer =
        new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(LabelledEvent.class))) {
      for (LabelledEvent e : SeaEvents.generate(model, 400, 7.0, 11, t0)) {
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, e.getEventTime(), e.getEventId(), e));
      }
    }
  }

  private static DataWindow window(long start) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start).setEndTime(start)
        .setEventCount(400).setOffsets(List.of()).build();
  }
}
