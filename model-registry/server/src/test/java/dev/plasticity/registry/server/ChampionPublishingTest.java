package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static dev.plasticity.registry.server.TestVersions.uniqueModel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.testkit.KafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Champions reach the compacted versions topic, challengers do not, and none is lost to a Kafka outage. */
class ChampionPublishingTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @TempDir Path dataDir;

  @Test
  void aChampionIsPublishedKeyedByModelAndAChallengerIsNot() {
    String model = uniqueModel("published");
    try (RegistryServer server = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
        .kafkaBootstrapServers(kafka.bootstrapServers()).build())) {
      RegistryClient client = new RegistryClient(server.baseUri());
      client.ensureModel(model);

      ModelVersion champion = client.register(metadata(model, "champion", "t-1"), artifact("one"));
      client.register(metadata(model, "challenger", "t-2"), artifact("two"));
      ModelVersion next = client.register(metadata(model, "champion", "t-3"), artifact("three"));

      List<ConsumerRecord<String, ModelVersion>> records = readUntil(model, r -> r.value().getVersion() == 3);
      assertThat(records).extracting(ConsumerRecord::key).containsOnly(model);
      assertThat(records).extracting(r -> unassigned(r.value())).containsExactly(champion, next);
      assertThat(records).extracting(r -> r.value().getAssignment().getCause()).containsOnly(ChangeCause.REGISTRATION);
      assertThat(records.get(1).value().getAssignment().getPreviousVersion()).isEqualTo(1);
      assertThat(records.get(1).value().getAssignment().getSequence())
          .isGreaterThan(records.get(0).value().getAssignment().getSequence());
      List<ConsumerRecord<String, ModelVersion>> challengers = readUntil(model + "@challenger", r -> true);
      assertThat(challengers.get(0).value().getVersion()).isEqualTo(2);
      assertThat(challengers.get(0).value().getAlias()).isEqualTo("challenger");
    }
  }

  @Test
  void championsStoredWhileKafkaWasDownArePublishedWhenTheRegistryRestartsWithIt() throws IOException {
    String model = uniqueModel("outage");
    RegistryConfig.Builder unreachableKafka = RegistryConfig.builder().dataDir(dataDir)
        .kafkaBootstrapServers("127.0.0.1:" + closedPort())
        .kafkaProducerProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300")
        .kafkaProducerProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "300")
        .kafkaProducerProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600");
    List<ModelVersion> stored = new ArrayList<>();
    try (RegistryServer down = RegistryServer.start(unreachableKafka.build())) {
      RegistryClient client = new RegistryClient(down.baseUri());
      client.ensureModel(model);
      stored.add(client.register(metadata(model, "champion", "t-1"), artifact("one")));
      client.register(metadata(model, "challenger", "t-2"), artifact("two"));
      stored.add(client.register(metadata(model, "champion", "t-3"), artifact("three")));
    }

    try (RegistryServer up = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
        .kafkaBootstrapServers(kafka.bootstrapServers()).build())) {
      List<ConsumerRecord<String, ModelVersion>> records = readUntil(model, r -> r.value().getVersion() == 3);

      assertThat(records).extracting(ConsumerRecord::value)
          .extracting(ModelVersion::getVersion).containsExactly(1, 3);
      assertThat(records.get(0).value().getArtifactSha256()).isEqualTo(stored.get(0).getArtifactSha256());
      assertThat(new RegistryClient(up.baseUri()).versions(model)).hasSize(3);
    }
  }

  @Test
  void whenTheServedChampionIsRejectedTheChampionBeforeItIsAnnouncedAgain() {
    String model = uniqueModel("rejected");
    try (RegistryServer server = RegistryServer.start(RegistryConfig.builder().dataDir(dataDir)
        .kafkaBootstrapServers(kafka.bootstrapServers()).build())) {
      RegistryClient client = new RegistryClient(server.baseUri());
      client.ensureModel(model);
      ModelVersion first = client.register(metadata(model, "champion", "t-1"), artifact("one"));
      client.register(metadata(model, "champion", "t-2"), artifact("two"));
      readUntil(model, r -> r.value().getVersion() == 2);

      client.reportRejection(model, 2, "inference refused v2");

      AtomicBoolean sawSecond = new AtomicBoolean();
      List<ConsumerRecord<String, ModelVersion>> records = readUntil(model, r -> {
        if (r.value().getVersion() == 2) {
          sawSecond.set(true);
          return false;
        }
        return r.value().getVersion() == 1 && sawSecond.get(); // version 1 announced again after 2
      });
      assertThat(records).extracting(ConsumerRecord::value).extracting(ModelVersion::getVersion).containsExactly(1, 2, 1);
      assertThat(unassigned(records.get(2).value())).isEqualTo(first);
      assertThat(records.get(2).value().getAssignment().getCause()).isEqualTo(ChangeCause.REJECTION);
      assertThat(records.get(2).value().getAssignment().getReason()).isEqualTo("inference refused v2");
    }
  }

  private static List<ConsumerRecord<String, ModelVersion>> readUntil(String key,
      Predicate<ConsumerRecord<String, ModelVersion>> last) {
    return VersionsTopic.readUntil(kafka.bootstrapServers(), key, last);
  }

  /** The version as the registry stores it: the versions topic adds the alias move. */
  private static ModelVersion unassigned(ModelVersion announced) {
    return ModelVersion.newBuilder(announced).setAssignment(null).build();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
