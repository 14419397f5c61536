package dev.plasticity.inference;

import dev.plasticity.schemas.Aliases;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DeadLetters;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@link Topics#MODEL_VERSIONS} topic and brings every new champion of one
 * model into service through a {@link ModelLoader} (STYLE 4: model updates are a stream); started
 * with a loader per {@link AliasRole}, it follows the challenger and the shadow too, each alias
 * into its own loader (records of other aliases are skipped). A removed alias (a tombstone under
 * its key, {@link Aliases#topicKey}) stops its version from scoring.
 *
 * <p>No consumer group: the subscription assigns itself every partition and reads from the
 * beginning ({@code read_committed}), so every replica sees every version, and a replica that
 * starts late still finds the latest champion. Versions are loaded on the subscription's own
 * thread, highest first, and only when newer than the one served; a version that cannot be
 * downloaded now is retried after {@code retryInterval}, a rejected one never (rejections the
 * registry did not take yet are reported again, first after {@code retryInterval}, then at doubling
 * intervals up to five minutes).
 *
 * <p>Records are read as bytes and decoded with {@link AvroCodec} (so its size limits apply). A
 * record that cannot be decoded is never skipped silently: it is counted
 * ({@link #undecodableRecords()}), its cause is logged, and it goes to {@link Topics#EVENTS_DLQ} as
 * a {@link DeadLetter} with its original bytes and the reason. Every subscription reads the whole
 * topic, so each replica (and each restart) dead-letters a bad record again: readers of the
 * dead-letter topic recognise one record by its source topic, partition and offset.
 *
 * <p>If the subscription's thread dies (any {@link Throwable}, an {@link Error} included), the
 * failure is kept ({@link #failure()}), logged at ERROR and handed to {@link #onFailure} listeners;
 * the served version keeps serving but no new one will arrive.
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
  static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(2);
  /** The longest wait between two attempts to report the same rejections to a registry that refuses them. */
  static final Duration MAX_REPORT_BACKOFF = Duration.ofMinutes(5);
  private static final AvroCodec<ModelVersion> VERSIONS = AvroCodec.of(ModelVersion.class);
  private static final AvroCodec<DeadLetter> LETTERS = AvroCodec.of(DeadLetter.class);

  private final String model;
  /** The loader of each alias followed and its announced assignments waiting to be loaded. */
  private final Map<AliasRole, Followed> followed;
  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> deadLetterProducer;
  private final Duration retryInterval;
  private final Clock clock;
  private final Thread thread;
  /**
   * One alias followed: its loader, and its announced assignments newer than the one served ({@link
   * Aliases#ORDER}: a rollback's older version under a newer assignment is newer), waiting to be
   * loaded; {@code pending} is only touched by {@link #thread}.
   */
  private record Followed(AliasRole role, ModelLoader loader, java.util.TreeSet<ModelVersion> pending) {
    Followed(AliasRole role, ModelLoader loader) {
      this(role, loader, new java.util.TreeSet<>(Aliases.ORDER));
    }
  }
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final List<java.util.function.Consumer<Throwable>> failureListeners = new ArrayList<>();
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
  private volatile Throwable failure;

  private ModelSubscription(String model, Map<AliasRole, Followed> followed, Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> deadLetterProducer, Duration retryInterval, Clock clock) {
    this.model = model;
    this.followed = followed;
    this.consumer = consumer;
    this.deadLetterProducer = deadLetterProducer;
    this.retryInterval = retryInterval;
    this.clock = clock;
    this.thread = new Thread(this::run, "plasticity-model-subscription-" + model);
    this.thread.setDaemon(true);
  }

  /** Starts following {@link Topics#MODEL_VERSIONS} on the Kafka cluster at {@code bootstrapServers}. */
  public static ModelSubscription start(String bootstrapServers, ModelLoader loader) {
    return start(bootstrapServers, loader, DEFAULT_RETRY_INTERVAL, Map.of());
  }

  /**
   * @param retryInterval wait before retrying a download that failed (registry unreachable)
   * @param consumerOverrides extra Kafka consumer settings (group, offset commit and isolation stay
   *     as described above); its {@code security.*}, {@code sasl.*} and {@code ssl.*} settings also
   *     apply to the producer of dead letters
   */
  public static ModelSubscription start(String bootstrapServers, ModelLoader loader, Duration retryInterval,
      Map<String, Object> consumerOverrides) {
    return start(bootstrapServers, Map.of(AliasRole.CHAMPION, Objects.requireNonNull(loader, "loader")), retryInterval,
        consumerOverrides);
  }

  /** Follows each alias of {@code loaders} into its loader; see {@link #start(String, Map, Duration, Map)}. */
  public static ModelSubscription start(String bootstrapServers, Map<AliasRole, ModelLoader> loaders) {
    return start(bootstrapServers, loaders, DEFAULT_RETRY_INTERVAL, Map.of());
  }

  /**
   * Follows each alias of {@code loaders} into its loader (all of one model; the champion's is
   * required), as {@link #start(String, ModelLoader, Duration, Map)} follows the champion.
   *
   * @throws IllegalArgumentException when there is no champion loader, one for {@link
   *     AliasRole#PREVIOUS} (not a registry alias), or loaders of different models
   */
  public static ModelSubscription start(String bootstrapServers, Map<AliasRole, ModelLoader> loaders,
      Duration retryInterval, Map<String, Object> consumerOverrides) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("a model subscription needs Kafka bootstrap servers; they were blank");
    }
    ModelLoader loader = loaders.get(AliasRole.CHAMPION);
    if (loader == null) {
      throw new IllegalArgumentException("a model subscription follows the champion at least; loaders were given for "
          + loaders.keySet());
    }
    if (loaders.containsKey(AliasRole.PREVIOUS)) {
      throw new IllegalArgumentException("'previous' is not a registry alias to follow; follow champion, challenger"
          + " or shadow");
    }
    Map<AliasRole, Followed> followed = new java.util.EnumMap<>(AliasRole.class);
    loaders.forEach((role, each) -> {
      if (!each.model().equals(loader.model())) {
        throw new IllegalArgumentException("a model subscription follows one model's aliases; got loaders of "
            + loader.model() + " and " + each.model());
      }
      followed.put(role, new Followed(role, each));
    });
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

    Map<String, Object> producerProps = new HashMap<>();
    consumerOverrides.forEach((key, value) -> {
      if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
        producerProps.put(key, value);
      }
    });
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "plasticity-inference-dead-letters-" + loader.model());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);

    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> producer;
    try {
      producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
    ModelSubscription subscription = new ModelSubscription(loader.model(), followed, consumer, producer, retryInterval,
        Clock.systemUTC());
    subscription.thread.start();
    return subscription;
  }

  /** The model followed. */
  public String model() {
    return model;
  }

  /** Whether the subscription has read the topic up to its end at least once. */
  boolean caughtUp() {
    return caughtUp;
  }

  /**
   * Waits until the subscription has read the versions topic to its end once and tried to load the
   * newest champion it found there (served, or its download failed and will be retried), or has
   * failed, for at most {@code timeout}. A service that answers requests should not take any before
   * this: it would answer "no version yet" for a model that has one.
   *
   * @return whether that point was reached in time (false: the topic or the registry is slow)
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Whether the subscription thread is running: false once closed or failed. */
  public boolean isRunning() {
    return failure == null && thread.isAlive();
  }

  /** Why the subscription's thread died, if it did; empty while running and after a normal close. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Calls {@code listener} (on the dying thread) if the subscription fails; at once if it has
   * failed already. A listener must not block.
   */
  public ModelSubscription onFailure(java.util.function.Consumer<Throwable> listener) {
    Objects.requireNonNull(listener, "listener");
    Throwable failed;
    synchronized (failureListeners) {
      failureListeners.add(listener);
      failed = failure;
    }
    if (failed != null) {
      listener.accept(failed);
    }
    return this;
  }

  /** Records on the versions topic that could not be decoded (each one is dead-lettered). */
  long undecodableRecords() {
    return undecodable.get();
  }

  /** Dead letters the broker acknowledged. */
  public long deadLetters() {
    return deadLettered.get();
  }

  private void run() {
    try {
      assignAllPartitions();
      long nextAttempt = System.nanoTime();
      long nextReport = System.nanoTime();
      long reportBackoff = retryInterval.toNanos(); // doubles while the registry keeps refusing, up to MAX_REPORT_BACKOFF
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          if (record.value() == null) {
            removed(record.key());
            continue;
          }
          ModelVersion version;
          try {
            version = VERSIONS.decode(record.value());
          } catch (RuntimeException e) {
            deadLetter(record, e);
            continue;
          }
          offer(version);
        }
        if (!caughtUp && atEnd()) {
          caughtUp = true;
        }
        if (anyPending() && System.nanoTime() - nextAttempt >= 0) {
          nextAttempt = System.nanoTime() + (loadPending() ? 0 : retryInterval.toNanos());
          nextReport = System.nanoTime() + retryInterval.toNanos(); // a load just sent pending reports
        }
        if (caughtUp) { // the first time: what the topic held at the start has been offered and tried
          ready.countDown();
        }
        if (followed.values().stream().allMatch(f -> f.loader().pendingRejectionReports() == 0)) {
          reportBackoff = retryInterval.toNanos();
        } else if (System.nanoTime() - nextReport >= 0) {
          followed.values().forEach(f -> f.loader().retryRejectionReports());
          reportBackoff = Math.min(reportBackoff * 2, Math.max(MAX_REPORT_BACKOFF.toNanos(), retryInterval.toNanos()));
          nextReport = System.nanoTime() + reportBackoff;
        }
      }
    } catch (WakeupException e) {
      if (running) {
        fail(e);
      }
    } catch (Throwable t) { // an Error too: a dead thread must never be silent
      fail(t);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("closing the consumer of {} failed: {}", Topics.MODEL_VERSIONS, e.toString());
      }
      try {
        deadLetterProducer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("closing the dead-letter producer failed: {}", e.toString());
      }
    }
  }

  private void fail(Throwable t) {
    ready.countDown(); // nobody waits for a subscription that will never be ready
    List<java.util.function.Consumer<Throwable>> listeners;
    synchronized (failureListeners) {
      failure = t;
      listeners = List.copyOf(failureListeners);
    }
    try {
      log.error("model subscription for {} died ({}); {} keeps serving but no new version will be served",
          model, t, champion().servedVersionDescription(), t);
    } catch (Throwable logging) {
      // out of memory, perhaps: the failure is still recorded and the listeners still hear of it
    }
    for (java.util.function.Consumer<Throwable> listener : listeners) {
      try {
        listener.accept(t);
      } catch (Throwable e) {
        log.warn("failure listener {} failed: {}", listener, e.toString());
      }
    }
  }

  /** Counts, logs and dead-letters a record that could not be decoded; the subscription goes on. */
  private void deadLetter(ConsumerRecord<byte[], byte[]> record, RuntimeException cause) {
    undecodable.incrementAndGet();
    String reason = Objects.toString(cause.getMessage(), cause.toString());
    log.error("undecodable record on {}-{} at offset {} ({} bytes), sent to {}: {}", record.topic(),
        record.partition(), record.offset(), record.value().length, Topics.EVENTS_DLQ, reason);
    DeadLetter letter = DeadLetters.of(record, reason, clock.millis());
    try {
      deadLetterProducer.send(new ProducerRecord<>(Topics.EVENTS_DLQ, record.key(), LETTERS.encode(letter)),
          (metadata, e) -> {
            if (e == null) {
              deadLettered.incrementAndGet();
            } else {
              notDeadLettered(record, e);
            }
          });
    } catch (RuntimeException e) { // e.g. no broker metadata within max.block.ms: the subscription goes on
      notDeadLettered(record, e);
    }
  }

  private static void notDeadLettered(ConsumerRecord<byte[], byte[]> record, Exception e) {
    log.error("could not dead-letter the record at {}-{} offset {} to {}; it stays only on its topic: {}",
        record.topic(), record.partition(), record.offset(), Topics.EVENTS_DLQ, e.toString());
  }

  private void assignAllPartitions() {
    while (running) {
      List<PartitionInfo> partitions = consumer.partitionsFor(Topics.MODEL_VERSIONS, Duration.ofSeconds(10));
      if (partitions != null && !partitions.isEmpty()) {
        List<TopicPartition> assigned = partitions.stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        log.info("following {} ({} partitions) for the {} of {}", Topics.MODEL_VERSIONS, assigned.size(),
            followed.keySet(), model);
        return;
      }
      log.warn("topic {} has no partitions yet; waiting for it", Topics.MODEL_VERSIONS);
      sleep(retryInterval);
    }
  }

  private ModelLoader champion() {
    return followed.get(AliasRole.CHAMPION).loader();
  }

  private boolean anyPending() {
    return followed.values().stream().anyMatch(f -> !f.pending().isEmpty());
  }

  private void offer(ModelVersion version) {
    if (!version.getModel().equals(model)) {
      return; // another model's version
    }
    Followed alias = AliasRole.ofRegistryAlias(version.getAlias()).map(followed::get).orElse(null);
    if (alias == null) {
      log.debug("ignoring {} v{}: alias {} is not followed here", version.getModel(), version.getVersion(),
          version.getAlias());
      return;
    }
    if (alias.loader().wouldServe(version)) {
      alias.pending().remove(version); // an equal assignment announced again replaces the one waiting
      alias.pending().add(version);
    }
  }

  /** A tombstone: when its key names an alias followed here ({@code model@alias}), that alias was removed. */
  private void removed(byte[] key) {
    if (key == null) {
      return;
    }
    String name = new String(key, java.nio.charset.StandardCharsets.UTF_8);
    for (Followed alias : followed.values()) {
      if (alias.role() != AliasRole.CHAMPION && name.equals(Aliases.topicKey(model, alias.role().alias()))) {
        alias.pending().clear();
        alias.loader().unserve();
      }
    }
  }

  /** Tries each alias's pending versions; false when a download failed and should be retried later. */
  private boolean loadPending() {
    boolean done = true;
    for (Followed alias : followed.values()) {
      done &= loadPending(alias.loader(), alias.pending());
    }
    return done;
  }

  /** Tries pending versions, newest assignment first; false when a download failed and should be retried later. */
  private boolean loadPending(ModelLoader loader, java.util.TreeSet<ModelVersion> pending) {
    while (!pending.isEmpty()) {
      ModelVersion highest = pending.last();
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
      pending.remove(highest); // served by now, stale or rejected: try the next older assignment
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
