package dev.plasticity.streamjobs;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.SeaData;
import dev.plasticity.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A measurement, not a test (surefire does not pick it up by its name; run it with {@code mvn -B
 * -o -pl stream-jobs -am test -Dtest=TriggerLatencyMeasurement -Dsurefire.failIfNoSpecifiedTests=false}):
 * how long after the event that completes a drifted window its trigger leaves the drift job, at
 * the demo's 2,000 events/s, live (event time = the wall clock at sending, two partitions), for
 * several watermark bounds and checkpoint intervals, each in its own job. Per trigger it prints
 * {@code detectedAt − window end} (the event that completed the evidence to the operator's trigger:
 * the watermark's wait) and {@code seen − window end} (to a read_committed consumer: plus the
 * transaction's commit on the next checkpoint).
 */
class TriggerLatencyMeasurement {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  static final int RATE = 2_000;
  static final int OLD_EVENTS = 10_000;
  static final int MAX_EVENTS = 40_000;

  record Setting(Duration bound, Duration checkpoint) {}

  @Test
  @Timeout(600)
  void measure() throws Exception {
    List<String> report = new ArrayList<>();
    for (Setting setting : List.of(new Setting(Duration.ofSeconds(5), Duration.ofSeconds(2)),
        new Setting(Duration.ofMillis(200), Duration.ofSeconds(2)),
        new Setting(Duration.ofMillis(200), Duration.ofMillis(500)))) {
      report.add(run(setting));
    }
    System.out.println("TRIGGER LATENCY at " + RATE + " events/s, window 500, parallelism 2, 2 partitions");
    report.forEach(System.out::println);
  }

  String run(Setting setting) throws Exception {
    String model = "sea-" + UUID.randomUUID().toString().substring(0, 8);
    DriftJobOptions options = DriftJobOptions.builder(kafka.bootstrapServers())
        .groupId("latency-" + model)
        .transactionalIdPrefix("latency-" + model)
        .maxOutOfOrderness(setting.bound())
        .checkpointInterval(setting.checkpoint())
        .restartAttempts(0)
        .build();
    JobClient job = DriftJob.startLocal(options);
    List<String> lines = new ArrayList<>();
    try (KafkaIO io = new KafkaIO(kafka.bootstrapServers()); KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      while (job.getJobStatus().get() != JobStatus.RUNNING) {
        Thread.sleep(50);
      }
      io.send(Topics.MODEL_VERSIONS, null, model, Fixtures.champion(model, 1), ModelVersion.class);
      io.flush();
      Thread.sleep(3_000); // the sources have started and read the champion
      List<SeaData.Point> points = SeaData.lowDiscrepancy(21, MAX_EVENTS, OLD_EVENTS);
      AvroCodec<DriftTrigger> codec = AvroCodec.of(DriftTrigger.class);
      long start = System.nanoTime();
      long driftSentAt = 0;
      int sent = 0;
      while (sent < MAX_EVENTS && lines.isEmpty()) {
        long due = (System.nanoTime() - start) * RATE / 1_000_000_000L;
        for (; sent < Math.min(due, MAX_EVENTS); sent++) {
          LabelledEvent event = LabelledEvent.newBuilder(Fixtures.event(model, sent, points.get(sent), 1))
              .setEventTime(System.currentTimeMillis()).build();
          if (sent == OLD_EVENTS) {
            driftSentAt = event.getEventTime();
          }
          io.send(Topics.EVENTS_LABELLED, sent % 2, event.getEventId(), event, LabelledEvent.class);
        }
        io.flush();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(5))) {
          long seen = System.currentTimeMillis();
          DriftTrigger trigger = codec.decode(record.value());
          if (!trigger.getModel().equals(model)) {
            continue;
          }
          long end = trigger.getWindow().getEndTime();
          lines.add(String.format("bound %5d ms, checkpoint %5d ms: %s %s trigger, window end - drift start %5d ms,"
                  + " detectedAt - window end %5d ms, seen - window end %5d ms",
              setting.bound().toMillis(), setting.checkpoint().toMillis(), trigger.getSignal(), trigger.getKind(),
              end - driftSentAt, trigger.getDetectedAt() - end, seen - end));
        }
      }
    } finally {
      job.cancel().get();
    }
    return lines.isEmpty() ? "bound " + setting.bound() + ": no trigger" : String.join("\n", lines);
  }

  static KafkaConsumer<byte[], byte[]> consumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "latency-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.DRIFT_TRIGGERS));
    return consumer;
  }
}
