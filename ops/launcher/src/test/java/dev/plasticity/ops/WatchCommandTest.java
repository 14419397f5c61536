package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TrainingProgress;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.testkit.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

class WatchCommandTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @Test
  void summarisesEventsVersionsAccuracyPerVersionTriggersAndTrainingOfOneModel() throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < 3; i++) {
        send(producer, Topics.EVENTS_UNLABELLED, "e" + i, AvroCodec.of(UnlabelledEvent.class).encode(event("sea", "e" + i)));
      }
      send(producer, Topics.EVENTS_UNLABELLED, "o1", AvroCodec.of(UnlabelledEvent.class).encode(event("other", "o1")));
      ModelVersion v1 = ModelVersion.newBuilder(ServingFixtures.champion("sea", "t-1")).setVersion(1).build();
      send(producer, Topics.MODEL_VERSIONS, "sea", AvroCodec.of(ModelVersion.class).encode(v1));
      send(producer, Topics.MODEL_VERSIONS, "sea", AvroCodec.of(ModelVersion.class)
          .encode(ModelVersion.newBuilder(ServingFixtures.champion("sea", "t-2")).setVersion(2).build()));
      int[][] labelled = {{1, 1, 1}, {1, 0, 0}, {1, 1, 0}, {1, 1, 1}, {2, 0, 0}, {2, 1, 1}}; // version, prediction, label
      for (int i = 0; i < labelled.length; i++) {
        send(producer, Topics.EVENTS_LABELLED, "l" + i, AvroCodec.of(LabelledEvent.class).encode(LabelledEvent.newBuilder()
            .setEventId("l" + i).setModel("sea").setEventTime(1_000L + i).setFeatures(Map.of("x1", 1.0))
            .setLabel(labelled[i][2]).setPrediction(labelled[i][1]).setPredictionVersion(labelled[i][0]).build()));
      }
      send(producer, Topics.DRIFT_TRIGGERS, "sea", AvroCodec.of(DriftTrigger.class).encode(DriftTrigger.newBuilder()
          .setTriggerId("t-2").setModel("sea").setBaseVersion(1).setKind(DriftKind.COVARIATE)
          .setEvidence(List.of(Evidence.newBuilder().setFeature("x1").setTest("KS").setStatistic(0.42).setPValue(0.0001)
              .setThreshold(0.01).setDrifted(true).build()))
          .setWindow(DataWindow.newBuilder().setTopic(Topics.EVENTS_LABELLED).setStartTime(0).setEndTime(1)
              .setEventCount(500).setOffsets(List.of()).build())
          .setSeverity(0.8).setDetectedAt(5).build()));
      send(producer, Topics.TRAINING_PROGRESS, "t-2", AvroCodec.of(TrainingProgress.class).encode(TrainingProgress.newBuilder()
          .setTriggerId("t-2").setModel("sea").setStrategy("retrain").setPhase(TrainingPhase.TRAINING)
          .setCandidatesTried(1).setCandidatesTotal(1).setEpoch(3).setEpochs(5).setBestScore(0.91).setBudgetUsed(0.5)
          .setTimestamp(6).build()));
      producer.flush();
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    WatchCommand watch = new WatchCommand();
    watch.out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    int status = new CommandLine(watch).execute("sea", "--bootstrap-servers", kafka.bootstrapServers(),
        "--from-beginning", "--once");

    List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(status).isZero();
    assertThat(lines.get(0)).startsWith("--- ");
    assertThat(lines.get(1)).startsWith("model sea: ").contains("(3 events, 6 labelled), serving v2");
    assertThat(lines.get(2)).isEqualTo("  accuracy: v1 0.750 (4), v2 1.000 (2)");
    assertThat(lines).contains("  swap (none) -> v1 (retrain, trigger t-1)", "  swap v1 -> v2 (retrain, trigger t-2)");
    assertThat(lines).anySatisfy(l -> assertThat(l)
        .startsWith("  trigger DRIFT COVARIATE on v1 severity 0.80 (t-2): x1 KS=0.420 p=0.00010"));
    assertThat(lines).contains("  training t-2 retrain TRAINING candidates 1/1 epoch 3/5 best 0.910 budget 50%");
  }

  private static UnlabelledEvent event(String model, String id) {
    return UnlabelledEvent.newBuilder().setEventId(id).setModel(model).setEventTime(1_000L).setFeatures(Map.of("x1", 1.0))
        .build();
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }
}
