package dev.plasticity.ops.replay;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DeadLetters;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingProgress;
import dev.plasticity.schemas.UnlabelledEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The replay's Kafka side, as a user's application would do it: it sends each row as an {@link
 * UnlabelledEvent} (keyed by event id, the event time as the record's timestamp), reads the scoring
 * app's {@link Prediction} or dead letter for it, sends its {@link Label} when the {@link
 * LabelDelay} allows, and counts the {@link LabelledEvent}s the join writes for its rows. It also
 * reads the model's drift triggers, training progress and versions, and hands all of it to a
 * {@link Listener} on its reader thread. Bad rows go to {@link Topics#EVENTS_DLQ} as dead letters.
 *
 * <p>Every topic is read from its end as it was when the traffic started (committed records only),
 * so a replay sees its own run. Thread-safe.
 */
final class ReplayTraffic implements AutoCloseable {
  /** What the replay learns, on the reader thread. */
  interface Listener {
    void predicted(long seq, ReplayRow.Event event, Prediction prediction);

    void failed(long seq, ReplayRow.Event event, String reason);

    void trigger(DriftTrigger trigger);

    void version(ModelVersion version);

    void progress(TrainingProgress progress);
  }

  /** A live row sent and not answered yet. */
  private record Pending(long seq, ReplayRow.Event event, long sentNanos) {}

  /** The scoring app's reason for an event of a model it has no version of yet. */
  private static final String NOT_LOADED_YET = dev.plasticity.inference.scoring.DeadLetterRule.NO_VERSION_SERVED.id();
  /** Sends of one row again while the scoring app loads the first version: 30 s in all. */
  static final int MAX_RESENDS = 150;
  private static final Duration RESEND_AFTER = Duration.ofMillis(200);

  private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
  private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);
  private static final AvroCodec<Prediction> PREDICTIONS = AvroCodec.of(Prediction.class);
  private static final AvroCodec<DeadLetter> LETTERS = AvroCodec.of(DeadLetter.class);
  private static final AvroCodec<LabelledEvent> LABELLED = AvroCodec.of(LabelledEvent.class);
  private static final AvroCodec<DriftTrigger> TRIGGERS = AvroCodec.of(DriftTrigger.class);
  private static final AvroCodec<TrainingProgress> PROGRESS = AvroCodec.of(TrainingProgress.class);
  private static final AvroCodec<ModelVersion> VERSIONS = AvroCodec.of(ModelVersion.class);

  private final String model;
  private final String source;
  private final LabelDelay delay;
  private final Listener listener;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread reader;
  private final ScheduledExecutorService labeller;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Set<String> sent = ConcurrentHashMap.newKeySet();
  private final Set<String> joined = ConcurrentHashMap.newKeySet();
  private final TreeMap<Long, ReplayRow.Event> awaitingDelay = new TreeMap<>();
  private final AtomicLong labelsSent = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private final Map<String, Integer> resends = new ConcurrentHashMap<>();
  private final AtomicLong resent = new AtomicLong();
  private volatile long newestEventTime = Long.MIN_VALUE;
  private long lastSeq = -1;
  private volatile Throwable failure;

  /**
   * @param source where bad rows come from, as their dead letters name it (e.g. {@code csv:loans.csv})
   */
  ReplayTraffic(String bootstrapServers, String model, String source, LabelDelay delay, Listener listener) {
    this.model = model;
    this.source = source;
    this.delay = delay;
    this.listener = listener;
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(Topics.PREDICTIONS, Topics.EVENTS_DLQ, Topics.EVENTS_LABELLED, Topics.DRIFT_TRIGGERS,
        Topics.TRAINING_PROGRESS, Topics.MODEL_VERSIONS)) {
      consumer.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fixes the start before anything is sent
    labeller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "replay-labels");
      thread.setDaemon(true);
      return thread;
    });
    reader = new Thread(this::read, "replay-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Sends a row no version can score yet straight to {@link Topics#EVENTS_LABELLED}, labelled and
   * without a prediction, as the join would write it: there is nothing to score it with, so neither
   * the scoring app (which would dead-letter it) nor the join's wait for a prediction has a part in
   * it, and a first version can be trained from it at once, on the embedded stack or a running one.
   */
  void sendUnscored(ReplayRow.Event row) {
    LabelledEvent event = LabelledEvent.newBuilder()
        .setEventId(row.eventId()).setModel(model).setEventTime(row.eventTime())
        .setFeatures(row.features()).setCategorical(row.categorical()).setLabel(row.label())
        .setPrediction(null).setPredictionVersion(null).build();
    sent.add(row.eventId());
    newestEventTime = Math.max(newestEventTime, row.eventTime());
    producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, null, row.eventTime(), row.eventId(),
        LABELLED.encode(event)));
    labelsSent.incrementAndGet();
  }

  /** Sends a row to be scored; its label follows its prediction after the delay. */
  void sendLive(long seq, ReplayRow.Event event) {
    pending.put(event.eventId(), new Pending(seq, event, System.nanoTime()));
    send(event);
    if (delay instanceof LabelDelay.Rows rows) {
      List<ReplayRow.Event> due = new ArrayList<>();
      synchronized (awaitingDelay) {
        lastSeq = seq;
        while (!awaitingDelay.isEmpty() && awaitingDelay.firstKey() <= seq - rows.rows()) {
          due.add(awaitingDelay.pollFirstEntry().getValue());
        }
      }
      due.forEach(this::label);
    }
  }

  /** Sends a bad row to the dead-letter topic with its reason. */
  void deadLetter(ReplayRow.Bad bad) {
    DeadLetter letter = DeadLetters.of(source, -1, bad.line(), model.getBytes(StandardCharsets.UTF_8),
        bad.text().getBytes(StandardCharsets.UTF_8), "bad-row: " + bad.message(), System.currentTimeMillis());
    producer.send(new ProducerRecord<>(Topics.EVENTS_DLQ, model, LETTERS.encode(letter)));
  }

  private void send(ReplayRow.Event row) {
    UnlabelledEvent event = UnlabelledEvent.newBuilder()
        .setEventId(row.eventId()).setModel(model).setEventTime(row.eventTime())
        .setFeatures(row.features()).setCategorical(row.categorical()).build();
    sent.add(row.eventId());
    newestEventTime = Math.max(newestEventTime, row.eventTime());
    producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, null, row.eventTime(), row.eventId(),
        EVENTS.encode(event)));
  }

  private void label(ReplayRow.Event row) {
    long labelTime = Math.max(row.eventTime(), newestEventTime);
    Label label = Label.newBuilder().setEventId(row.eventId()).setModel(model).setLabel(row.label())
        .setLabelTime(labelTime).build();
    producer.send(new ProducerRecord<>(Topics.LABELS, null, labelTime, row.eventId(), LABELS.encode(label)));
    labelsSent.incrementAndGet();
  }

  /** A live row was answered (predicted or dead-lettered): its label is due after the delay. */
  private void answered(Pending row) {
    if (delay instanceof LabelDelay.Rows rows) {
      boolean now;
      synchronized (awaitingDelay) {
        now = row.seq() <= lastSeq - rows.rows();
        if (!now) {
          awaitingDelay.put(row.seq(), row.event());
        }
      }
      if (now) {
        label(row.event());
      }
    } else {
      long wait = Math.max(0, row.sentNanos() + ((LabelDelay.Time) delay).delay().toNanos() - System.nanoTime());
      try {
        labeller.schedule(() -> label(row.event()), wait, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        label(row.event()); // draining: no more waiting
      }
    }
  }

  private void read() {
    try {
      while (true) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          try {
            handle(record);
          } catch (AvroCodec.InvalidPayloadException e) {
            undecodable.incrementAndGet();
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    switch (record.topic()) {
      case Topics.PREDICTIONS -> {
        Prediction prediction = PREDICTIONS.decode(record.value());
        // only the answer: a shadow's or previous champion's prediction (served false) is not
        Pending row = model.contentEquals(prediction.getModel()) && prediction.getServed()
            ? pending.remove(prediction.getEventId().toString()) : null;
        if (row != null) {
          listener.predicted(row.seq(), row.event(), prediction);
          answered(row);
        }
      }
      case Topics.EVENTS_DLQ -> {
        DeadLetter letter = LETTERS.decode(record.value());
        ByteBuffer key = letter.getKey();
        if (!Topics.EVENTS_UNLABELLED.contentEquals(letter.getSourceTopic()) || key == null) {
          return;
        }
        String id = StandardCharsets.UTF_8.decode(key.duplicate()).toString();
        String reason = letter.getError().toString();
        if (pending.containsKey(id) && reason.startsWith(NOT_LOADED_YET) && resendLater(id)) {
          return;
        }
        Pending row = pending.remove(id);
        if (row != null) {
          listener.failed(row.seq(), row.event(), reason);
          answered(row); // its label still goes out, so the join keeps the row
        }
      }
      case Topics.EVENTS_LABELLED -> {
        LabelledEvent event = LABELLED.decode(record.value());
        String id = event.getEventId().toString();
        if (model.contentEquals(event.getModel()) && sent.contains(id)) {
          joined.add(id);
        }
      }
      case Topics.DRIFT_TRIGGERS -> {
        DriftTrigger trigger = TRIGGERS.decode(record.value());
        if (model.contentEquals(trigger.getModel())) {
          listener.trigger(trigger);
        }
      }
      case Topics.TRAINING_PROGRESS -> {
        TrainingProgress progress = PROGRESS.decode(record.value());
        if (model.contentEquals(progress.getModel())) {
          listener.progress(progress);
        }
      }
      case Topics.MODEL_VERSIONS -> {
        if (record.value() != null) {
          ModelVersion version = VERSIONS.decode(record.value());
          if (model.contentEquals(version.getModel())) {
            listener.version(version);
          }
        }
      }
      default -> { }
    }
  }

  /**
   * Live rows are sent only once a version of the model is registered, so a {@code no-version-served}
   * letter for one means that the scoring app has not loaded that version yet (on running services
   * the replay cannot see when it has): the row is sent again a little later, up to {@link
   * #MAX_RESENDS} times, and only then counted as a failed prediction.
   *
   * @return whether the row will be sent again
   */
  private boolean resendLater(String id) {
    int tries = resends.merge(id, 1, Integer::sum);
    if (tries > MAX_RESENDS) {
      return false;
    }
    try {
      labeller.schedule(() -> {
        Pending row = pending.get(id);
        if (row != null) {
          resent.incrementAndGet();
          send(row.event());
        }
      }, RESEND_AFTER.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // draining: no more waiting
    }
  }

  /** Sends of a row again after the scoring app had no version to score it with yet. */
  long resent() {
    return resent.get();
  }

  void flush() {
    producer.flush();
  }

  /** Live rows sent and not answered yet. */
  int unanswered() {
    return pending.size();
  }

  /** Rows sent (bootstrap and live) whose labelled event the join has written. */
  long joined() {
    return joined.size();
  }

  long sent() {
    return sent.size();
  }

  long labelsSent() {
    return labelsSent.get();
  }

  /** Records on the read topics that did not decode. */
  long undecodable() {
    return undecodable.get();
  }

  /** Why the reader stopped before {@link #close()}, if it did. */
  Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Sends no more rows: waits until every live row is answered or {@code deadline} (a {@link
   * System#nanoTime()}) passes, then sends every label still held back and flushes.
   *
   * @return the live rows left unanswered
   */
  long drain(long deadline) throws InterruptedException {
    producer.flush();
    while (!pending.isEmpty() && System.nanoTime() < deadline && failure == null) {
      Thread.sleep(50);
    }
    List<ReplayRow.Event> held;
    synchronized (awaitingDelay) {
      held = new ArrayList<>(awaitingDelay.values());
      awaitingDelay.clear();
      lastSeq = Long.MAX_VALUE / 2;
    }
    held.forEach(this::label);
    labeller.shutdown(); // still sends the labels already scheduled
    labeller.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    long unanswered = pending.size();
    // the rows no answer came for still get their labels: the join keeps them
    pending.values().forEach(p -> label(p.event()));
    pending.clear();
    producer.flush();
    return unanswered;
  }

  /** Waits until the join has written {@code expected} of this replay's rows, or {@code deadline} passes. */
  long awaitJoined(long expected, long deadline) throws InterruptedException {
    while (joined.size() < expected && System.nanoTime() < deadline && failure == null) {
      Thread.sleep(50);
    }
    return joined.size();
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    reader.join(10_000);
    labeller.shutdownNow();
    producer.close(Duration.ofSeconds(10));
  }
}
