package dev.plasticity.testkit;

import dev.plasticity.embedded.EmbeddedKafkaBroker;
import dev.plasticity.embedded.KafkaTopics;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Kafka broker for one test class, with Plasticity's topics created. When a Docker engine
 * is reachable it is Testcontainers' {@code apache/kafka} image; otherwise an in-process KRaft
 * broker ({@link EmbeddedKafkaBroker}), so tests run (never skip) on a machine without Docker.
 * Set {@code -Dplasticity.kafka=embedded} to force the in-process broker.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
 * ... kafka.bootstrapServers() ...
 * }</pre>
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
  private static final String IMAGE = "apache/kafka:4.2.2";

  private final int partitions;
  private EmbeddedKafkaBroker embedded;
  private KafkaContainer container;
  private String bootstrapServers;

  public KafkaBroker() {
    this(2);
  }

  /** A broker whose Plasticity topics have {@code partitions} partitions each. */
  public KafkaBroker(int partitions) {
    this.partitions = partitions;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (useDocker()) {
      container = new KafkaContainer(DockerImageName.parse(IMAGE))
          .withEnv("KAFKA_LOG_RETENTION_MS", "-1"); // as the in-process broker: events with old timestamps stay
      container.start();
      bootstrapServers = container.getBootstrapServers();
      log.info("Kafka for {} runs in Docker at {}", context.getDisplayName(), bootstrapServers);
    } else {
      embedded = EmbeddedKafkaBroker.startInTempDir();
      bootstrapServers = embedded.bootstrapServers();
      log.info("Kafka for {} runs in-process at {}", context.getDisplayName(), bootstrapServers);
    }
    KafkaTopics.ensure(bootstrapServers, partitions, (short) 1);
  }

  private static boolean useDocker() {
    if ("embedded".equals(System.getProperty("plasticity.kafka"))) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (container != null) {
      container.stop();
    }
    if (embedded != null) {
      embedded.close();
    }
  }

  /** {@code host:port} of the broker; valid inside the test class. */
  public String bootstrapServers() {
    if (bootstrapServers == null) {
      throw new IllegalStateException("the broker is not started: register KafkaBroker with @RegisterExtension on a static field");
    }
    return bootstrapServers;
  }

  /** Whether this broker runs in a Docker container (Testcontainers). */
  boolean inDocker() {
    return container != null;
  }
}
