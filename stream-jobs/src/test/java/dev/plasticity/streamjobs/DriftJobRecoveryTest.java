package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.drift.SeaData;
import dev.plasticity.testkit.FaultRecord;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop the job, restart it from its last retained checkpoint, and every drift still yields exactly
 * one trigger: the restored cooldown keeps model A (which already triggered) quiet although its
 * stream stays drifted, and model B, whose drift arrives only after the restart, triggers once.
 */
class DriftJobRecoveryTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path checkpoints;

  /** Events {@code from..to-1} of a SEA stream for {@code model} whose concept moves at {@code driftAt}. */
  static void publish(KafkaIO io, String model, long seed, int from, int to, int driftAt) {
    List<SeaData.Point> points = SeaData.lowDiscrepancy(seed, to, driftAt);
    for (int i = from; i < to; i++) {
      LabelledEvent event = Fixtures.event(model, i, points.get(i), 1);
      io.send(Topics.EVENTS_LABELLED, i % 2, event.getEventId(), event, LabelledEvent.class);
    }
    io.flush();
  }

  Map<String, Long> triggersByModel(KafkaIO io) {
    return io.readAll(Topics.DRIFT_TRIGGERS, AvroCodec.of(DriftTrigger.class)::decode).stream()
        .collect(Collectors.groupingBy(t -> t.getModel().toString(), Collectors.counting()));
  }

  @Test
  void aJobRestartedFromItsCheckpointRaisesExactlyOneTriggerPerDrift() throws Exception {
    String group = "recovery-" + UUID.randomUUID();
    DriftJobOptions options = DriftJobOptions.builder(kafka.bootstrapServers())
        .groupId(group)
        .transactionalIdPrefix(group)
        .checkpointInterval(Duration.ofMillis(500))
        .checkpointDirectory(checkpoints.toUri().toString())
        .maxOutOfOrderness(Duration.ofMillis(200))
        .restartAttempts(0)
        .build();
    try (KafkaIO io = new KafkaIO(kafka.bootstrapServers())) {
      io.send(Topics.MODEL_VERSIONS, null, "a", Fixtures.champion("a", 1), ModelVersion.class);
      io.send(Topics.MODEL_VERSIONS, null, "b", Fixtures.champion("b", 1), ModelVersion.class);
      io.flush();

      JobClient first = DriftJob.startLocal(options);
      // the versions source commits its offsets when a checkpoint completes, and that checkpoint's
      // barrier came after both champions: they are in the drift operator before A's first event
      io.awaitCommitted(group + "-versions", Topics.MODEL_VERSIONS, 2, Duration.ofMinutes(1));
      publish(io, "a", 31, 0, 3000, 1000);
      awaitTriggers(io, Map.of("a", 1L), Duration.ofMinutes(2));
      // A's 3,000 events: the watermark (200 ms behind the last) passes all but the last three, so
      // windows of 500 end at 500 ... 2,500; then a checkpoint holds that state
      awaitWindowsAssessed(first, 5, Duration.ofMinutes(2));
      awaitCheckpointAfterNow(Duration.ofMinutes(1));
      first.cancel().get();
      Path checkpoint = latestCheckpoint(checkpoints);

      // after the restart: A stays drifted, B's concept moves half way through
      publish(io, "a", 31, 3000, 5000, 1000);
      publish(io, "b", 32, 5000, 8000, 6500);
      // (restored source splits keep the first run's unbounded stopping offsets, so this run is
      // unbounded too.) A's post-restart events are older than B's, so in event-time order they
      // are all assessed before B's drift is: a duplicate of A's trigger would come first.
      JobClient second = DriftJob.startLocal(options.toBuilder().restoreFrom(checkpoint.toString()).build());
      try {
        awaitTriggers(io, Map.of("a", 1L, "b", 1L), Duration.ofMinutes(2));
        // every window that could trigger was assessed: A's from 2,500 to 5,000 (5) and B's from
        // 5,000 to 7,500 (5), and a checkpoint after them committed whatever they emitted
        awaitWindowsAssessed(second, 10, Duration.ofMinutes(2));
        awaitCheckpointAfterNow(Duration.ofMinutes(1));
        Map<String, Long> triggers = triggersByModel(io);
        assertEquals(Map.of("a", 1L, "b", 1L), triggers, "restored from " + checkpoint);
        FaultRecord.of("drift-job-restored-from-checkpoint", getClass(),
                "aJobRestartedFromItsCheckpointRaisesExactlyOneTriggerPerDrift")
            .expect("triggers for model a (drifted before the stop, still drifted after)", 1L, triggers.get("a"))
            .expect("triggers for model b (drifted after the restart)", 1L, triggers.get("b"))
            .count("events published", 8_000)
            .held("windows assessed after the restart", "10, then a checkpoint committed what they emitted")
            .write();
      } finally {
        second.cancel().get();
      }
    }
  }

  /**
   * Waits until the job's accumulator of assessed windows (reported to the JobManager with the
   * TaskManager's heartbeats) shows {@code expected}; fails at once when it shows more.
   */
  static void awaitWindowsAssessed(JobClient job, long expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object seen = null;
    while (System.nanoTime() < deadline) {
      seen = job.getAccumulators().get().get(ChampionDriftFunction.WINDOWS_ASSESSED);
      long assessed = seen == null ? 0 : (Long) seen;
      assertTrue(assessed <= expected, "more windows assessed than the events make: " + assessed);
      if (assessed == expected) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("expected " + expected + " windows assessed within " + timeout + ", saw " + seen);
  }

  /**
   * Waits for a checkpoint that began after this call: with one checkpoint at a time, the second
   * to complete after the latest complete one now.
   */
  void awaitCheckpointAfterNow(Duration timeout) throws Exception {
    int now = checkpointNumber(checkpoints);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (checkpointNumber(checkpoints) < now + 2) {
      assertTrue(System.nanoTime() < deadline, "no checkpoint completed within " + timeout + " after chk-" + now);
      Thread.sleep(100);
    }
  }

  /**
   * The number of the newest complete checkpoint below {@code root}, 0 when none. Flink deletes
   * older checkpoints while this walks the tree; a directory that vanishes mid-walk means a newer
   * one exists, so the walk is taken again.
   */
  static int checkpointNumber(Path root) throws Exception {
    while (true) {
      try (Stream<Path> files = Files.walk(root)) {
        return files.filter(p -> p.getFileName().toString().equals("_metadata"))
            .map(p -> p.getParent().getFileName().toString())
            .filter(name -> name.startsWith("chk-"))
            .mapToInt(name -> Integer.parseInt(name.substring(4)))
            .max().orElse(0);
      } catch (java.io.UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
          throw e;
        }
      }
    }
  }

  /** Waits until {@code expected} triggers are committed; fails at once on any extra one. */
  void awaitTriggers(KafkaIO io, Map<String, Long> expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> seen = Map.of();
    while (System.nanoTime() < deadline) {
      seen = triggersByModel(io);
      if (seen.equals(expected)) {
        return;
      }
      for (Map.Entry<String, Long> e : seen.entrySet()) {
        assertTrue(e.getValue() <= expected.getOrDefault(e.getKey(), 0L), "more triggers than drifts: " + seen);
      }
      Thread.sleep(250);
    }
    throw new AssertionError("expected committed triggers " + expected + " within " + timeout + ", saw " + seen);
  }

  /** The newest complete {@code chk-N} directory (one with its _metadata) below {@code root}. */
  static Path latestCheckpoint(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> complete = files
          .filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .sorted(Comparator.comparingInt((Path p) -> Integer.parseInt(p.getFileName().toString().substring(4))))
          .toList();
      assertTrue(!complete.isEmpty(), "no retained checkpoint under " + root);
      return complete.get(complete.size() - 1);
    }
  }
}
