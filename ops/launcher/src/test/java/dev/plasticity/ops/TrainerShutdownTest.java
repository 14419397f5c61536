package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.testkit.FaultRecord;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plasticity trainer} in its own JVM on a real broker and registry, stopped with SIGTERM as
 * an orchestrator stops it: the JVM waits for the trainer to close, so that its trigger consumer
 * leaves the group (the next replica takes the triggers over at once, not after a session timeout)
 * before the process ends.
 */
@Timeout(180)
class TrainerShutdownTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path dir;

  @Test
  void aTrainerStoppedWithSigtermLeavesItsConsumerGroupBeforeItsProcessEnds() throws Exception {
    String group = "trainer-" + UUID.randomUUID().toString().substring(0, 8);
    try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir.resolve("registry"))
            .kafkaBootstrapServers(kafka.bootstrapServers()).build());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        LauncherProcess trainer = LauncherProcess.start("trainer", Map.of(
            "PLASTICITY_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
            "PLASTICITY_REGISTRY_URL", registry.baseUri().toString(),
            "PLASTICITY_TRAINER_GROUP", group), dir.resolve("trainer.log"))) {
      trainer.awaitHealth("the trainer consumes triggers", body -> body.contains("consuming triggers"));
      awaitMembers(admin, group, 1, trainer);

      OptionalInt status = trainer.terminate(ServiceCommands.SHUTDOWN_WAIT);

      assertThat(status).as("the trainer ended within %s of SIGTERM:\n%s", ServiceCommands.SHUTDOWN_WAIT, trainer.log())
          .isPresent();
      // 143 = 128 + SIGTERM: the JVM's status once a SIGTERM's shutdown hooks have all returned
      assertThat(status.getAsInt()).as("exit status; log:\n%s", trainer.log()).isEqualTo(143);
      assertThat(members(admin, group)).as("members of %s right after the process ended", group).isEmpty();
      FaultRecord.of("trainer-sigterm", getClass(), "aTrainerStoppedWithSigtermLeavesItsConsumerGroupBeforeItsProcessEnds")
          .expect("exit status after SIGTERM", 143, status.getAsInt())
          .expect("members of the group right after the process ended", 0, members(admin, group).size())
          .write();
    }
  }

  private static Collection<MemberDescription> members(Admin admin, String group) throws Exception {
    return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members();
  }

  /** Waits (bounded, for liveness only) until {@code group} has {@code count} members. */
  private static void awaitMembers(Admin admin, String group, int count, LauncherProcess child) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (members(admin, group).size() != count) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + group + " has " + count + " member(s):\n" + child.log());
      }
      Thread.sleep(100);
    }
  }
}
