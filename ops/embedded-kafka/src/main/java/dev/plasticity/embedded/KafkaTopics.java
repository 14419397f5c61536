package dev.plasticity.embedded;

import dev.plasticity.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** Creates Plasticity's topics (see {@link Topics}) where they do not exist yet. Stateless and thread-safe. */
public final class KafkaTopics {
  private KafkaTopics() {}

  /**
   * Creates every topic in {@link Topics#ALL} that is missing, with {@code partitions} partitions
   * each (the versions topic compacted) and the given replication factor, and Kafka's default
   * {@code min.insync.replicas} of 1.
   */
  public static void ensure(String bootstrapServers, int partitions, short replication) {
    ensure(bootstrapServers, partitions, replication, 1);
  }

  /**
   * Creates every topic in {@link Topics#ALL} that is missing, with {@code partitions} partitions,
   * {@code replication} replicas and {@code min.insync.replicas} set to {@code minInsyncReplicas}
   * (the versions topic compacted). Topics that exist are left as they are.
   *
   * @return the topics created, in {@link Topics#ALL}'s order
   * @throws IllegalArgumentException when a count is below 1, or {@code minInsyncReplicas} exceeds
   *     {@code replication} (no write could then ever be acknowledged by every required replica)
   * @throws IllegalStateException when the cluster refuses (for example, fewer brokers than replicas)
   */
  public static List<String> ensure(String bootstrapServers, int partitions, short replication, int minInsyncReplicas) {
    if (partitions < 1 || replication < 1 || minInsyncReplicas < 1) {
      throw new IllegalArgumentException("partitions, replication factor and min.insync.replicas are at least 1; got "
          + partitions + ", " + replication + ", " + minInsyncReplicas);
    }
    if (minInsyncReplicas > replication) {
      throw new IllegalArgumentException("min.insync.replicas (" + minInsyncReplicas
          + ") must not exceed the replication factor (" + replication + "): no write could be acknowledged");
    }
    try (Admin admin = Admin.create(adminProperties(bootstrapServers))) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : Topics.ALL) {
        if (existing.contains(topic)) {
          continue;
        }
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
        if (Topics.isCompacted(topic)) {
          configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
          configs.put(TopicConfig.SEGMENT_MS_CONFIG, "60000");
        }
        missing.add(new NewTopic(topic, partitions, replication).configs(configs));
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
      return missing.stream().map(NewTopic::name).toList();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
        return List.of(); // another process created them meanwhile
      }
      throw new IllegalStateException("cannot create Plasticity topics on " + bootstrapServers + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * Waits until the cluster at {@code bootstrapServers} has at least {@code brokers} brokers, asking
   * once a second, and returns how many it has.
   *
   * @throws IllegalStateException when {@code timeout} passes first, naming the count seen last
   */
  public static int awaitBrokers(String bootstrapServers, int brokers, Duration timeout, Clock clock) {
    Instant deadline = clock.instant().plus(timeout);
    int seen = 0;
    String lastError = "";
    try (Admin admin = Admin.create(adminProperties(bootstrapServers))) {
      while (true) {
        try {
          seen = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
          if (seen >= brokers) {
            return seen;
          }
        } catch (ExecutionException | TimeoutException e) {
          lastError = "; last error: " + (e.getCause() == null ? e : e.getCause()).getMessage();
        }
        if (!clock.instant().isBefore(deadline)) {
          throw new IllegalStateException("the cluster at " + bootstrapServers + " has " + seen + " of the " + brokers
              + " brokers the replication factor needs, after " + timeout + lastError);
        }
        Thread.sleep(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for brokers", e);
    }
  }

  private static Properties adminProperties(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }
}
