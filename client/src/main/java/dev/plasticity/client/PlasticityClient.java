package dev.plasticity.client;

import dev.plasticity.inference.Prediction;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plasticity from a Java service: serve a model in this JVM and send the stream it learns from.
 *
 * <pre>{@code
 * try (PlasticityClient plasticity = PlasticityClient.connect("localhost:9092", URI.create("http://localhost:8081"))) {
 *   ServedModel fraud = plasticity.model("fraud");
 *   fraud.awaitFirstVersion(Duration.ofMinutes(1));
 *   Map<String, Double> features = Map.of("amount", 129.0, "hour", 23.0);
 *   Prediction prediction = fraud.predict(features);       // prediction.modelVersion() made it
 *   plasticity.publishEvent(Event.of("fraud", "tx-1842", Instant.now(), features));
 *   // later, once the truth about tx-1842 is known:
 *   plasticity.publishLabel("fraud", "tx-1842", 1);
 * }
 * }</pre>
 *
 * <p>What is sent, keyed and stamped how, is the event contract (docs/contract.md): {@link
 * #publishEvent} writes an {@code UnlabelledEvent} to {@value Topics#EVENTS_UNLABELLED} and {@link
 * #publishLabel} a {@code Label} to {@value Topics#LABELS}, for the scoring app and the label join
 * ({@code plasticity scoring}) to make the labelled event with the prediction and version that
 * concept drift needs; a service that runs neither sends that labelled event itself with {@link
 * #publishLabelled}. Records are keyed by event id and stamped with the event's time (a label with
 * the time it became known).
 *
 * <p>Thread-safe. {@link #close()} closes every served model and flushes what was published.
 */
public final class PlasticityClient implements AutoCloseable {
  private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
  private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);
  private static final AvroCodec<LabelledEvent> LABELLED = AvroCodec.of(LabelledEvent.class);

  private final String bootstrapServers;
  private final RegistryClient registry;
  private final Map<String, Object> kafkaSettings;
  private final Producer<String, byte[]> producer;
  private final Clock clock;
  private final Map<String, ServedModel> models = new ConcurrentHashMap<>();
  private volatile boolean closed;

  PlasticityClient(String bootstrapServers, RegistryClient registry, Map<String, Object> kafkaSettings,
      Producer<String, byte[]> producer, Clock clock) {
    this.bootstrapServers = bootstrapServers;
    this.registry = registry;
    this.kafkaSettings = kafkaSettings;
    this.producer = producer;
    this.clock = clock;
  }

  /** Connects to the Kafka cluster at {@code bootstrapServers} and the registry at {@code registryUrl}. */
  public static PlasticityClient connect(String bootstrapServers, URI registryUrl) {
    return connect(bootstrapServers, registryUrl, null, Map.of());
  }

  /** As {@link #connect(String, URI)}, with the registry's bearer token (null when it needs none). */
  public static PlasticityClient connect(String bootstrapServers, URI registryUrl, String registryToken) {
    return connect(bootstrapServers, registryUrl, registryToken, Map.of());
  }

  /**
   * As {@link #connect(String, URI, String)}, with Kafka client settings for the producer and the
   * version subscriptions (e.g. {@code security.protocol}, {@code sasl.*}, {@code ssl.*}).
   *
   * @throws IllegalArgumentException when the bootstrap servers are blank or the registry URL is missing
   */
  public static PlasticityClient connect(String bootstrapServers, URI registryUrl, String registryToken,
      Map<String, Object> kafkaSettings) {
    Event.requireText(bootstrapServers, "bootstrapServers (Kafka's host:port list)");
    if (registryUrl == null) {
      throw new IllegalArgumentException("registryUrl must be the registry's base URL, e.g. http://localhost:8081");
    }
    Map<String, Object> settings = Map.copyOf(Objects.requireNonNull(kafkaSettings, "kafkaSettings"));
    Map<String, Object> producerSettings = new HashMap<>(settings);
    producerSettings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerSettings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "plasticity-client");
    producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
    producerSettings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    Producer<String, byte[]> producer =
        new KafkaProducer<>(producerSettings, new StringSerializer(), new ByteArraySerializer());
    return new PlasticityClient(bootstrapServers, new RegistryClient(registryUrl, Duration.ofSeconds(30), registryToken),
        settings, producer, Clock.systemUTC());
  }

  /**
   * The model {@code name}, served in this JVM from now on: the first call subscribes to its
   * versions (and loads the champion, if it has one, in the background); later calls return the same
   * {@link ServedModel}.
   */
  public ServedModel model(String name) {
    Event.requireText(name, "model name");
    checkOpen();
    return models.computeIfAbsent(name, n -> ServedModel.subscribe(n, bootstrapServers, registry, kafkaSettings));
  }

  /**
   * Sends {@code event} to be scored: an {@code UnlabelledEvent} on {@value Topics#EVENTS_UNLABELLED},
   * keyed by the event id, stamped with the event time.
   *
   * @return completes once the broker has the record, or exceptionally with why not
   */
  public CompletableFuture<Void> publishEvent(Event event) {
    UnlabelledEvent record = UnlabelledEvent.newBuilder().setEventId(event.id()).setModel(event.model())
        .setEventTime(event.time().toEpochMilli()).setFeatures(event.features()).setCategorical(event.categorical())
        .build();
    return send(Topics.EVENTS_UNLABELLED, record.getEventTime(), record.getEventId(), EVENTS.encode(record));
  }

  /**
   * Sends the true class of the event {@code eventId} of {@code model}, now known: a {@code Label}
   * on {@value Topics#LABELS}, keyed by the event id, stamped with now. When this client serves
   * {@code model} ({@link #model}), the label is also handed to it, so that a version that reads its
   * stream's recent labels as inputs sees it in the order this service learns them.
   *
   * @param label the class index, 0 or more
   */
  public CompletableFuture<Void> publishLabel(String model, String eventId, int label) {
    Event.requireText(model, "model");
    Event.requireText(eventId, "eventId");
    requireClass(label);
    ServedModel served = models.get(model);
    if (served != null) {
      served.recordLabel(label);
    }
    Label record = Label.newBuilder().setEventId(eventId).setModel(model).setLabel(label)
        .setLabelTime(clock.millis()).build();
    return send(Topics.LABELS, record.getLabelTime(), eventId, LABELS.encode(record));
  }

  /**
   * Sends {@code event} with its true class and the prediction this service made for it, for a
   * service that runs no scoring app and label join: a {@code LabelledEvent} on {@value
   * Topics#EVENTS_LABELLED}, keyed by the event id, stamped with the event time. The drift job
   * watches it and the trainer learns from it; with the prediction's class and version it can also
   * see concept drift (a rising error rate).
   *
   * @param prediction what {@link ServedModel#predict} answered for the event; null when none was made
   */
  public CompletableFuture<Void> publishLabelled(Event event, int label, Prediction prediction) {
    requireClass(label);
    LabelledEvent record = LabelledEvent.newBuilder().setEventId(event.id()).setModel(event.model())
        .setEventTime(event.time().toEpochMilli()).setFeatures(event.features()).setCategorical(event.categorical())
        .setLabel(label)
        .setPrediction(prediction == null ? null : prediction.label())
        .setPredictionVersion(prediction == null ? null : prediction.modelVersion())
        .build();
    ServedModel served = models.get(event.model());
    if (served != null) {
      served.recordLabel(label);
    }
    return send(Topics.EVENTS_LABELLED, record.getEventTime(), record.getEventId(), LABELLED.encode(record));
  }

  private static void requireClass(int label) {
    if (label < 0) {
      throw new IllegalArgumentException("a label is a class index, 0 or more; got " + label);
    }
  }

  private CompletableFuture<Void> send(String topic, long timestamp, String key, byte[] value) {
    checkOpen();
    CompletableFuture<Void> sent = new CompletableFuture<>();
    producer.send(new ProducerRecord<>(topic, null, timestamp, key, value), (metadata, e) -> {
      if (e == null) {
        sent.complete(null);
      } else {
        sent.completeExceptionally(e);
      }
    });
    return sent;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this PlasticityClient is closed");
    }
  }

  /** Closes every served model, then flushes and closes the producer. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      models.values().forEach(ServedModel::close);
    } finally {
      producer.close(Duration.ofSeconds(30));
    }
  }
}
