package dev.plasticity.inference.verify;

import dev.plasticity.inference.verify.LiveVerification.Decision;
import dev.plasticity.registry.client.AliasMove;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroCodec.InvalidPayloadException;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.Topics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live verification as a service: reads {@link Topics#LIVE_OUTCOMES} in its consumer group, feeds
 * each outcome to {@link LiveVerification}, and acts on each watch that ends:
 *
 * <ul>
 *   <li>{@link Verdict#LOST}: asks the registry to roll the champion back ({@link
 *       RegistryClient#rollbackLost}, recorded in the model's history as an automatic rollback with
 *       the test's reason); a 409 means the version judged no longer serves (someone moved the
 *       champion since) or no earlier champion is left: logged, and the watch ends. Other
 *       failures are retried with backoff until the registry answers or the verifier closes.
 *   <li>{@link Verdict#WON}: logged; the champion stays.
 *   <li>{@link Verdict#UNDECIDED} (the cap was reached): logged; the champion stays.
 * </ul>
 *
 * <p>Reads only committed outcomes ({@code read_committed}: the join writes them in transactions)
 * and commits its offsets after acting on what it read; a new group starts at the earliest outcome.
 * The running watches live in memory: after a restart a watch starts over from the first outcome
 * after the committed offset. Outcomes are keyed by model, so the instances of one group split the
 * models and each model's watch runs in one instance.
 *
 * <p>Thread-safe; {@link #close()} is idempotent and waits for the thread to end.
 */
public final class LiveVerifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveVerifier.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration LAST_RETRY = Duration.ofSeconds(30);
  private static final AvroCodec<LiveOutcome> OUTCOMES = AvroCodec.of(LiveOutcome.class);

  private final Consumer<byte[], byte[]> consumer;
  private final RegistryClient registry;
  private final LiveVerification verification;
  private final Thread thread;
  private final Map<Verdict, LongAdder> verdicts = new EnumMap<>(Verdict.class);
  private final LongAdder rollbacks = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private final AtomicLong outcomesRead = new AtomicLong();
  private volatile boolean running = true;

  private LiveVerifier(Consumer<byte[], byte[]> consumer, RegistryClient registry, VerifySettings settings,
      String groupId) {
    this.consumer = consumer;
    this.registry = registry;
    this.verification = new LiveVerification(settings);
    for (Verdict verdict : Verdict.values()) {
      verdicts.put(verdict, new LongAdder()); // filled once here, only read after: safe to share
    }
    this.thread = new Thread(this::run, "plasticity-live-verifier-" + groupId);
    this.thread.setDaemon(true);
  }

  /**
   * Starts verifying, as {@code config} says.
   *
   * @param registry the registry to roll back in; its token must allow writes
   */
  public static LiveVerifier start(String bootstrapServers, VerifyConfig config, RegistryClient registry) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("live verification needs Kafka's bootstrap servers; they were blank");
    }
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.LIVE_OUTCOMES));
    LiveVerifier verifier = start(consumer, registry, config.settings(), config.groupId());
    VerifySettings s = config.settings();
    log.info("live verification started in group {}: Wald SPRT on discordant pairs, alpha {}, beta {}, delta {}, "
        + "at most {} paired events per watch", config.groupId(), s.alpha(), s.beta(), s.delta(), s.maxPairedEvents());
    return verifier;
  }

  /** Starts verifying what {@code consumer} (subscribed or assigned already) reads; for tests with their own consumer. */
  static LiveVerifier start(Consumer<byte[], byte[]> consumer, RegistryClient registry, VerifySettings settings,
      String groupId) {
    LiveVerifier verifier = new LiveVerifier(consumer, registry, settings, groupId);
    verifier.thread.start();
    return verifier;
  }

  /** Watches that ended with {@code verdict} since this instance started. */
  public long verdicts(Verdict verdict) {
    return verdicts.get(verdict).sum();
  }

  /** Rollbacks the registry made at this instance's request. */
  public long rollbacks() {
    return rollbacks.sum();
  }

  /** Live outcomes read. */
  public long outcomesRead() {
    return outcomesRead.get();
  }

  /** Records on the outcomes topic that did not decode; skipped. */
  public long undecodable() {
    return undecodable.sum();
  }

  /** Whether the verifier's thread is running. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          LiveOutcome outcome;
          try {
            outcome = OUTCOMES.decode(record.value());
          } catch (InvalidPayloadException e) {
            undecodable.increment();
            log.warn("skipping a record on {} at partition {} offset {} that is not a LiveOutcome: {}",
                record.topic(), record.partition(), record.offset(), e.getMessage());
            continue;
          }
          outcomesRead.incrementAndGet();
          for (Decision decision : verification.onOutcome(outcome)) {
            act(decision);
          }
        }
        if (running) {
          commit();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("live verification stops: woken up while running", e);
      }
    } catch (RuntimeException e) {
      log.error("live verification stops", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Commits what was read. A commit the group refuses because it rebalanced (this consumer missed
   * {@code max.poll.interval.ms}, say while a rollback was retried against an unreachable registry)
   * does not stop the verifier: the outcomes since the last commit are read again, by whichever
   * instance has their partition now; the watches they ended here stay ended, and a rollback asked
   * twice is refused by the registry (409) the second time.
   */
  private void commit() {
    try {
      consumer.commitSync();
    } catch (CommitFailedException | RebalanceInProgressException e) {
      log.warn("live verification could not commit its offsets, the group rebalanced ({}); the outcomes since the"
          + " last commit will be read again", e.getMessage());
    }
  }

  private void act(Decision decision) {
    LiveVerification.WatchKey watch = decision.watch();
    verdicts.get(decision.verdict()).increment();
    switch (decision.verdict()) {
      case LOST -> rollBack(decision);
      case WON -> log.info("model '{}': champion version {} won its watch against version {}; it stays. {}",
          watch.model(), watch.newVersion(), watch.oldVersion(), decision.reason());
      case UNDECIDED -> log.info("model '{}': the watch of champion version {} against version {} ended without a "
          + "verdict; it stays. {}", watch.model(), watch.newVersion(), watch.oldVersion(), decision.reason());
    }
  }

  private void rollBack(Decision decision) {
    LiveVerification.WatchKey watch = decision.watch();
    String reason = decision.reason();
    Duration backoff = FIRST_RETRY;
    while (running) {
      try {
        AliasMove move = registry.rollbackLost(watch.model(), watch.newVersion(), reason);
        verification.rolledBack(watch, move.version());
        rollbacks.increment();
        log.warn("model '{}': champion version {} lost its watch against version {} and was rolled back. {}",
            watch.model(), watch.newVersion(), watch.oldVersion(), reason);
        return;
      } catch (RegistryException e) {
        if (e.status() == 409) {
          log.info("model '{}': champion version {} lost its watch against version {}, but the registry moved "
              + "nothing (it answered: {}). {}", watch.model(), watch.newVersion(), watch.oldVersion(), e.getMessage(),
              reason);
          return;
        }
        if (e.status() >= 400 && e.status() < 500) {
          log.error("model '{}': champion version {} lost its watch against version {}, and the registry refused "
              + "the rollback: {}. Roll it back by hand. {}", watch.model(), watch.newVersion(), watch.oldVersion(),
              e.getMessage(), reason);
          return;
        }
        log.warn("model '{}': cannot roll back champion version {} yet ({}); retrying in {}", watch.model(),
            watch.newVersion(), e.getMessage(), backoff);
        if (!pause(backoff)) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : backoff.multipliedBy(2);
      }
    }
  }

  /** e.g. {@code live verification running: 1200 outcomes read, verdicts {WON=1, LOST=0, UNDECIDED=0}, 0 rollbacks}. */
  @Override
  public String toString() {
    return "live verification " + (isRunning() ? "running" : "stopped") + ": " + outcomesRead() + " outcomes read, "
        + "verdicts " + verdicts + ", " + rollbacks() + " rollbacks";
  }

  /** Waits {@code wait} or until {@link #close()}; false when interrupted. */
  private synchronized boolean pause(Duration wait) {
    try {
      if (running) {
        wait(wait.toMillis());
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      running = false;
      notifyAll();
    }
    consumer.wakeup();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    log.info("live verification closed: {} outcomes read, verdicts {}, {} rollbacks", outcomesRead(), verdicts,
        rollbacks());
  }
}
