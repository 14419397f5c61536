package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.testkit.FaultRecord;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code plasticity trainer} replicas, each in a JVM of its own, in one consumer group on a real
 * broker and registry. The replica that takes a training request is killed with SIGKILL while it
 * trains it: no shutdown hook, no commit, no leaving the group. The trigger stays uncommitted, so
 * once the broker drops the dead member (its session timeout, 45 s by default, most of this test's
 * time) the other replica takes the partition, trains the trigger and registers exactly one
 * version for it.
 */
@Timeout(300)
class TrainerKillTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  /** Labelled events the request trains on: enough that a run spends seconds in its TRAINING phase. */
  private static final int EVENTS = 4_000;

  @TempDir Path dir;

  @Test
  void aTriggerWhoseTrainerIsKilledMidRunIsTrainedOnceByTheOtherReplica() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String model = "killed-trainer-" + suffix;
    String group = "trainer-" + suffix;
    String triggerId = "manual-" + model;
    long t0 = System.currentTimeMillis() - 60_000;
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir.resolve("registry"))
            .httpPort(0).kafkaBootstrapServers(kafka.bootstrapServers()).build());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      RegistryClient client = new RegistryClient(registry.baseUri());
      client.ensureModel(model);
      FaultFixtures.publishEvents(kafka.bootstrapServers(), model, t0, EVENTS);
      Map<String, String> env = Map.of(
          "PLASTICITY_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
          "PLASTICITY_REGISTRY_URL", registry.baseUri().toString(),
          "PLASTICITY_TRAINER_GROUP", group,
          "PLASTICITY_TRAINER_POLICY", "CONCEPT=retrain");
      try (LauncherProcess first = LauncherProcess.start("trainer", env, dir.resolve("first.log"));
          LauncherProcess second = LauncherProcess.start("trainer", env, dir.resolve("second.log"))) {
        first.awaitHealth("the first replica consumes triggers", body -> body.contains("consuming triggers"));
        second.awaitHealth("the second replica consumes triggers", body -> body.contains("consuming triggers"));
        await(() -> assignedMembers(admin, group) == 2, "both replicas hold a partition of " + group, first, second);

        RecordMetadata request = FaultFixtures.requestFirstVersion(kafka.bootstrapServers(), model, triggerId, t0, EVENTS);
        String training = triggerId + " TRAINING";
        await(() -> logContains(dir.resolve("first.log"), training) || logContains(dir.resolve("second.log"), training),
            "a replica trains the trigger", first, second);
        boolean firstTrains = logContains(dir.resolve("first.log"), training);
        LauncherProcess victim = firstTrains ? first : second;
        LauncherProcess survivor = firstTrains ? second : first;
        Path victimLog = dir.resolve(firstTrains ? "first.log" : "second.log");
        victim.kill();
        int versionsAtKill = client.versions(model).size();
        boolean victimRegistered = logContains(victimLog, triggerId + " REGISTERED");

        await(() -> committedPast(admin, group, request), "the surviving replica answers the trigger and commits it",
            survivor, survivor);

        List<ModelVersion> versions = client.versions(model);
        List<TrainingPhase> phases = FaultFixtures.progress(kafka.bootstrapServers(), triggerId);
        Optional<ModelVersion> byTrigger = client.versionForTrigger(model, triggerId);
        FaultRecord.of("trainer-killed-mid-run", getClass(), "aTriggerWhoseTrainerIsKilledMidRunIsTrainedOnceByTheOtherReplica")
            .expect("versions registered when the training replica was killed", 0, versionsAtKill)
            .expect("the killed replica logged REGISTERED for the trigger", false, victimRegistered)
            .expect("versions of the model once the other replica answered", 1, versions.size())
            .expect("the version's lineage trigger id", triggerId, versions.get(0).getLineage().getTriggerId().toString())
            .expect("the registry's version for the trigger", versions.get(0).getVersion(),
                byTrigger.map(ModelVersion::getVersion).orElse(null))
            .expect("REGISTERED progress records for the trigger", 1L, FaultFixtures.count(phases, TrainingPhase.REGISTERED))
            .expect("STARTED progress records for the trigger (one per replica that took it)", 2L,
                FaultFixtures.count(phases, TrainingPhase.STARTED))
            .expect("the surviving replica is still up", true, survivorUp(survivor))
            .count("labelled events in the trigger's window", EVENTS)
            .count("TRAINING progress records for the trigger (both runs)", FaultFixtures.count(phases, TrainingPhase.TRAINING))
            .write();
      }
    }
  }

  private static boolean survivorUp(LauncherProcess survivor) throws InterruptedException {
    survivor.awaitHealth("the surviving replica still consumes triggers", body -> body.contains("consuming triggers"));
    return true;
  }

  /** Members of {@code group} that hold at least one partition. */
  private static int assignedMembers(Admin admin, String group) {
    try {
      return (int) admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
          .filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
    } catch (Exception e) {
      return 0;
    }
  }

  /** Whether {@code group} has committed the partition of {@code request} past it. */
  private static boolean committedPast(Admin admin, String group, RecordMetadata request) {
    try {
      OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
          .get(new TopicPartition(request.topic(), request.partition()));
      return committed != null && committed.offset() > request.offset();
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean logContains(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log).contains(text);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Waits (bounded, for liveness only) until {@code condition} holds, failing with both children's logs. */
  private static void await(BooleanSupplier condition, String what, LauncherProcess a, LauncherProcess b)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what + ":\n" + a.log() + (a == b ? "" : "\n---\n" + b.log()));
      }
      Thread.sleep(100);
    }
  }
}
