package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import dev.plasticity.trainer.SegmentEvents;
import dev.plasticity.trainer.TestConstraints;
import dev.plasticity.trainer.TrainerConfig;
import dev.plasticity.trainer.TrainingOutcome;
import dev.plasticity.trainer.network.NetworkTraining;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** grow-expert in a retraining run, against a real broker and registry, and what later runs do with its version. */
class GrowExpertRunTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  @Test
  void growsAnExpertsChampionFromAnMlpAndLaterAdaptationsOfItWorkOrRetrain() throws Exception {
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir).httpPort(0)
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaProducer<String, LabelledEvent> events = producer();
        ProgressReporter progress = new ProgressReporter(kafka.bootstrapServers(), Clock.systemUTC())) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel("segments");
      long t0 = System.currentTimeMillis() - 5_000_000;
      long t1 = t0 + 1_000_000;
      long t2 = t1 + 1_000_000;
      publish(events, SegmentEvents.A.generate("segments", 1500, 1, t0));
      publish(events, SegmentEvents.B.generate("segments", 1500, 2, t1));
      publish(events, SegmentEvents.C.generate("segments", 1500, 3, t2));
      TrainerConfig.Builder base = TrainerConfig.builder(kafka.bootstrapServers(), registry.baseUri())
          .constraints(TestConstraints.BUSY_MACHINE)
          .trainingEvents(1200).minTrainingEvents(600).dataWait(Duration.ofSeconds(20)).epochs(10)
          .hiddenUnits(List.of(16));
      ModelVersion v1 = new RetrainingRun(base.build(), client, progress, Clock.systemUTC())
          .run("bootstrap", "segments", null, window(t0), 1200).version().orElseThrow();
      assertThat(v1.getArchitecture().getFamily()).isEqualTo("mlp");

      TrainingOutcome grown = new RetrainingRun(base.strategy("grow-expert").build(), client, progress,
          Clock.systemUTC()).run("grow-1", "segments", 1, window(t1), 1200);

      ModelVersion v2 = grown.version().orElseThrow();
      assertThat(grown.status()).isEqualTo(TrainingOutcome.Status.CHAMPION);
      assertThat(v2.getLineage().getStrategy()).isEqualTo("grow-expert");
      assertThat(v2.getArchitecture().getFamily()).isEqualTo("experts");
      assertThat(v2.getArchitecture().getExperts()).hasSize(2);
      assertThat(v2.getMetrics()).containsEntry("experts", 2.0).containsKey("active_parameters_per_row")
          .containsKey("expert_1_share").containsEntry("reference_events", 1200.0);
      assertThat(grown.message()).contains("expert 1 ([16]) trained on");
      // what the registry stored loads as the experts network, and knows A and B
      try (ai.djl.Model model = ModelFormat.load("segments", v2.getArchitecture(), client.downloadVerified(v2))) {
        assertThat(NetworkTraining.accuracy(model, v2.getArchitecture(),
            SegmentEvents.A.generate("segments", 400, 11, 0))).isGreaterThan(0.9);
        assertThat(NetworkTraining.accuracy(model, v2.getArchitecture(),
            SegmentEvents.B.generate("segments", 400, 12, 0))).isGreaterThan(0.9);
      }

      // EWC continues one mlp's weights: on an experts champion the run retrains and says why
      TrainingOutcome ewc = new RetrainingRun(base.strategy("ewc").build(), client, progress, Clock.systemUTC())
          .run("ewc-on-experts", "segments", 2, window(t2), 1200);
      ModelVersion v3 = ewc.version().orElseThrow();
      assertThat(v3.getLineage().getStrategy()).isEqualTo("retrain");
      assertThat(v3.getLineage().getReason()).contains("ewc cannot adapt v2, an experts network (experts 2 x [16]")
          .contains("fell back to retrain from fresh weights");
      assertThat(v3.getArchitecture().getFamily()).isEqualTo("mlp");

      // a search of mlps from an experts version (another model's, grown the same way): no candidate
      // starts from the experts version's weights
      publish(events, SegmentEvents.A.generate("searched", 1500, 1, t0));
      publish(events, SegmentEvents.B.generate("searched", 1500, 2, t1));
      publish(events, SegmentEvents.C.generate("searched", 1500, 3, t2));
      client.ensureModel("searched");
      new RetrainingRun(base.build(), client, progress, Clock.systemUTC())
          .run("bootstrap", "searched", null, window(t0), 1200).version().orElseThrow();
      assertThat(new RetrainingRun(base.strategy("grow-expert").build(), client, progress, Clock.systemUTC())
          .run("grow-1", "searched", 1, window(t1), 1200).version().orElseThrow().getArchitecture().getFamily())
          .isEqualTo("experts");
      TrainingOutcome searched = new RetrainingRun(base.strategy("search:random").searchCandidates(2)
          .searchMaxEpochs(2).build(), client, progress, Clock.systemUTC())
          .run("search-on-experts", "searched", 2, window(t2), 1200);
      assertThat(searched.version()).as(searched.status() + ": " + searched.message()).isPresent();
      assertThat(searched.version().orElseThrow().getLineage().getCandidates()).isNotEmpty()
          .allSatisfy(c -> assertThat(c.getStart()).doesNotStartWith("function-preserving")
              .doesNotStartWith("shapewise"))
          .allSatisfy(c -> assertThat(c.getArchitecture().getFamily()).isEqualTo("mlp"));
    }
  }

  private static void publish(KafkaProducer<String, LabelledEvent> producer, List<LabelledEvent> events) {
    for (LabelledEvent e : events) {
      producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, e.getEventTime(), e.getEventId(), e));
    }
    producer.flush();
  }

  private static DataWindow window(long start) {
    return DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(start)
        .setEndTime(start + 500).setEventCount(500).setOffsets(List.of()).build();
  }

  private static KafkaProducer<String, LabelledEvent> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(LabelledEvent.class));
  }
}
