package dev.plasticity.inference;

import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@link Topics#MODEL_VERSIONS} topic and brings every new champion of one
 * model into service through a {@link ModelLoader} (STYLE 4: model updates are a stream).
 *
 * <p>No consumer group: the subscription assigns itself every partition and reads from the
 * beginning ({@code read_committed}), so every replica sees every version, and a replica that
 * starts late still finds the latest champion. Versions are loaded on the subscription's own
 * thread, highest first, and only when newer than the one served; a version that cannot be
 * downloaded now is retried after {@code retryInterval}, a rejected one never.
 *
 * <pre>{@code
 * HotSwapPredictor predictor = new HotSwapPredictor("fraud");
 * ModelLoader loader = new ModelLoader(new RegistryClient(registryUrl), predictor).onSwap(e -> log.info("{}", e));
 * try (ModelSubscription subscription = ModelSubscription.start(bootstrapServers, loader)) {
 *   predictor.predict(features);
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} is idempotent and waits for the thread to end.
 */
public final class ModelSubscription implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelSubscription.class);
  private static final Duration POLL = Duration.ofMillis(200);
  public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(2);

  private final ModelLoader loader;
  private final Consumer<String, ModelVersion> consumer;
  private final Duration retryInterval;
  private final Thread thread;
  /** Announced versions newer than the one served, waiting to be loaded; only touched by {@link #thread}. */
  private final TreeMap<Integer, ModelVersion> pending = new TreeMap<>();
  private volatile boolean running = true;
  private volatile boolean caughtUp;

  private ModelSubscription(ModelLoader loader, Consumer<String, ModelVersion> consumer, Duration retryInterval) {
    this.loader = loader;
    this.consumer = consumer;
    this.retryInterval = retryInterval;
    this.thread = new Thread(this::run, "plasticity-model-subscription-" + loader.model());
    this.thread.setDaemon(true);
  }

  /** Starts following {@link Topics#MODEL_VERSIONS} on the Kafka cluster at {@code bootstrapServers}. */
  public static ModelSubscription start(String bootstrapServers, ModelLoader loader) {
    return start(bootstrapServers, loader, DEFAULT_RETRY_INTERVAL, Map.of());
  }

  /**
   * @param retryInterval wait before retrying a download that failed (registry unreachable)
   * @param consumerOverrides extra Kafka consumer settings (group, offset commit and isolation stay as described above)
   */
  public static ModelSubscription start(String bootstrapServers, ModelLoader loader, Duration retryInterval,
      Map<String, Object> consumerOverrides) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("a model subscription needs Kafka bootstrap servers; they were blank");
    }
    Objects.requireNonNull(loader, "loader");
    if (retryInterval.isNegative() || retryInterval.isZero()) {
      throw new IllegalArgumentException("retryInterval must be positive, was " + retryInterval);
    }
    Map<String, Object> props = new HashMap<>(consumerOverrides);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "plasticity-inference-" + loader.model());
    props.remove(ConsumerConfig.GROUP_ID_CONFIG); // every replica reads every version
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, ModelVersion> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), AvroSerde.of(ModelVersion.class));
    ModelSubscription subscription = new ModelSubscription(loader, consumer, retryInterval);
    subscription.thread.start();
    return subscription;
  }

  /** The model followed. */
  public String model() {
    return loader.model();
  }

  /** Whether the subscription has read the topic up to its end at least once. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Whether the subscription thread is running. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  private void run() {
    try {
      assignAllPartitions();
      long nextAttempt = System.nanoTime();
      while (running) {
        try {
          for (ConsumerRecord<String, ModelVersion> record : consumer.poll(POLL)) {
            offer(record.value());
          }
        } catch (RecordDeserializationException e) {
          log.error("skipping unreadable record at {} offset {}: {}", e.topicPartition(), e.offset(), e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        if (!caughtUp && atEnd()) {
          caughtUp = true;
        }
        if (!pending.isEmpty() && System.nanoTime() - nextAttempt >= 0) {
          nextAttempt = System.nanoTime() + (loadPending() ? 0 : retryInterval.toNanos());
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("model subscription for {} woke up unexpectedly", loader.model(), e);
      }
    } catch (RuntimeException e) {
      log.error("model subscription for {} stopped: {}; the served version stays but no new one will arrive",
          loader.model(), e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void assignAllPartitions() {
    while (running) {
      List<PartitionInfo> partitions = consumer.partitionsFor(Topics.MODEL_VERSIONS, Duration.ofSeconds(10));
      if (partitions != null && !partitions.isEmpty()) {
        List<TopicPartition> assigned = partitions.stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        log.info("following {} ({} partitions) for champions of {}", Topics.MODEL_VERSIONS, assigned.size(), loader.model());
        return;
      }
      log.warn("topic {} has no partitions yet; waiting for it", Topics.MODEL_VERSIONS);
      sleep(retryInterval);
    }
  }

  private void offer(ModelVersion version) {
    if (version == null || !version.getModel().equals(loader.model())) {
      return; // a tombstone, or another model's version
    }
    if (!"champion".equals(version.getAlias())) {
      log.debug("ignoring {} v{}: alias {} is not served", version.getModel(), version.getVersion(), version.getAlias());
      return;
    }
    if (loader.wouldServe(version)) {
      pending.put(version.getVersion(), version);
    }
  }

  /** Tries pending versions, highest first; false when a download failed and should be retried later. */
  private boolean loadPending() {
    while (!pending.isEmpty()) {
      ModelVersion highest = pending.lastEntry().getValue();
      if (loader.wouldServe(highest)) {
        try {
          if (loader.loadAndSwap(highest).isPresent()) {
            pending.clear(); // everything left is older than what is served now
            return true;
          }
        } catch (RegistryException e) {
          log.warn("cannot load {} v{} now, retrying in {}: {}", highest.getModel(), highest.getVersion(),
              retryInterval, e.getMessage());
          return false;
        } catch (RuntimeException e) {
          log.error("loading {} v{} failed, retrying in {}", highest.getModel(), highest.getVersion(), retryInterval, e);
          return false;
        }
      }
      pending.remove(highest.getVersion()); // served by now, stale or rejected: try the next lower one
    }
    return true;
  }

  private boolean atEnd() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5));
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops following the topic; the predictor keeps serving what it serves. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(Duration.ofSeconds(15).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
