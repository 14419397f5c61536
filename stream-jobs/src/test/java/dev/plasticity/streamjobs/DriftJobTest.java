package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.SeaData;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a local MiniCluster (parallelism 2) against a real Kafka broker: a SEA stream
 * whose concept moves half way, served by version 1 of the model, with a few malformed records.
 */
class DriftJobTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  static final String MODEL = "sea";
  static final int EVENTS = 3000;
  static final int DRIFT_AT = 1500;

  /** Runs the job bounded to what is on the topics now, waits for it to finish, and returns its result. */
  static org.apache.flink.api.common.JobExecutionResult runJobToEnd(String bootstrapServers) throws Exception {
    DriftJobOptions options = DriftJobOptions.builder(bootstrapServers)
        .groupId("drift-it-" + UUID.randomUUID())
        .transactionalIdPrefix("drift-it-" + UUID.randomUUID())
        .checkpointInterval(java.time.Duration.ofSeconds(1))
        .parallelism(2)
        .restartAttempts(0)
        .bounded(true)
        .build();
    return DriftJob.startLocal(options).getJobExecutionResult().get(3, TimeUnit.MINUTES);
  }

  /** Publishes champion v1 and the SEA events (event i to partition i % 2); returns nothing malformed. */
  static void publishSeaStream(KafkaIO io, int events, int driftAt) {
    io.send(Topics.MODEL_VERSIONS, null, MODEL, Fixtures.champion(MODEL, 1), ModelVersion.class);
    List<SeaData.Point> points = SeaData.lowDiscrepancy(21, events, driftAt);
    for (int i = 0; i < points.size(); i++) {
      LabelledEvent event = Fixtures.event(MODEL, i, points.get(i), 1);
      io.send(Topics.EVENTS_LABELLED, i % 2, event.getEventId(), event, LabelledEvent.class);
    }
  }

  @Test
  void aMovedConceptRaisesOneConceptTriggerAndMalformedRecordsGoToTheDeadLetterTopic() throws Exception {
    AvroCodec<LabelledEvent> events = AvroCodec.of(LabelledEvent.class);
    Map<String, String> malformed = new HashMap<>(); // key -> expected words in the reason
    try (KafkaIO io = new KafkaIO(kafka.bootstrapServers())) {
      publishSeaStream(io, EVENTS, DRIFT_AT);
      io.send(Topics.EVENTS_LABELLED, 0, "garbage", KafkaIO.utf8("{\"not\": \"avro\"}"));
      malformed.put("garbage", "not an Avro single-object payload");
      LabelledEvent good = Fixtures.event(MODEL, 9_000, SeaData.lowDiscrepancy(1, 1, 1).get(0), 1);
      io.send(Topics.EVENTS_LABELLED, 1, "nan", LabelledEvent.newBuilder(good).setEventId("nan")
          .setFeatures(Map.of("x1", Double.NaN, "x2", 1.0, "x3", 1.0)).build(), LabelledEvent.class);
      malformed.put("nan", "feature 'x1' is NaN");
      io.send(Topics.EVENTS_LABELLED, 0, "no-model", LabelledEvent.newBuilder(good).setEventId("no-model").setModel(" ").build(),
          LabelledEvent.class);
      malformed.put("no-model", "missing model");
      io.send(Topics.EVENTS_LABELLED, 1, "no-features", LabelledEvent.newBuilder(good).setEventId("no-features")
          .setFeatures(Map.of()).build(), LabelledEvent.class);
      malformed.put("no-features", "no numeric features");
      byte[] truncated = events.encode(good);
      io.send(Topics.EVENTS_LABELLED, 0, "truncated", java.util.Arrays.copyOf(truncated, truncated.length / 2));
      malformed.put("truncated", "corrupt LabelledEvent");
      io.flush();

      runJobToEnd(kafka.bootstrapServers());

      List<DriftTrigger> triggers = io.readAll(Topics.DRIFT_TRIGGERS, AvroCodec.of(DriftTrigger.class)::decode);
      assertEquals(1, triggers.size(), "triggers: " + triggers);
      DriftTrigger trigger = triggers.get(0);
      assertEquals(MODEL, trigger.getModel());
      assertEquals(1, trigger.getBaseVersion());
      assertEquals(DriftKind.CONCEPT, trigger.getKind());
      assertEquals(500, trigger.getWindow().getEventCount());
      assertEquals(Topics.EVENTS_LABELLED, trigger.getWindow().getTopic());
      assertTrue(trigger.getWindow().getEndTime() >= Fixtures.T0 + DRIFT_AT * 100L,
          "the window reaches past the drift point: " + trigger.getWindow());
      assertTrue(trigger.getEvidence().stream().anyMatch(e -> e.getFeature().equals("_error") && e.getDrifted()));
      assertTrue(trigger.getEvidence().stream().noneMatch(e -> e.getFeature().startsWith("x") && e.getDrifted()),
          "no feature drifted: " + trigger.getEvidence());
      assertTrue(trigger.getSeverity() > 0 && trigger.getSeverity() <= 1);

      List<ConsumerRecord<byte[], byte[]>> dlq = io.readAll(Topics.EVENTS_DLQ);
      assertEquals(malformed.size(), dlq.size(), "only the malformed records are dead letters");
      AvroCodec<DeadLetter> letters = AvroCodec.of(DeadLetter.class);
      for (ConsumerRecord<byte[], byte[]> record : dlq) {
        String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
        DeadLetter letter = letters.decode(record.value());
        assertTrue(letter.getError().contains(malformed.get(key)), key + " -> " + letter.getError());
        assertEquals(Topics.EVENTS_LABELLED, letter.getSourceTopic());
        assertEquals(ByteBuffer.wrap(KafkaIO.utf8(key)), letter.getKey());
        assertTrue(letter.getValue().remaining() > 0);
      }
    }
  }
}
