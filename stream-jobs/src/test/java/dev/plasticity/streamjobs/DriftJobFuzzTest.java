package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed and valid-but-extreme records on every topic the drift job reads, from a seeded
 * Random, then a SEA stream whose concept moves, through the real job (MiniCluster, parallelism
 * 2, no restarts) on a real broker: every bad record is one dead letter with its reason, the job
 * ends normally, and the drift is still found.
 */
class DriftJobFuzzTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  static final String MODEL = DriftJobTest.MODEL;
  static final AvroCodec<LabelledEvent> EVENTS = AvroCodec.of(LabelledEvent.class);
  static final AvroCodec<ModelVersion> VERSIONS = AvroCodec.of(ModelVersion.class);

  /** Where each bad record landed ("topic/partition@offset") and words its dead letter's reason must hold. */
  final Map<String, String> expected = new LinkedHashMap<>();
  final Random random = new Random(20261202);
  int sent;

  static String at(String topic, int partition, long offset) {
    return topic + "/" + partition + "@" + offset;
  }

  void bad(KafkaIO io, String topic, String key, byte[] value, String reason) throws Exception {
    RecordMetadata m = io.sendAndWait(topic, topic.equals(Topics.EVENTS_LABELLED) ? sent++ % 2 : null, key, value);
    expected.put(at(topic, m.partition(), m.offset()), reason);
  }

  void badEvent(KafkaIO io, LabelledEvent event, String reason) throws Exception {
    bad(io, Topics.EVENTS_LABELLED, event.getEventId(), EVENTS.encode(event), reason);
  }

  static LabelledEvent good(String id) {
    return LabelledEvent.newBuilder(Fixtures.event(MODEL, 0, SeaData.iid(id.hashCode(), 1, SeaData.OLD_THRESHOLD, 0).get(0), 1))
        .setEventId(id).build();
  }

  static byte[] lengthBomb(byte[] valid) {
    byte[] bomb = Arrays.copyOf(valid, 10 + 5 + 90);
    byte[] claim = LabelledEventDecoderTest.varint(2_000_000_000L);
    System.arraycopy(claim, 0, bomb, 10, claim.length);
    return bomb;
  }

  @Test
  @Timeout(180)
  void badRecordsOnEveryTopicBecomeDeadLettersWhileTheJobRunsOnAndStillFindsTheDrift() throws Exception {
    try (KafkaIO io = new KafkaIO(kafka.bootstrapServers())) {
      // model.versions: undecodable records and champions the job cannot monitor (newer than v1: accepted, they would replace it)
      io.send(Topics.MODEL_VERSIONS, null, MODEL, Fixtures.champion(MODEL, 1), ModelVersion.class);
      byte[] garbage = new byte[1 + random.nextInt(300)];
      random.nextBytes(garbage);
      bad(io, Topics.MODEL_VERSIONS, MODEL, garbage, "");
      byte[] version = VERSIONS.encode(Fixtures.champion(MODEL, 2));
      bad(io, Topics.MODEL_VERSIONS, MODEL, Arrays.copyOf(version, version.length / 2), "corrupt ModelVersion");
      bad(io, Topics.MODEL_VERSIONS, MODEL, lengthBomb(version), "only 90 bytes of the record remain");
      for (int classes : new int[] {0, -5}) {
        ModelVersion v = Fixtures.champion(MODEL, 3 + classes * -1);
        v.getArchitecture().setNumClasses(classes);
        bad(io, Topics.MODEL_VERSIONS, MODEL, VERSIONS.encode(v), "numClasses must be in [1, 1048576], got " + classes);
      }
      ModelVersion noFeatures = Fixtures.champion(MODEL, 9);
      noFeatures.getArchitecture().setInputFeatures(List.of());
      bad(io, Topics.MODEL_VERSIONS, MODEL, VERSIONS.encode(noFeatures), "names no input features");

      // events.labelled: undecodable records
      for (int i = 0; i < 5; i++) {
        byte[] noise = new byte[random.nextInt(400)];
        random.nextBytes(noise);
        bad(io, Topics.EVENTS_LABELLED, "noise-" + i, noise, "");
      }
      bad(io, Topics.EVENTS_LABELLED, "text", KafkaIO.utf8("label=2147483647, x1=NaN"), "not an Avro single-object payload");
      bad(io, Topics.EVENTS_LABELLED, "json", KafkaIO.utf8("{\"model\": \"sea\", \"label\": 1}"), "not an Avro single-object payload");
      bad(io, Topics.EVENTS_LABELLED, "empty", new byte[0], "fewer than the 10-byte header");
      bad(io, Topics.EVENTS_LABELLED, "null", null, "null payload");
      byte[] event = EVENTS.encode(good("truncated"));
      bad(io, Topics.EVENTS_LABELLED, "truncated", Arrays.copyOf(event, event.length - 1 - random.nextInt(event.length - 11)),
          "corrupt LabelledEvent");
      bad(io, Topics.EVENTS_LABELLED, "bomb", lengthBomb(event), "a string length of 2000000000 claimed");
      // well-formed events that break a rule
      badEvent(io, LabelledEvent.newBuilder(good("max-label")).setLabel(Integer.MAX_VALUE).build(), "hard bound of 1048576 classes");
      badEvent(io, LabelledEvent.newBuilder(good("min-label")).setLabel(Integer.MIN_VALUE).build(), "negative label");
      badEvent(io, LabelledEvent.newBuilder(good("label-2")).setLabel(2).build(),
          "label 2 is not a class of sea v1: a label must be in [0, numClasses) and the model has numClasses 2");
      badEvent(io, LabelledEvent.newBuilder(good("nan")).setFeatures(Map.of("x1", 1.0, "x2", Double.NaN, "x3", 1.0)).build(),
          "feature 'x2' is NaN");
      badEvent(io, LabelledEvent.newBuilder(good("inf")).setFeatures(Map.of("x1", Double.NEGATIVE_INFINITY, "x2", 1.0, "x3", 1.0))
          .build(), "feature 'x1' is -Infinity");
      badEvent(io, LabelledEvent.newBuilder(good("no-features")).setFeatures(Map.of()).build(), "no numeric features");
      Map<String, Double> wide = new HashMap<>();
      for (int i = 0; i < 10_000; i++) {
        wide.put("f" + i, random.nextGaussian());
      }
      badEvent(io, LabelledEvent.newBuilder(good("wide")).setFeatures(wide).build(), "10000 numeric features");
      badEvent(io, LabelledEvent.newBuilder(good("no-model")).setModel("").build(), "missing model name");
      badEvent(io, LabelledEvent.newBuilder(good("dawn")).setEventTime(Long.MIN_VALUE).build(), "is before 1970");
      badEvent(io, LabelledEvent.newBuilder(good("doom")).setEventTime(Long.MAX_VALUE).build(), "ahead of the job's clock");
      // valid, if extreme: not dead letters
      io.send(Topics.EVENTS_LABELLED, 0, "extreme", LabelledEvent.newBuilder(good("extreme"))
          .setFeatures(Map.of("x1", Double.MAX_VALUE, "x2", -Double.MAX_VALUE, "x3", Double.MIN_VALUE)).build(), LabelledEvent.class);
      io.send(Topics.EVENTS_LABELLED, 1, "unknown-model", LabelledEvent.newBuilder(good("unknown-model")).setModel("nobody").build(),
          LabelledEvent.class);

      DriftJobTest.publishSeaStream(io, DriftJobTest.EVENTS, DriftJobTest.DRIFT_AT);
      io.flush();

      DriftJobOptions options = DriftJobOptions.builder(kafka.bootstrapServers())
          .groupId("fuzz-" + UUID.randomUUID())
          .transactionalIdPrefix("fuzz-" + UUID.randomUUID())
          .checkpointInterval(Duration.ofSeconds(1))
          .parallelism(2)
          .restartAttempts(0) // a failure would end the job, not hide in a restart
          .bounded(true)
          .build();
      JobClient job = DriftJob.startLocal(options);
      job.getJobExecutionResult().get(3, TimeUnit.MINUTES); // throws when the job failed
      assertFalse(DriftJob.failureOf(job).isPresent());

      List<DriftTrigger> triggers = io.readAll(Topics.DRIFT_TRIGGERS, AvroCodec.of(DriftTrigger.class)::decode);
      assertEquals(1, triggers.size(), "triggers: " + triggers);
      assertEquals(DriftKind.CONCEPT, triggers.get(0).getKind());
      assertEquals(1, triggers.get(0).getBaseVersion(), "no bad champion replaced version 1");

      AvroCodec<DeadLetter> letters = AvroCodec.of(DeadLetter.class);
      Map<String, String> reasons = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> record : io.readAll(Topics.EVENTS_DLQ)) {
        DeadLetter letter = letters.decode(record.value());
        String where = at(letter.getSourceTopic(), letter.getPartition(), letter.getOffset());
        assertEquals(null, reasons.put(where, letter.getError()), "one dead letter per bad record: " + where);
      }
      assertEquals(expected.keySet(), reasons.keySet(), "every bad record, and only those, is a dead letter");
      expected.forEach((where, words) -> {
        String reason = reasons.get(where);
        assertFalse(reason.isBlank(), where);
        assertTrue(reason.contains(words), where + ": '" + reason + "' should say '" + words + "'");
      });
      assertEquals(27, expected.size(), "bad records sent: 6 versions, 21 events");
      assertTrue(new String(String.join("\n", reasons.values()).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
          .contains("refused event label-2"), "the drift operator names the event it refused");
    }
  }
}
