package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.embedded.EmbeddedKafkaBroker;
import dev.plasticity.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code plasticity topics} against a real broker that has no topics yet: it creates every topic of
 * {@link Topics#ALL} with the partitions and {@code min.insync.replicas} asked for, the versions
 * topic compacted, leaves them alone when run again, and refuses a replication factor the cluster
 * has too few brokers for.
 */
@Timeout(120)
class TopicsCommandTest {
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.startInTempDir();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void createsEveryTopicWithItsSettingsOnceAndRefusesMoreReplicasThanBrokers() throws Exception {
    Run first = run("--partitions", "3", "--replication-factor", "1", "--min-insync-replicas", "1");
    Run again = run("--partitions", "3");
    Run tooMany = run("--replication-factor", "3", "--min-insync-replicas", "2", "--wait-seconds", "0");
    Run misfit = run("--replication-factor", "2", "--min-insync-replicas", "3");

    assertThat(first.code).as(first.output).isZero();
    assertThat(first.output).contains("1 brokers", "created " + Topics.ALL.size() + " of " + Topics.ALL.size());
    try (Admin admin = Admin.create(adminProperties())) {
      Collection<TopicDescription> topics = admin.describeTopics(Topics.ALL).allTopicNames().get().values();
      assertThat(topics).hasSize(Topics.ALL.size()).allSatisfy(t -> assertThat(t.partitions()).hasSize(3));
      Map<ConfigResource, Config> configs = admin.describeConfigs(Topics.ALL.stream()
          .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get();
      configs.forEach((resource, config) -> {
        assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).as(resource.name()).isEqualTo("1");
        assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).as(resource.name())
            .isEqualTo(Topics.isCompacted(resource.name()) ? "compact" : "delete");
      });
    }
    assertThat(again.code).as(again.output).isZero();
    assertThat(again.output).contains("created 0 of " + Topics.ALL.size());
    assertThat(tooMany.code).isEqualTo(1);
    assertThat(tooMany.output).contains("has 1 of the 3 brokers the replication factor needs");
    assertThat(misfit.code).isEqualTo(2);
    assertThat(misfit.output).contains("--min-insync-replicas at most the replication factor");
  }

  private record Run(int code, String output) {}

  private static Run run(String... flags) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    CommandLine commandLine = Plasticity.commandLine();
    TopicsCommand topics = commandLine.getSubcommands().get("topics").getCommand();
    topics.out = out;
    topics.err = out;
    String[] args = new String[flags.length + 3];
    args[0] = "topics";
    args[1] = "--bootstrap-servers";
    args[2] = broker.bootstrapServers();
    System.arraycopy(flags, 0, args, 3, flags.length);
    int code = commandLine.execute(args);
    return new Run(code, bytes.toString(StandardCharsets.UTF_8));
  }

  private static Properties adminProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return props;
  }
}
