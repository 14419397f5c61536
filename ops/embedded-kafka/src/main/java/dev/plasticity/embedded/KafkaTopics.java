package dev.plasticity.embedded;

import dev.plasticity.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** Creates Plasticity's topics (see {@link Topics}) where they do not exist yet. */
public final class KafkaTopics {
  private KafkaTopics() {}

  /**
   * Creates every topic in {@link Topics#ALL} that is missing, with {@code partitions} partitions
   * each (the versions topic compacted) and the given replication factor.
   */
  public static void ensure(String bootstrapServers, int partitions, short replication) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : Topics.ALL) {
        if (existing.contains(topic)) {
          continue;
        }
        NewTopic newTopic = new NewTopic(topic, partitions, replication);
        if (Topics.isCompacted(topic)) {
          newTopic.configs(Map.of(
              TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
              TopicConfig.SEGMENT_MS_CONFIG, "60000"));
        }
        missing.add(newTopic);
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw new IllegalStateException("cannot create Plasticity topics on " + bootstrapServers, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
