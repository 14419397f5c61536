package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.ChangeKind;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.RegistryChange;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recurring concept against a real broker and a real registry: the trainer answers the drift back
 * to a concept it has a version for by recalling that version through the registry, not by training.
 */
class RecallLifecycleTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  @Test
  @Timeout(300)
  void aConceptThatRecursReinstatesItsEarlierVersionAsChampionWithoutRegisteringANewOne() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<String, LabelledEvent> events = producer(AvroSerde.of(LabelledEvent.class));
        KafkaProducer<String, DriftTrigger> triggers = producer(AvroSerde.of(DriftTrigger.class))) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("sea");
      long conceptA = 1_700_000_000_000L;
      long conceptB = conceptA + 1_000_000;
      long conceptAAgain = conceptA + 2_000_000;
      send(events, SeaEvents.generate("sea", 2500, 7.0, 1, conceptA));
      send(events, SeaEvents.generate("sea", 2500, 9.5, 2, conceptB));
      send(events, SeaEvents.generate("sea", 2500, 7.0, 3, conceptAAgain));

      TrainerConfig config = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
          .constraints(TestConstraints.BUSY_MACHINE).strategy("retrain")
          .trainingEvents(2000).minTrainingEvents(1000).dataWait(Duration.ofSeconds(20)).epochs(12).build();
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      BlockingQueue<TrainingOutcome> outcomes = new LinkedBlockingQueue<>();
      try (TrainerService trainer = TrainerService.create(config, meters).onOutcome(outcomes::add)) {
        assertThat(trainer.bootstrap("sea", conceptA).version().orElseThrow().getVersion()).isEqualTo(1);
        outcomes.clear();
        trainer.start();

        triggers.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, "sea", trigger("to-b", 1, conceptB))).get();
        TrainingOutcome toB = outcomes.poll(120, TimeUnit.SECONDS);
        assertThat(toB).isNotNull();
        assertThat(toB.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
        assertThat(client.champion("sea").orElseThrow().getVersion()).isEqualTo(2);

        triggers.send(new ProducerRecord<>(Topics.DRIFT_TRIGGERS, "sea", trigger("back-to-a", 2, conceptAAgain)))
            .get();
        TrainingOutcome backToA = outcomes.poll(120, TimeUnit.SECONDS);

        assertThat(backToA).isNotNull();
        assertThat(backToA.status()).isEqualTo(TrainingOutcome.Status.RECALLED);
        assertThat(backToA.version().orElseThrow().getVersion()).isEqualTo(1);
        assertThat(client.champion("sea").orElseThrow().getVersion()).isEqualTo(1);
        assertThat(client.versions("sea")).hasSize(2); // no v3
        RegistryChange recall = client.history("sea", 0, 1000).stream()
            .filter(c -> c.getKind() == ChangeKind.ALIAS_SET && c.getCause() == ChangeCause.RECALL)
            .reduce((first, second) -> second).orElseThrow();
        assertThat(recall.getVersion()).isEqualTo(1);
        assertThat(recall.getPreviousVersion()).isEqualTo(2);
        assertThat(recall.getReason()).startsWith("trigger back-to-a: v1 beats serving v2 on the window, ");
        assertThat(meters.get("plasticity.trainer.runs").tag("strategy", "recall").tag("outcome", "recalled")
            .counter().count()).isEqualTo(1.0);
      }
    }
  }

  private static void send(KafkaProducer<String, LabelledEvent> producer, List<LabelledEvent> events) {
    for (LabelledEvent e : events) {
      producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, e.getEventTime(), e.getEventId(), e));
    }
    producer.flush();
  }

  private static DriftTrigger trigger(String id, int baseVersion, long windowStart) {
    return DriftTrigger.newBuilder()
        .setTriggerId(id).setModel("sea").setBaseVersion(baseVersion).setKind(DriftKind.CONCEPT)
        .setEvidence(List.of())
        .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(windowStart)
            .setEndTime(windowStart + 500).setEventCount(500).setOffsets(List.of()).build())
        .setSeverity(1.0).setDetectedAt(System.currentTimeMillis()).build();
  }

  private static <T> KafkaProducer<String, T> producer(org.apache.kafka.common.serialization.Serializer<T> serializer) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return new KafkaProducer<>(props, new StringSerializer(), serializer);
  }
}
