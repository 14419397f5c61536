package dev.plasticity.registry.server;

import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces champions on the compacted {@link Topics#MODEL_VERSIONS} topic, keyed by model name,
 * with an idempotent producer ({@code acks=all}). The database is the outbox: a version is marked
 * published only after Kafka acknowledged it, and every run publishes all unpublished champions,
 * one at a time, oldest version first, stopping at the first failure, so a newer champion never
 * lands before an older one. Runs happen on one thread: at start, every retry interval, and when
 * a champion is stored. Delivery is at least once (a crash between ack and mark republishes).
 * Thread-safe.
 */
final class ChampionPublisher implements ChampionAnnouncer, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChampionPublisher.class);
  /** How long an upload waits for its champion to be acknowledged before answering anyway. */
  private static final Duration AWAIT_ACK = Duration.ofSeconds(15);

  private final VersionStore store;
  private final Producer<String, ModelVersion> producer;
  private final ScheduledExecutorService thread;

  ChampionPublisher(VersionStore store, String bootstrapServers, Map<String, String> overrides) {
    this.store = store;
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "plasticity-registry");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putAll(overrides);
    props.put(ProducerConfig.ACKS_CONFIG, "all"); // not negotiable: an unacknowledged champion is not published
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(ModelVersion.class));
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "registry-champion-publisher");
      t.setDaemon(true);
      return t;
    });
  }

  /** Publishes what is pending now, then retries every {@code interval}. */
  void start(Duration interval) {
    thread.scheduleWithFixedDelay(this::publishPendingQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Publishes pending champions now and waits (bounded) for the run; failures are left to the retry. */
  @Override
  public void championStored(ModelVersion version) {
    Future<?> run = thread.submit(this::publishPendingQuietly);
    try {
      run.get(AWAIT_ACK.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("{} v{} is stored but not yet acknowledged by Kafka; publishing continues in the background",
          version.getModel(), version.getVersion());
    } catch (ExecutionException e) {
      log.warn("publishing {} v{} failed; it will be retried", version.getModel(), version.getVersion(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One run: publishes every unpublished champion in order; returns how many were published. */
  int publishPending() throws InterruptedException, ExecutionException {
    List<ModelVersion> pending = store.unpublishedChampions();
    int published = 0;
    for (ModelVersion version : pending) {
      producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, version.getModel(), version)).get();
      store.markPublished(version.getModel(), version.getVersion());
      published++;
      log.info("published champion {} v{} to {}", version.getModel(), version.getVersion(), Topics.MODEL_VERSIONS);
    }
    return published;
  }

  private void publishPendingQuietly() {
    try {
      publishPending();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      log.warn("publishing champions to {} failed, retrying later: {}", Topics.MODEL_VERSIONS, cause.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
