package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job jar as users deploy it: {@code flink run} (Flink's own {@code CliFrontend}, what the
 * {@code flink} script calls) submits {@code plasticity-drift-job.jar} to a standalone session
 * cluster in two separate JVMs whose classpath has no Plasticity, Avro or Kafka classes.
 */
class FlinkRunJobJarIT {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  /** Kept after the test: the cluster's configuration and process logs. */
  final Path dir = Path.of("target", "flink-run-it", UUID.randomUUID().toString()).toAbsolutePath();

  @Test
  void flinkRunAcceptsTheJobJarAndTheJobRaisesTheTrigger() throws Exception {
    Path jar = Path.of(System.getProperty("plasticity.drift.job.jar", "target/plasticity-drift-job.jar"));
    assertTrue(Files.isRegularFile(jar), "build the job jar first (mvn package): " + jar);
    try (KafkaIO io = new KafkaIO(kafka.bootstrapServers())) {
      DriftJobTest.publishSeaStream(io, DriftJobTest.EVENTS, DriftJobTest.DRIFT_AT);
      io.flush();
      try (StandaloneFlinkCluster cluster = StandaloneFlinkCluster.start(dir.resolve("flink-conf"),
          "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.plasticity " + System.getProperty("plasticity.flink.jvm.opens", ""))) {
        int exit = cluster.flink(
            "run", "--detached", jar.toAbsolutePath().toString(),
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--group-id", "flink-run-" + UUID.randomUUID(),
            "--transactional-id-prefix", "flink-run-" + UUID.randomUUID(),
            "--checkpoint-interval-ms", "1000",
            "--bounded");
        assertEquals(0, exit, "flink run's exit code; its output is in " + cluster.confDir());

        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
        String jobs = "";
        while (System.nanoTime() < deadline && !jobs.contains("\"FINISHED\"")) {
          Thread.sleep(1000);
          jobs = cluster.get("/jobs/overview");
          assertTrue(!jobs.contains("\"FAILED\""), "the job failed: " + jobs + "; logs in " + cluster.confDir());
        }
        assertTrue(jobs.contains("\"" + DriftJob.NAME + "\"") && jobs.contains("\"FINISHED\""), jobs);
      }
      List<DriftTrigger> triggers = io.readAll(Topics.DRIFT_TRIGGERS, AvroCodec.of(DriftTrigger.class)::decode);
      assertEquals(1, triggers.size(), "triggers: " + triggers);
      assertEquals(DriftKind.CONCEPT, triggers.get(0).getKind());
    }
  }
}
