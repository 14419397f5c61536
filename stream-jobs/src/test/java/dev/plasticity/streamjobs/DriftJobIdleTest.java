package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.SeaData;
import dev.plasticity.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job running unbounded through a lull longer than the source idleness: events after it are
 * still on time, and the drift they carry still triggers.
 */
class DriftJobIdleTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  static final String MODEL = "sea";

  @Test
  void eventsAfterALullLongerThanTheIdlenessAreNotLate() throws Exception {
    DriftJobOptions options = DriftJobOptions.builder(kafka.bootstrapServers())
        .groupId("drift-idle-" + UUID.randomUUID())
        .transactionalIdPrefix("drift-idle-" + UUID.randomUUID())
        .checkpointInterval(Duration.ofSeconds(1))
        .sourceIdleness(Duration.ofSeconds(1))
        .maxOutOfOrderness(Duration.ofMillis(500))
        .restartAttempts(0)
        .build();
    List<SeaData.Point> points = SeaData.lowDiscrepancy(21, 1400, 600);
    JobClient job = DriftJob.startLocal(options);
    try (KafkaIO io = new KafkaIO(kafka.bootstrapServers())) {
      io.send(Topics.MODEL_VERSIONS, null, MODEL, Fixtures.champion(MODEL, 1), ModelVersion.class);
      publish(io, points, 0, 600); // the old concept
      awaitCommitted(options.groupId(), 300); // the job has read them all (offsets commit on checkpoints)
      Thread.sleep(6_000); // every source idle for longer than the idleness
      publish(io, points, 600, 1400); // the new concept, event times going on from where they stopped

      List<DriftTrigger> triggers = List.of();
      for (long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
          triggers.isEmpty() && System.nanoTime() < deadline; Thread.sleep(500)) {
        triggers = io.readAll(Topics.DRIFT_TRIGGERS, AvroCodec.of(DriftTrigger.class)::decode);
      }
      assertEquals(0, io.readAll(Topics.EVENTS_DLQ).size(), "no event after the lull is late");
      assertEquals(1, triggers.size(), "the new concept triggers once: " + triggers);
      assertTrue(triggers.get(0).getWindow().getEndTime() >= Fixtures.T0 + 600 * 100L, triggers.get(0).getWindow().toString());
    } finally {
      job.cancel().get();
    }
  }

  /** Waits until the job's consumer group has committed {@code offset} on both partitions. */
  static void awaitCommitted(String groupId, long offset) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        long read = committed.entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.EVENTS_LABELLED))
            .filter(e -> e.getValue() != null && e.getValue().offset() >= offset).count();
        if (read == 2) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the job did not read the first events in time: " + committed);
        }
        Thread.sleep(200);
      }
    }
  }

  static void publish(KafkaIO io, List<SeaData.Point> points, int from, int to) {
    for (int i = from; i < to; i++) {
      LabelledEvent event = Fixtures.event(MODEL, i, points.get(i), 1);
      io.send(Topics.EVENTS_LABELLED, i % 2, event.getEventId(), event, LabelledEvent.class);
    }
    io.flush();
  }
}
