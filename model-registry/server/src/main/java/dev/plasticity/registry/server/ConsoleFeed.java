package dev.plasticity.registry.server;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the {@link ConsoleViews} from Kafka on one thread: every record of the triggers and live
 * outcomes topics, from the oldest each topic still holds, so a restarted registry shows what it
 * showed before. Each registry reads everything under its own consumer group and commits nothing.
 * A record is counted by topic ({@link RegistryMetrics#consoleRecord}); a bad one is skipped,
 * counted with its reason and logged. Thread-safe; {@link #close()} stops the thread.
 */
final class ConsoleFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ConsoleViews views;
  private final RegistryMetrics metrics;
  private final Thread thread;
  private volatile boolean running = true;

  private ConsoleFeed(String bootstrapServers, ConsoleViews views, RegistryMetrics metrics) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "plasticity-registry-console");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "plasticity-registry-console-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000); // topics created after the registry started are seen soon
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.views = views;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "registry-console-feed");
    this.thread.setDaemon(true);
  }

  /** Starts feeding {@code views} from {@code bootstrapServers}. */
  static ConsoleFeed start(String bootstrapServers, ConsoleViews views, RegistryMetrics metrics) {
    ConsoleFeed feed = new ConsoleFeed(bootstrapServers, views, metrics);
    feed.thread.start();
    return feed;
  }

  private void run() {
    try {
      consumer.subscribe(ConsoleViews.TOPICS);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          take(record);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("the console's feed stopped: the trigger log and live accuracy no longer change", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void take(ConsumerRecord<byte[], byte[]> record) {
    metrics.consoleRecord(record.topic());
    Optional<ConsoleViews.Skip> skip = views.apply(record.topic(), record.value());
    skip.ifPresent(s -> {
      metrics.consoleRecordSkipped(record.topic(), s.reason());
      log.warn("console skipped {}-{}@{} ({}): {}", record.topic(), record.partition(), record.offset(),
          s.reason().label(), s.detail());
    });
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
