package dev.plasticity.ops;

import dev.plasticity.embedded.KafkaTopics;
import dev.plasticity.schemas.Topics;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code plasticity topics}: creates Plasticity's topics on a Kafka cluster before the services
 * start, with the partitions, replication factor and {@code min.insync.replicas} the cluster
 * should have ({@code plasticity.model.versions} compacted). It first waits until the cluster has
 * as many brokers as replicas. Topics that exist are left as they are. Exit status 0 when every
 * topic exists, 1 when the cluster refuses or has too few brokers in time, 2 for bad flags.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = {"Creates Plasticity's topics where they are missing (plasticity.model.versions compacted),",
      "after waiting until the cluster has as many brokers as replicas; existing topics are left as they are."})
final class TopicsCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      defaultValue = "${env:PLASTICITY_KAFKA_BOOTSTRAP:-localhost:9092}",
      description = "Kafka's bootstrap servers (default: PLASTICITY_KAFKA_BOOTSTRAP, else ${DEFAULT-VALUE})")
  String bootstrapServers;

  @Option(names = "--partitions", paramLabel = "N", description = "partitions of each topic (default: ${DEFAULT-VALUE})")
  int partitions = 6;

  @Option(names = "--replication-factor", paramLabel = "N", description = "replicas of each partition (default: ${DEFAULT-VALUE})")
  short replication = 1;

  @Option(names = "--min-insync-replicas", paramLabel = "N",
      description = "replicas that must have a write before it is acknowledged (default: ${DEFAULT-VALUE})")
  int minInsyncReplicas = 1;

  @Option(names = "--wait-seconds", paramLabel = "S",
      description = "how long to wait for enough brokers (default: ${DEFAULT-VALUE})")
  int waitSeconds = 120;

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() {
    if (partitions < 1 || replication < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replication || waitSeconds < 0) {
      err.println("plasticity topics: partitions, --replication-factor and --min-insync-replicas are at least 1,"
          + " --min-insync-replicas at most the replication factor, --wait-seconds not negative; got " + partitions
          + ", " + replication + ", " + minInsyncReplicas + ", " + waitSeconds);
      return 2;
    }
    try {
      int brokers = KafkaTopics.awaitBrokers(bootstrapServers, replication, Duration.ofSeconds(waitSeconds), Clock.systemUTC());
      List<String> created = KafkaTopics.ensure(bootstrapServers, partitions, replication, minInsyncReplicas);
      out.printf("%d brokers at %s; created %d of %d topics (%d partitions, replication factor %d, min.insync.replicas %d)%s%n",
          brokers, bootstrapServers, created.size(), Topics.ALL.size(), partitions, replication, minInsyncReplicas,
          created.isEmpty() ? "" : ": " + String.join(", ", created));
      return 0;
    } catch (IllegalStateException e) {
      err.println("plasticity topics: " + e.getMessage());
      return 1;
    }
  }
}
