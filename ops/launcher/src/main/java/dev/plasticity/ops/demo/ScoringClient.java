package dev.plasticity.ops.demo;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's stand-in for a user's application, talking to Plasticity through Kafka only: it
 * publishes each event as an {@link UnlabelledEvent} (keyed by event id, Avro-encoded), reads the
 * scoring app's {@link Prediction} for it from {@link Topics#PREDICTIONS}, tells a listener, and
 * publishes the event's {@link Label} {@code labelDelay} later. It measures each event's latency
 * from publishing to reading its prediction.
 *
 * <p>Event {@code i} is {@code <model>-<i>} with event time {@code t0 + i} ms. The application's
 * clock runs on the same scale: a label's time is {@code t0} plus the events published when it is
 * sent, so a label is always later than the event and the prediction it is about (the label join
 * reads its inputs in timestamp order).
 *
 * <p>Thread-safe: events are published from one thread while predictions arrive on another.
 */
final class ScoringClient implements AutoCloseable {
  /** What the application learns of each event it published. */
  interface Listener {
    /** The scoring app answered {@code example} with {@code prediction}, {@code latencyNanos} after it was published. */
    void answered(SeaStream.Example example, Prediction prediction, long latencyNanos);
  }

  /** An event published and not yet answered. */
  private record Pending(SeaStream.Example example, long sentNanos) {}

  private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
  private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);

  private final String model;
  private final long t0;
  private final Duration labelDelay;
  private final Listener listener;
  private final KafkaProducer<String, byte[]> producer;
  private final ScheduledExecutorService labeller;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong published = new AtomicLong();
  private final LatencySample latency = new LatencySample();
  private final PredictionFeed feed;

  ScoringClient(String bootstrapServers, String model, long t0, Duration labelDelay, Listener listener) {
    this.model = model;
    this.t0 = t0;
    this.labelDelay = labelDelay;
    this.listener = listener;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    labeller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "demo-labels");
      thread.setDaemon(true);
      return thread;
    });
    feed = new PredictionFeed(bootstrapServers, this::onPrediction);
  }

  /** Publishes {@code example} to be scored; its label follows its prediction. */
  void publish(SeaStream.Example example) {
    pending.put(example.index(), new Pending(example, System.nanoTime()));
    send(example);
  }

  /**
   * Publishes {@code example} when nothing can score it yet (no version exists), and its label at
   * once: the join labels it from the event alone.
   */
  void publishUnscored(SeaStream.Example example) {
    send(example);
    label(example);
  }

  /** Events published so far. */
  long published() {
    return published.get();
  }

  /** Events published with {@link #publish} and not answered yet. */
  int unanswered() {
    return pending.size();
  }

  /** End-to-end latencies: publishing an event to reading its prediction. */
  LatencySample latency() {
    return latency;
  }

  void flush() {
    producer.flush();
  }

  /**
   * Publishes no more: waits until every event is answered or {@code deadline} (a {@link
   * System#nanoTime()}) passes, then sends the labels already due and flushes.
   *
   * @return the events left unanswered
   */
  long drain(long deadline) throws InterruptedException {
    producer.flush();
    while (!pending.isEmpty() && System.nanoTime() < deadline && feed.failure().isEmpty()) {
      Thread.sleep(50);
    }
    long unanswered = pending.size();
    labeller.shutdown(); // still runs the labels already scheduled
    labeller.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    producer.flush();
    return unanswered;
  }

  private void send(SeaStream.Example example) {
    UnlabelledEvent event = UnlabelledEvent.newBuilder()
        .setEventId(eventId(example.index()))
        .setModel(model)
        .setEventTime(t0 + example.index())
        .setFeatures(example.features())
        .build();
    producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, null, event.getEventTime(), event.getEventId(),
        EVENTS.encode(event)));
    published.incrementAndGet();
  }

  private void label(SeaStream.Example example) {
    Label label = Label.newBuilder().setEventId(eventId(example.index())).setModel(model)
        .setLabel(example.label()).setLabelTime(t0 + published.get()).build();
    producer.send(new ProducerRecord<>(Topics.LABELS, null, label.getLabelTime(), label.getEventId(),
        LABELS.encode(label)));
  }

  private void onPrediction(Prediction prediction) {
    if (!prediction.getModel().equals(model) || !prediction.getServed()) {
      return; // another model's, or a shadow's or previous champion's prediction: not the answer
    }
    Pending sent = pending.remove(index(prediction.getEventId()));
    if (sent == null) {
      return; // not published by this client to be scored, or a repeat
    }
    long latencyNanos = System.nanoTime() - sent.sentNanos();
    latency.record(latencyNanos);
    listener.answered(sent.example(), prediction, latencyNanos);
    try {
      labeller.schedule(() -> label(sent.example()), labelDelay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // drained already: the event stays unlabelled, and was counted unanswered
    }
  }

  private String eventId(long index) {
    return model + "-" + index;
  }

  /** The index in an event id this client made, or -1 for another's. */
  private static long index(String eventId) {
    int dash = eventId.lastIndexOf('-');
    try {
      return dash < 0 ? -1 : Long.parseLong(eventId.substring(dash + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      feed.close();
    } finally {
      labeller.shutdownNow();
      producer.close(Duration.ofSeconds(10));
    }
  }
}
