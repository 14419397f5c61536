package dev.plasticity.trainer;

import dev.plasticity.metrics.MetricsEndpoint;
import dev.plasticity.metrics.MetricsSettings;
import dev.plasticity.metrics.ServiceMetrics;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import dev.plasticity.schemas.TriggerSignal;
import dev.plasticity.trainer.TrainerMetrics.DeadLetterReason;
import dev.plasticity.trainer.network.NetworkTraining;
import dev.plasticity.trainer.run.DeadLetters;
import dev.plasticity.trainer.run.ProgressReporter;
import dev.plasticity.trainer.run.ProgressSink;
import dev.plasticity.trainer.run.RetrainingRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer service: consumes drift triggers (one consumer group for all replicas, so each
 * trigger is trained once), and MANUAL requests ({@code plasticity train}) on the same topic: a
 * request for a model with no version trains its first one, one for a served model retrains from
 * the champion as its policy says, and the gate decides as for any trigger. It trains a new version for each, and commits the trigger's offset only
 * after the registry has accepted the version. A trainer that dies mid-run leaves the trigger
 * uncommitted, so another replica (or its restart) retries it; the trigger id keeps that retry
 * from creating a second version.
 *
 * <p>No trigger is lost. A run that fails is attempted again after a backoff that doubles from
 * {@link TrainerConfig#retryBackoff()} up to {@link TrainerConfig#maxRetryBackoff()}; meanwhile
 * the trigger's partition is paused and the consumer keeps polling, so it stays in its group and
 * {@link #close()} stops it promptly. A trigger that still fails after {@link
 * TrainerConfig#maxAttempts()}, or that does not decode, is written to {@link
 * Topics#DRIFT_TRIGGERS_DLQ} with the reason, and only once the broker has acknowledged that is
 * its offset committed; a trigger that gave up is also reported FAILED on the progress topic.
 *
 * <p>Anything else that escapes the consumer loop (an {@link Error} such as running out of
 * memory, an exception outside a run or from an outcome listener, a dead letter that could not be
 * written) stops the service:
 * the trigger at hand stays uncommitted, {@link #failure()} holds the cause, {@link #isRunning()}
 * turns false and {@link #awaitTermination()} returns. {@link #runUntilStopped} then exits the JVM
 * with status 1 and says why on stderr.
 *
 * <p>Thread-safe: {@link #start} runs one background consumer thread; {@link #bootstrap} may be
 * called from any thread. Outcome listeners run on the thread that trained, before the trigger's
 * offset is committed.
 */
public final class TrainerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrainerService.class);
  /** The longest a poll waits, so a due retry or a {@link #close()} is acted on soon. */
  private static final Duration POLL = Duration.ofMillis(200);
  /** The most queued triggers read ahead of the one being trained. */
  private static final int QUEUE_LOOK_AHEAD = 200;
  /** How long a poll that reads further ahead waits for more. */
  private static final Duration LOOK_AHEAD_POLL = Duration.ofMillis(50);

  private final TrainerConfig config;
  private final ProgressReporter progress;
  private final TrainerMetrics metrics;
  private final DeadLetters deadLetters;
  private final RetrainingRun run;
  private final List<Consumer<TrainingOutcome>> listeners = new CopyOnWriteArrayList<>();
  private final AvroCodec<DriftTrigger> triggers = AvroCodec.of(DriftTrigger.class);
  /** Failed attempts per trigger record; consumer thread only. */
  private final Map<RecordId, Integer> attempts = new HashMap<>();
  /** Partitions paused until a retry is due (System.nanoTime()); consumer thread only. */
  private final Map<TopicPartition, Long> backingOff = new HashMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running;
  private volatile Throwable failure;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;

  private TrainerService(TrainerConfig config, Clock clock, MeterRegistry meters) {
    this.config = config;
    Endpoints endpoints = config.endpoints();
    this.progress = new ProgressReporter(endpoints.bootstrapServers(), clock);
    this.metrics = new TrainerMetrics(meters, progress);
    this.deadLetters = new DeadLetters(endpoints.bootstrapServers(), clock);
    this.run = new RetrainingRun(config,
        new RegistryClient(endpoints.registryUrl(), Duration.ofSeconds(30), endpoints.registryToken()), metrics,
        clock);
    listeners.add(metrics::outcome);
  }

  /**
   * Runs a trainer replica until the JVM stops, configured by environment ({@link #configFromEnvironment()});
   * with {@code PLASTICITY_METRICS_PORT} set it answers {@code GET /metrics} there.
   */
  public static void main(String[] args) throws InterruptedException {
    TrainerConfig config = configFromEnvironment().build();
    try (ServiceMetrics metrics = ServiceMetrics.create()) {
      Optional<MetricsEndpoint> endpoint = MetricsSettings.startEndpoint(System.getenv(), metrics);
      endpoint.ifPresent(e -> System.out.println("Metrics: " + e.uri()));
      try {
        runUntilStopped(config, metrics.registry());
      } finally {
        endpoint.ifPresent(MetricsEndpoint::close);
      }
    }
  }

  /** A configuration from the environment: the variables {@link TrainerEnvironment} declares. */
  public static TrainerConfig.Builder configFromEnvironment() {
    return TrainerEnvironment.read(System.getenv());
  }

  /**
   * Runs a trainer replica with {@code config} until the JVM stops. If the trainer stops on a
   * failure ({@link #failure()}), says so on stderr and exits the JVM with status 1.
   */
  public static void runUntilStopped(TrainerConfig config) throws InterruptedException {
    runUntilStopped(config, new CompositeMeterRegistry());
  }

  /** {@link #runUntilStopped(TrainerConfig)}, counting what it does in {@code meters} ({@link #create(TrainerConfig, MeterRegistry)}). */
  public static void runUntilStopped(TrainerConfig config, MeterRegistry meters) throws InterruptedException {
    TrainerService trainer = create(config, meters).start();
    Thread hook = new Thread(trainer::close, "trainer-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    trainer.awaitTermination();
    Optional<Throwable> failure = trainer.failure();
    if (failure.isEmpty()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      return; // the JVM is already shutting down
    }
    trainer.close();
    System.err.println("plasticity trainer stopped: " + failure.get()
        + "; no more triggers will be trained by this replica, and the trigger it was handling is left"
        + " uncommitted for the next one");
    System.exit(1);
  }

  /** A trainer that is not consuming triggers yet; call {@link #start()}. */
  public static TrainerService create(TrainerConfig config) {
    return create(config, new CompositeMeterRegistry());
  }

  /**
   * A trainer that is not consuming triggers yet and counts what it does in {@code meters}: triggers
   * by kind and signal, runs by strategy and outcome, their duration, versions registered and dead
   * letters ({@code plasticity_trainer_*}, see {@code docs/metrics.md}).
   */
  public static TrainerService create(TrainerConfig config, MeterRegistry meters) {
    return new TrainerService(config, Clock.systemUTC(), Objects.requireNonNull(meters, "meters"));
  }

  /** Calls {@code listener} with the outcome of every trigger this service handles. */
  public TrainerService onOutcome(Consumer<TrainingOutcome> listener) {
    listeners.add(listener);
    return this;
  }

  /** Starts consuming triggers in a background thread. */
  public synchronized TrainerService start() {
    if (thread != null) {
      throw new IllegalStateException("this trainer has already been started; create another to consume again");
    }
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.endpoints().bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.endpoints().groupId());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(QUEUE_LOOK_AHEAD));
    // a run reads data, trains and registers between two polls
    props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(Duration.ofMinutes(30).toMillis()));
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.DRIFT_TRIGGERS), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // a partition that comes back while its trigger waits for a retry keeps waiting
        consumer.pause(partitions.stream().filter(backingOff::containsKey).toList());
      }
    });
    running = true;
    thread = new Thread(this::consume, "plasticity-trainer");
    thread.start();
    log.info("trainer consuming {} as group {}, training on {}", Topics.DRIFT_TRIGGERS, config.endpoints().groupId(),
        NetworkTraining.device());
    return this;
  }

  /** Whether the consumer thread is consuming triggers: started, not closed, not stopped by a failure. */
  public boolean isRunning() {
    return running && stopped.getCount() > 0;
  }

  /** What stopped the consumer thread, if a failure did rather than {@link #close()}. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Waits until the consumer thread has ended: after {@link #close()}, or on a failure ({@link
   * #failure()} then says which).
   *
   * @throws IllegalStateException when the trainer was never started
   */
  public void awaitTermination() throws InterruptedException {
    requireStarted();
    stopped.await();
  }

  /** Like {@link #awaitTermination()}, for at most {@code timeout}; whether the consumer thread has ended. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    requireStarted();
    return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private synchronized void requireStarted() {
    if (thread == null) {
      throw new IllegalStateException("this trainer was not started: call start() first");
    }
  }

  /**
   * Trains the first version of a model from its events since {@code sinceMillis}, when nothing is
   * serving yet. Idempotent: a second call returns the version the first one registered.
   */
  public TrainingOutcome bootstrap(String model, long sinceMillis) {
    return bootstrap(model, sinceMillis, config.trainingEvents());
  }

  /**
   * Like {@link #bootstrap(String, long)}, for when the caller knows that {@code events} events
   * are there to train on: the run takes at most those, so it need not wait for more.
   */
  public TrainingOutcome bootstrap(String model, long sinceMillis, int events) {
    DataWindow window = DataWindow.newBuilder()
        .setTopic(Topics.EVENTS_LABELLED).setStartTime(sinceMillis).setEndTime(sinceMillis)
        .setEventCount(events).setOffsets(List.of()).build();
    TrainingOutcome outcome = run.run("bootstrap-" + model, model, null, window,
        Math.min(events, config.trainingEvents()));
    listeners.forEach(l -> l.accept(outcome));
    return outcome;
  }

  private void consume() {
    try {
      while (running) {
        resumeDueRetries();
        List<ConsumerRecord<byte[], byte[]>> polled = queued();
        List<DriftTrigger> decoded = polled.stream().map(this::decodeOrNull).toList();
        List<Optional<String>> skipped = QueuedCadences.supersededBy(decoded);
        for (int i = 0; i < polled.size(); i++) {
          if (!running) {
            break; // closing: the record stays uncommitted
          }
          TopicPartition tp = new TopicPartition(polled.get(i).topic(), polled.get(i).partition());
          if (backingOff.containsKey(tp)) {
            continue; // an earlier trigger of its partition failed: this one follows it after the retry, in order
          }
          if (skipped.get(i).isPresent()) {
            skip(polled.get(i), decoded.get(i), skipped.get(i).get());
          } else {
            handle(polled.get(i));
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        stopOn(e);
      }
    } catch (Throwable e) {
      stopOn(e);
    } finally {
      running = false;
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (Throwable e) {
        log.warn("while closing the trigger consumer: {}", e.toString());
      } finally {
        stopped.countDown();
      }
    }
  }

  private void stopOn(Throwable e) {
    failure = e;
    log.error("trainer stopped on {}: no more triggers will be trained by this replica; the trigger it was"
        + " handling is left uncommitted for the next one", e.toString(), e);
  }

  /**
   * The triggers queued now, up to {@link #QUEUE_LOOK_AHEAD}: one poll, then more while they keep
   * coming. After a long run the first poll returns only what the consumer fetched ahead while it
   * ran; the next polls return what the drift job sent since, so a cadence trigger sees the newer
   * triggers of its model queued behind it ({@link QueuedCadences}).
   */
  private List<ConsumerRecord<byte[], byte[]>> queued() {
    List<ConsumerRecord<byte[], byte[]>> polled = new ArrayList<>();
    consumer.poll(pollTimeout()).forEach(polled::add);
    int before = -1;
    while (running && polled.size() > before && polled.size() < QUEUE_LOOK_AHEAD && !polled.isEmpty()) {
      before = polled.size();
      consumer.poll(LOOK_AHEAD_POLL).forEach(polled::add);
    }
    return polled;
  }

  private DriftTrigger decodeOrNull(ConsumerRecord<byte[], byte[]> record) {
    try {
      return triggers.decode(record.value());
    } catch (AvroCodec.InvalidPayloadException e) {
      return null; // handle() dead-letters it with the reason
    }
  }

  /** Commits a cadence trigger a newer trigger of its model, in the same poll, makes pointless. */
  private void skip(ConsumerRecord<byte[], byte[]> record, DriftTrigger cadence, String newer) {
    String message = "cadence update skipped: trigger " + newer + " of " + cadence.getModel()
        + " is queued behind it and reads newer events";
    log.info("trigger {} of {}: {}", cadence.getTriggerId(), cadence.getModel(), message);
    metrics.triggerTaken(cadence);
    metrics.report(cadence.getTriggerId().toString(), cadence.getModel().toString(), ProgressSink.NOTHING_PLANNED, TrainingPhase.SKIPPED, 0,
        0, null, 1.0, message);
    TrainingOutcome outcome = TrainingOutcome.untrained(cadence.getTriggerId().toString(),
        cadence.getModel().toString(), TrainingOutcome.Status.SUPERSEDED, Optional.empty(), 0, message, 0);
    listeners.forEach(l -> l.accept(outcome));
    commit(new TopicPartition(record.topic(), record.partition()), record.offset());
  }

  /** Trains one trigger; retries, dead-letters or commits it. */
  private void handle(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    DriftTrigger trigger;
    try {
      trigger = triggers.decode(record.value());
    } catch (AvroCodec.InvalidPayloadException e) {
      String reason = "trainer: undecodable trigger: " + e.getMessage();
      log.error("trigger at {}@{} does not decode, sending it to {}: {}", tp, record.offset(),
          Topics.DRIFT_TRIGGERS_DLQ, reason);
      deadLetters.send(Topics.DRIFT_TRIGGERS_DLQ, record, reason);
      metrics.deadLettered(DeadLetterReason.UNDECODABLE);
      commit(tp, record.offset());
      return;
    }
    RecordId id = new RecordId(tp, record.offset());
    if (!attempts.containsKey(id)) {
      metrics.triggerTaken(trigger);
    }
    TrainingOutcome outcome;
    try {
      outcome = run.run(trigger.getTriggerId(), trigger.getModel(), baseVersionOf(trigger), trigger.getWindow(),
          eventsFor(trigger), RetrainingPolicy.Drift.of(trigger));
    } catch (RuntimeException e) {
      if (!running) {
        return; // closing: the trigger stays uncommitted for the next replica
      }
      int attempt = attempts.merge(id, 1, Integer::sum);
      if (attempt >= config.maxAttempts()) {
        giveUp(record, trigger, attempt, e);
        attempts.remove(id);
        commit(tp, record.offset());
      } else {
        Duration delay = config.retryDelay(attempt);
        metrics.retryScheduled();
        log.warn("attempt {}/{} at trigger {} failed, retrying in {}: {}", attempt, config.maxAttempts(),
            trigger.getTriggerId(), delay, (e instanceof RetrainingRun.Failed ? e.getCause() : e).toString());
        consumer.seek(tp, record.offset());
        consumer.pause(List.of(tp));
        backingOff.put(tp, System.nanoTime() + delay.toNanos());
      }
      return;
    }
    attempts.remove(id);
    listeners.forEach(l -> l.accept(outcome));
    commit(tp, record.offset());
  }

  /**
   * The version a trigger's run starts from: its base version, except for a MANUAL request, which
   * starts from the champion serving when it is trained (none for a model's first version).
   */
  private static Integer baseVersionOf(DriftTrigger trigger) {
    return trigger.getSignal() == TriggerSignal.MANUAL ? null : trigger.getBaseVersion();
  }

  /** Events a trigger's run reads: a MANUAL request's own count when it gives one, within the configured number. */
  private int eventsFor(DriftTrigger trigger) {
    long asked = trigger.getWindow() == null ? 0 : trigger.getWindow().getEventCount();
    return trigger.getSignal() == TriggerSignal.MANUAL && asked > 0 ? (int) Math.min(asked, config.trainingEvents())
        : config.trainingEvents();
  }

  /** Resumes the partitions whose retry is due. */
  private void resumeDueRetries() {
    long now = System.nanoTime();
    List<TopicPartition> due = backingOff.entrySet().stream()
        .filter(e -> now - e.getValue() >= 0).map(Map.Entry::getKey).toList();
    due.forEach(backingOff::remove);
    Set<TopicPartition> assigned = consumer.assignment();
    consumer.resume(due.stream().filter(assigned::contains).toList());
  }

  /** The poll's wait: until the next retry is due, at most {@link #POLL}. */
  private Duration pollTimeout() {
    long now = System.nanoTime();
    long wait = backingOff.values().stream().mapToLong(due -> due - now).min().orElse(POLL.toNanos());
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(wait, POLL.toNanos())));
  }

  /** The trigger failed its last attempt: dead-lettered (acknowledged), reported FAILED, announced. */
  private void giveUp(ConsumerRecord<byte[], byte[]> record, DriftTrigger trigger, int attempts, RuntimeException e) {
    String reason = "trainer gave up on trigger " + trigger.getTriggerId() + " of " + trigger.getModel() + " after "
        + attempts + " attempts; last error: " + (e instanceof RetrainingRun.Failed ? e.getCause() : e);
    deadLetters.send(Topics.DRIFT_TRIGGERS_DLQ, record, reason);
    metrics.deadLettered(DeadLetterReason.GAVE_UP);
    String message = reason + "; sent to " + Topics.DRIFT_TRIGGERS_DLQ;
    log.error("{}", message, e);
    metrics.report(trigger.getTriggerId(), trigger.getModel(), RetrainingRun.strategyOf(e), TrainingPhase.FAILED,
        0, config.training().epochs(), null, 1.0, message);
    TrainingOutcome outcome = TrainingOutcome.untrained(trigger.getTriggerId().toString(),
        trigger.getModel().toString(), TrainingOutcome.Status.FAILED, Optional.empty(), 0, message, 0);
    listeners.forEach(l -> l.accept(outcome));
  }

  private void commit(TopicPartition tp, long offset) {
    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset + 1)));
  }

  /** One record of the triggers topic. */
  private record RecordId(TopicPartition partition, long offset) {}

  @Override
  public void close() {
    running = false;
    Thread consuming;
    synchronized (this) {
      consuming = thread;
    }
    if (consumer != null) {
      consumer.wakeup();
    }
    if (consuming != null && consuming != Thread.currentThread()) {
      try {
        consuming.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    progress.close();
    deadLetters.close();
  }
}
