package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.FaultRecord;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plasticity scoring} (scoring app and label join) in a child JVM on a real broker and
 * registry, killed with SIGKILL while events and labels stream in, then started again: every event
 * is predicted once and labelled once in the committed output, as exactly-once v2 promises.
 *
 * <p>The second process runs the scoring app on the killed one's state directory and the join on
 * a fresh one, so both ways of taking over are covered. The scoring app keeps its Kafka Streams
 * process id (stored in its state directory), hence its transactional ids: initialising them
 * fences the killed producer and aborts its open transaction at once. The join gets a new process
 * id, so nothing fences the killed producer; the broker aborts its open transaction when Kafka
 * Streams' {@code transaction.timeout.ms} (10 s under exactly-once) runs out. That comes well
 * before either app is given the partitions again: the new members wait until the killed member's
 * session expires from each consumer group (45 s, the default), which is most of this test's time.
 * So no shorter transaction timeout is needed, and none is set: the command runs as deployed.
 *
 * <p>The test prints how many records a read_uncommitted consumer sees: more than the events means
 * the kill left output in open transactions, which the committed output must not show.
 */
@Timeout(300)
class ScoringKillTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  /** Events (each with its label) produced while the scoring app runs, dies and comes back. */
  private static final int EVENTS = 4_000;
  /**
   * Produced this many at a time, each batch {@link #PACE} after the last (2,000 events a second):
   * faster than one process scores them, so that it dies with a backlog of input and output in open
   * transactions.
   */
  private static final int BATCH = 50;
  private static final Duration PACE = Duration.ofMillis(25);
  /** The first process dies once this many predictions are committed. */
  private static final int KILL_AFTER = 1_000;

  @TempDir Path dir;

  @Test
  void aScoringProcessKilledMidStreamAndStartedAgainPredictsAndLabelsEveryEventExactlyOnce() throws Exception {
    String model = "killed-" + UUID.randomUUID().toString().substring(0, 8);
    Set<String> eventIds = IntStream.range(0, EVENTS).mapToObj(i -> model + "-e" + i).collect(Collectors.toSet());
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir.resolve("registry"))
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        KafkaConsumer<byte[], byte[]> committed = ScoredStream.reader(kafka.bootstrapServers(), "read_committed",
            Topics.PREDICTIONS, Topics.EVENTS_LABELLED)) {
      registerChampion(new RegistryClient(registry.baseUri()), model);
      Map<String, String> env = Map.of(
          "PLASTICITY_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
          "PLASTICITY_REGISTRY_URL", registry.baseUri().toString(),
          "PLASTICITY_SCORING_MODELS", model,
          "PLASTICITY_SCORING_APPLICATION_ID", "scoring-" + model,
          "PLASTICITY_SCORING_STATE_DIR", dir.resolve("scoring-state").toString(),
          "PLASTICITY_JOIN_APPLICATION_ID", "join-" + model,
          "PLASTICITY_JOIN_STATE_DIR", dir.resolve("join-state").toString());
      Map<String, Integer> predicted = new HashMap<>();
      Map<String, Integer> labelled = new HashMap<>();
      AtomicInteger produced = new AtomicInteger();
      CompletableFuture<Void> producing;
      int predictedAtKill;
      int producedAtKill;
      long start = System.nanoTime();
      long killedAt;

      try (LauncherProcess first = LauncherProcess.start("scoring", env, dir.resolve("first.log"))) {
        first.awaitHealth("both parts run and v1 is served", body -> body.contains(model + " v1"));
        producing = CompletableFuture.runAsync(
            () -> ScoredStream.produce(kafka.bootstrapServers(), model, EVENTS, BATCH, PACE, produced));
        await("at least " + KILL_AFTER + " predictions are committed", first, progress(predicted, labelled),
            () -> ScoredStream.read(committed, model, predicted, labelled) && predicted.size() >= KILL_AFTER);
        first.kill();
        killedAt = System.nanoTime();
        predictedAtKill = predicted.size();
        producedAtKill = produced.get();
      }
      assertThat(predictedAtKill).as("events predicted when the first process was killed").isLessThan(EVENTS);

      Map<String, String> restarted = new HashMap<>(env);
      restarted.put("PLASTICITY_JOIN_STATE_DIR", dir.resolve("join-state-fresh").toString());
      try (LauncherProcess second = LauncherProcess.start("scoring", restarted, dir.resolve("second.log"))) {
        await("every event is predicted and labelled", second, progress(predicted, labelled),
            () -> ScoredStream.read(committed, model, predicted, labelled) && predicted.size() == EVENTS
                && labelled.size() == EVENTS);
        producing.get(1, TimeUnit.MINUTES);
        long done = System.nanoTime();
        System.out.printf("killed %.1f s after the start, with %d of %d events produced and %d predicted; all"
            + " predicted and labelled %.1f s after the kill%n", (killedAt - start) / 1e9, producedAtKill, EVENTS,
            predictedAtKill, (done - killedAt) / 1e9);
        OptionalInt status = second.terminate(ServiceCommands.SHUTDOWN_WAIT);
        assertThat(status).as("the second process ended on SIGTERM:\n%s", second.log()).isPresent();
      }
      // the second process is gone: no transaction is open, and the end offsets are final
      ScoredStream.readToEnd(committed, model, predicted, labelled);

      try (KafkaConsumer<byte[], byte[]> uncommitted = ScoredStream.reader(kafka.bootstrapServers(), "read_uncommitted",
          Topics.PREDICTIONS, Topics.EVENTS_LABELLED)) {
        Map<String, Integer> anyPredicted = new HashMap<>();
        Map<String, Integer> anyLabelled = new HashMap<>();
        ScoredStream.readToEnd(uncommitted, model, anyPredicted, anyLabelled);
        System.out.printf("read_uncommitted, aborted transactions included: %d predictions, %d labelled events%n",
            total(anyPredicted), total(anyLabelled));
      }
      assertThat(predicted.keySet()).as("events predicted").isEqualTo(eventIds);
      assertThat(repeated(predicted)).as("events predicted more than once").isEmpty();
      assertThat(labelled.keySet()).as("events labelled").isEqualTo(eventIds);
      assertThat(repeated(labelled)).as("events labelled more than once").isEmpty();
      FaultRecord.of("scoring-killed-mid-stream", getClass(),
              "aScoringProcessKilledMidStreamAndStartedAgainPredictsAndLabelsEveryEventExactlyOnce")
          .expect("events predicted in the committed output", EVENTS, predicted.size())
          .expect("events predicted more than once", 0, repeated(predicted).size())
          .expect("events labelled in the committed output", EVENTS, labelled.size())
          .expect("events labelled more than once", 0, repeated(labelled).size())
          .count("events produced", EVENTS)
          .count("events predicted (committed) when the first process was killed", predictedAtKill)
          .count("events produced when the first process was killed", producedAtKill)
          .write();
    }
  }

  /** Registers a champion with two classes on x1, x2, x3, its weights seeded. */
  static void registerChampion(RegistryClient registry, String model) {
    Architecture architecture = Architecture.newBuilder().setInputFeatures(List.of("x1", "x2", "x3"))
        .setFeatureMeans(List.of(5.0, 5.0, 5.0)).setFeatureStds(List.of(2.9, 2.9, 2.9)).setHiddenUnits(List.of(8))
        .setNumClasses(2).build();
    ModelFormat.engine().setRandomSeed(7);
    byte[] artifact;
    try (Model network = ModelFormat.newModel(model, architecture)) {
      artifact = ModelFormat.saveParameters(network);
    }
    registry.ensureModel(model);
    registry.register(ModelVersion.newBuilder().setModel(model).setVersion(0).setAlias("champion")
        .setArchitecture(architecture).setMetrics(Map.of("accuracy", 0.5)).setArtifactUri("").setArtifactSha256("")
        .setLineage(Lineage.newBuilder().setTriggerId("kill-test").setStrategy("retrain").build())
        .setReference(ReferenceStatistics.newBuilder().setSampleCount(1)
            .setFeatures(List.of(new FeatureReference("x1", 1L, 5.0, 2.9, 0.0, 10.0, List.of(0.0, 5.0, 10.0))))
            .setLabelDistribution(List.of(0.5, 0.5)).setErrorRate(0.5).setErrorSampleCount(1).build())
        .setCreatedAt(0).build(), artifact);
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static Map<String, Integer> repeated(Map<String, Integer> counts) {
    return counts.entrySet().stream().filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static Supplier<String> progress(Map<String, Integer> predicted, Map<String, Integer> labelled) {
    return () -> predicted.size() + " events predicted, " + labelled.size() + " labelled";
  }

  /**
   * Waits (bounded, for liveness only) until {@code condition} holds, failing with {@code progress}
   * and the child's log.
   */
  private static void await(String what, LauncherProcess child, Supplier<String> progress, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what + " (" + progress.get() + "):\n" + child.log());
      }
    }
  }
}
