package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static dev.plasticity.registry.server.TestVersions.uniqueModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.AliasMove;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.registry.client.ServedVersion;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.RegistryChange;
import dev.plasticity.testkit.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle through a real registry with named tokens and a real broker: roles decide who may
 * move what, every move names its actor, the versions topic follows the aliases (a rollback's older
 * version under a newer change number, a removed alias as a tombstone), and the history answers
 * which version served at any moment.
 */
class RegistryLifecycleTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  private static final String TOKENS = "ops:admin:admin-secret,trainer:write:write-secret,viewer:read:read-secret";

  @TempDir Path dataDir;

  /** A clock one second further on at every reading, so every change has its own moment. */
  private static final class SteppingClock extends Clock {
    private final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.addAndGet(1000));
    }
  }

  private RegistryServer start() {
    return RegistryServer.start(RegistryConfig.builder().dataDir(dataDir).clock(new SteppingClock())
        .kafkaBootstrapServers(kafka.bootstrapServers()).namedTokens(TOKENS).build());
  }

  @Test
  void rolesDecideWhoMayMoveAliasesAndTheHistoryNamesWhoDid() throws Exception {
    String model = uniqueModel("roles");
    try (RegistryServer server = start()) {
      RegistryClient trainer = new RegistryClient(server.baseUri(), Duration.ofSeconds(10), "write-secret");
      RegistryClient viewer = trainer.withToken("read-secret");
      RegistryClient ops = trainer.withToken("admin-secret");
      RegistryClient nobody = trainer.withToken(null);
      trainer.ensureModel(model);
      trainer.register(metadata(model, "champion", "t-1"), artifact("roles one"));
      trainer.register(metadata(model, "champion", "t-2"), artifact("roles two"));

      assertStatus(() -> nobody.versions(model), 401);
      assertStatus(() -> viewer.register(metadata(model, "champion", "t-3"), artifact("roles three")), 403);
      assertStatus(() -> trainer.promote(model, 1, "not mine to do"), 403);
      assertStatus(() -> trainer.rollback(model, "not mine either", false), 403);
      assertStatus(() -> trainer.archive(model, 1, "no"), 403);
      assertStatus(() -> viewer.moveAlias(model, "shadow", 1, "no"), 403);
      assertStatus(() -> ops.moveAlias(model, "bad alias", 1, "spaces are not allowed"), 400);
      assertStatus(() -> ops.moveAlias(model, "../champion", 1, "nor paths"), 400);
      assertStatus(() -> ops.ensureModel("odd model"), 400);
      assertThat(viewer.aliases(model)).as("nothing moved").containsExactly(Map.entry("champion", 2));
      assertThat(viewer.versions(model)).hasSize(2);

      ops.promote(model, 1, "v2 misbehaves");
      assertThat(viewer.history(model, 0, 100)).extracting(RegistryChange::getActor)
          .containsExactly("trainer", "trainer", "trainer", "trainer", "ops");
      assertThat(health(server)).as("health needs no token").isEqualTo(200);
    }
  }

  @Test
  void theVersionsTopicFollowsPromotionsRollbacksAndShadowsAndTheHistoryAnswersWhichVersionServed() {
    String model = uniqueModel("served");
    try (RegistryServer server = start()) {
      RegistryClient ops = new RegistryClient(server.baseUri(), Duration.ofSeconds(10), "admin-secret");
      ops.ensureModel(model);
      ops.register(metadata(model, "champion", "t-1"), artifact("served one"));
      ops.register(metadata(model, "champion", "t-2"), artifact("served two"));
      ops.promote(model, 1, "back to the first");
      ops.promote(model, 2, "forward again");
      ops.rollback(model, "live accuracy fell", true);
      ops.moveAlias(model, "shadow", 2, "watch it on live traffic");
      ops.removeAlias(model, "shadow", "seen enough");

      List<ConsumerRecord<String, ModelVersion>> champions = readUntil(model,
          r -> r.value() != null && r.value().getAssignment().getCause() == ChangeCause.AUTOMATIC_ROLLBACK);
      assertThat(champions).extracting(r -> r.value().getVersion()).containsExactly(1, 2, 1, 2, 1);
      assertThat(champions).extracting(r -> r.value().getAssignment().getSequence()).isSorted();
      assertThat(champions.get(4).value().getAssignment().getPreviousVersion()).isEqualTo(2);
      assertThat(champions.get(4).value().getAssignment().getActor()).isEqualTo("ops");
      List<ConsumerRecord<String, ModelVersion>> shadows = readUntil(model + "@shadow", r -> r.value() == null);
      assertThat(shadows).extracting(r -> r.value() == null ? "tombstone" : "v" + r.value().getVersion())
          .containsExactly("v2", "tombstone");

      List<RegistryChange> history = ops.history(model, 0, 100);
      for (RegistryChange change : history) {
        if ("champion".equals(change.getAlias())) {
          ServedVersion served = ops.servedAt(model, Instant.ofEpochMilli(change.getAt())).orElseThrow();
          assertThat(served.version()).as("served at %s", Instant.ofEpochMilli(change.getAt())).isEqualTo(change.getVersion());
          assertThat(ops.servedAt(model, Instant.ofEpochMilli(change.getAt() + 500)).orElseThrow().version())
              .as("half a second later").isEqualTo(change.getVersion());
        }
      }
      assertThat(ops.servedAt(model, Instant.ofEpochMilli(history.get(0).getAt() - 1))).as("before any champion").isEmpty();
    }
  }

  @Test
  void aServiceWithAWriteTokenRecallsAPastChampionAndRollsBackOnlyTheVersionItJudged() {
    String model = uniqueModel("machine");
    try (RegistryServer server = start()) {
      RegistryClient trainer = new RegistryClient(server.baseUri(), Duration.ofSeconds(10), "write-secret");
      RegistryClient viewer = trainer.withToken("read-secret");
      trainer.ensureModel(model);
      trainer.register(metadata(model, "champion", "t-1"), artifact("machine one"));
      trainer.register(metadata(model, "champion", "t-2"), artifact("machine two"));
      trainer.register(metadata(model, "challenger", "t-3"), artifact("machine three"));

      assertStatus(() -> viewer.recall(model, 1, "no"), 403);
      assertStatus(() -> trainer.recall(model, 3, "v3 never served"), 409);
      assertStatus(() -> trainer.recall(model, 9, "no such version"), 404);
      assertStatus(() -> trainer.recall(model, 1, 1, "judged against v1, but v2 serves"), 409);
      assertThat(viewer.champion(model).orElseThrow().getVersion()).as("a recall judged against another champion moves"
          + " nothing").isEqualTo(2);
      AliasMove recalled = trainer.recall(model, 1, 2, "trigger t-4: v1 fits the window better");
      assertThat(recalled.version()).isEqualTo(1);
      assertThat(viewer.champion(model).orElseThrow().getVersion()).as("the same version serves again").isEqualTo(1);

      assertStatus(() -> trainer.rollbackLost(model, 2, "v2 is no longer the champion"), 409);
      assertThat(viewer.champion(model).orElseThrow().getVersion()).as("a stale verdict moves nothing").isEqualTo(1);
      AliasMove rolledBack = trainer.rollbackLost(model, 1, "live verification: v1 lost to v2");
      assertThat(rolledBack.version()).as("the stack pops the recall").isEqualTo(2);
      assertStatus(() -> trainer.moveAlias(model, "previous", 1, "reserved"), 403);
      RegistryClient ops = trainer.withToken("admin-secret");
      assertStatus(() -> ops.moveAlias(model, "previous", 1, "reserved for the watch"), 400);

      assertThat(viewer.history(model, 0, 100)).filteredOn(c -> "champion".equals(c.getAlias()))
          .extracting(c -> "v" + c.getVersion() + " " + c.getCause() + " " + c.getActor() + ": " + c.getReason())
          .containsExactly("v1 REGISTRATION trainer: registered as champion", "v2 REGISTRATION trainer: registered as champion",
              "v1 RECALL trainer: trigger t-4: v1 fits the window better",
              "v2 AUTOMATIC_ROLLBACK trainer: live verification: v1 lost to v2");
    }
  }

  private static void assertStatus(Runnable call, int status) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(RegistryException.class,
        e -> assertThat(e.status()).as(e.getMessage()).isEqualTo(status));
  }

  private static int health(RegistryServer server) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/health")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static List<ConsumerRecord<String, ModelVersion>> readUntil(String key,
      Predicate<ConsumerRecord<String, ModelVersion>> last) {
    return VersionsTopic.readUntil(kafka.bootstrapServers(), key, last);
  }

}
