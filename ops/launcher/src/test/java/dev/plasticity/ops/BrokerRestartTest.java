package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.embedded.EmbeddedKafkaBroker;
import dev.plasticity.embedded.KafkaTopics;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.FaultRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stopped and started again on the same address while {@code plasticity scoring} (in a
 * JVM of its own) scores a stream and events and labels keep arriving: the scoring process is not
 * restarted, reconnects, and in the committed output every event is predicted once and labelled
 * once.
 */
@Timeout(300)
class BrokerRestartTest {
  /** Events (each with its label) produced while the broker stops and starts. */
  private static final int EVENTS = 2_000;
  private static final int BATCH = 20;
  private static final Duration PACE = Duration.ofMillis(50);
  /** The broker stops once this many predictions are committed. */
  private static final int STOP_AFTER = 400;

  @TempDir Path dir;

  @Test
  void aBrokerRestartedUnderLoadLosesAndRepeatsNothingAndTheScoringProcessCarriesOn() throws Exception {
    String model = "restarted-" + UUID.randomUUID().toString().substring(0, 8);
    Path brokerDir = dir.resolve("kafka");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerDir);
    String bootstrap = broker.bootstrapServers();
    try {
      KafkaTopics.ensure(bootstrap, 2, (short) 1);
      try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir.resolve("registry"))
          .httpPort(0).kafkaBootstrapServers(bootstrap).build())) {
        ScoringKillTest.registerChampion(new RegistryClient(registry.baseUri()), model);
        Map<String, String> env = Map.of(
            "PLASTICITY_KAFKA_BOOTSTRAP", bootstrap,
            "PLASTICITY_REGISTRY_URL", registry.baseUri().toString(),
            "PLASTICITY_SCORING_MODELS", model,
            "PLASTICITY_SCORING_APPLICATION_ID", "scoring-" + model,
            "PLASTICITY_SCORING_STATE_DIR", dir.resolve("scoring-state").toString(),
            "PLASTICITY_JOIN_APPLICATION_ID", "join-" + model,
            "PLASTICITY_JOIN_STATE_DIR", dir.resolve("join-state").toString());
        Map<String, Integer> predicted = new HashMap<>();
        Map<String, Integer> labelled = new HashMap<>();
        AtomicInteger produced = new AtomicInteger();
        int predictedAtStop;
        int producedAtStop;
        try (LauncherProcess scoring = LauncherProcess.start("scoring", env, dir.resolve("scoring.log"))) {
          scoring.awaitHealth("both parts run and v1 is served", body -> body.contains(model + " v1"));
          CompletableFuture<Void> producing = CompletableFuture.runAsync(
              () -> ScoredStream.produce(bootstrap, model, EVENTS, BATCH, PACE, produced));
          try (KafkaConsumer<byte[], byte[]> committed = ScoredStream.reader(bootstrap, "read_committed",
              Topics.PREDICTIONS, Topics.EVENTS_LABELLED)) {
            await(() -> ScoredStream.read(committed, model, predicted, labelled) && predicted.size() >= STOP_AFTER,
                "at least " + STOP_AFTER + " predictions are committed", scoring);
          }
          predictedAtStop = predicted.size();
          producedAtStop = produced.get();
          broker.close();
          broker = EmbeddedKafkaBroker.restart(brokerDir);
          assertThat(broker.bootstrapServers()).as("the restarted broker's address").isEqualTo(bootstrap);

          predicted.clear();
          labelled.clear();
          try (KafkaConsumer<byte[], byte[]> committed = ScoredStream.reader(bootstrap, "read_committed",
              Topics.PREDICTIONS, Topics.EVENTS_LABELLED)) {
            await(() -> ScoredStream.read(committed, model, predicted, labelled) && predicted.size() == EVENTS
                && labelled.size() == EVENTS, "every event is predicted and labelled", scoring);
            producing.get(1, TimeUnit.MINUTES);
            scoring.awaitHealth("the scoring process still runs both parts", body -> body.contains(model + " v1"));
            assertThat(scoring.terminate(ServiceCommands.SHUTDOWN_WAIT)).as("SIGTERM ends it:\n%s", scoring.log())
                .isPresent();
            ScoredStream.readToEnd(committed, model, predicted, labelled);
          }
        }
        FaultRecord.of("broker-restarted-under-load", getClass(),
                "aBrokerRestartedUnderLoadLosesAndRepeatsNothingAndTheScoringProcessCarriesOn")
            .expect("events predicted in the committed output", EVENTS, predicted.size())
            .expect("events predicted more than once", 0L, predicted.values().stream().filter(n -> n > 1).count())
            .expect("events labelled in the committed output", EVENTS, labelled.size())
            .expect("events labelled more than once", 0L, labelled.values().stream().filter(n -> n > 1).count())
            .held("the scoring process ran through the restart", "healthy afterwards, never restarted")
            .count("events produced", EVENTS)
            .count("events produced when the broker stopped", producedAtStop)
            .count("events predicted (committed) when the broker stopped", predictedAtStop)
            .write();
      }
    } finally {
      broker.close();
    }
  }

  /** Waits (bounded, for liveness only) until {@code condition} holds, failing with the child's log. */
  private static void await(BooleanSupplier condition, String what, LauncherProcess child) {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what + ":\n" + child.log());
      }
    }
  }
}
