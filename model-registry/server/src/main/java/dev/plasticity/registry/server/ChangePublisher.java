package dev.plasticity.registry.server;

import dev.plasticity.schemas.AliasAssignment;
import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.ChangeKind;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.RegistryChange;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the registry's changes with an idempotent producer ({@code acks=all}): every change on
 * {@link Topics#REGISTRY_CHANGES}, keyed by model name, and every alias move on the compacted
 * {@link Topics#MODEL_VERSIONS} topic as the version it points at, its {@code alias} field naming
 * the alias and its {@code assignment} the move, keyed by {@link Aliases#topicKey} (a removed
 * alias is a tombstone). The database is the outbox: a change is marked published only after Kafka
 * acknowledged it, and every run publishes the unpublished changes one at a time in the order they
 * were made, stopping at the first failure, so a newer assignment never lands before an older one.
 * Runs happen on one thread: at start, every retry interval, and when a change is recorded.
 * Delivery is at least once (a crash between ack and mark republishes). Thread-safe.
 */
final class ChangePublisher implements ChangeAnnouncer, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangePublisher.class);
  /** How long an upload waits for its champion to be acknowledged before answering anyway. */
  private static final Duration AWAIT_ACK = Duration.ofSeconds(15);

  private final VersionStore store;
  /** The most changes one run reads from the database before it reads again. */
  private static final int BATCH = 500;
  private static final AvroCodec<ModelVersion> VERSIONS = AvroCodec.of(ModelVersion.class);
  private static final AvroCodec<RegistryChange> CHANGES = AvroCodec.of(RegistryChange.class);

  private final Producer<String, byte[]> producer;
  private final ScheduledExecutorService thread;

  ChangePublisher(VersionStore store, String bootstrapServers, Map<String, String> overrides) {
    this.store = store;
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "plasticity-registry");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putAll(overrides);
    props.put(ProducerConfig.ACKS_CONFIG, "all"); // not negotiable: an unacknowledged champion is not published
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
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

  /** Publishes pending changes now and waits (bounded) for the run; failures are left to the retry. */
  @Override
  public void changed(String model) {
    Future<?> run = thread.submit(this::publishPendingQuietly);
    try {
      run.get(AWAIT_ACK.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("a change of {} is stored but not yet acknowledged by Kafka; publishing continues in the background", model);
    } catch (ExecutionException e) {
      log.warn("publishing a change of {} failed; it will be retried", model, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One run: publishes every unpublished change in order; returns how many were published. */
  int publishPending() throws InterruptedException, ExecutionException {
    int published = 0;
    List<RegistryChange> pending;
    do {
      pending = store.unpublishedChanges(BATCH);
      for (RegistryChange change : pending) {
        publish(change);
        store.markPublished(change.getSequence());
        published++;
      }
    } while (pending.size() == BATCH);
    return published;
  }

  private void publish(RegistryChange change) throws InterruptedException, ExecutionException {
    String model = change.getModel();
    if (change.getKind() == ChangeKind.ALIAS_SET || change.getKind() == ChangeKind.ALIAS_REMOVED) {
      String key = Aliases.topicKey(model, change.getAlias());
      byte[] value = null; // a removed alias is a tombstone
      if (change.getKind() == ChangeKind.ALIAS_SET) {
        ModelVersion version = store.version(model, change.getVersion()).orElseThrow(() -> new IllegalStateException(
            "change " + change.getSequence() + " points " + model + "'s alias " + change.getAlias()
                + " at v" + change.getVersion() + ", which is not stored"));
        value = VERSIONS.encode(assigned(version, change));
      }
      producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, key, value)).get();
      log.info("published {} {} -> v{} to {} ({})", model, change.getAlias(), change.getVersion(), Topics.MODEL_VERSIONS,
          change.getKind() == ChangeKind.ALIAS_SET ? change.getCause() : "removed");
    }
    producer.send(new ProducerRecord<>(Topics.REGISTRY_CHANGES, model, CHANGES.encode(change))).get();
  }

  /** The version as the versions topic carries it: under the alias the change set, with the move. */
  static ModelVersion assigned(ModelVersion version, RegistryChange change) {
    return ModelVersion.newBuilder(version)
        .setAlias(change.getAlias())
        .setAssignment(AliasAssignment.newBuilder()
            .setSequence(change.getSequence())
            .setAssignedAt(change.getAt())
            .setActor(change.getActor())
            .setCause(change.getCause())
            .setReason(change.getReason())
            .setPreviousVersion(change.getPreviousVersion())
            .build())
        .build();
  }

  private void publishPendingQuietly() {
    try {
      publishPending();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      log.warn("publishing the registry's changes failed, retrying later: {}", cause.toString());
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
