package dev.plasticity.trainer;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingPhase;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer service: consumes drift triggers (one consumer group for all replicas, so each
 * trigger is trained once), trains a new version for each, and commits the trigger's offset only
 * after the registry has accepted the version. A trainer that dies mid-run leaves the trigger
 * uncommitted, so another replica (or its restart) retries it; the trigger id keeps that retry
 * from creating a second version.
 *
 * <p>Thread-safe: {@link #start} runs one background consumer thread; {@link #bootstrap} may be
 * called from any thread.
 */
public final class TrainerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrainerService.class);

  private final TrainerConfig config;
  private final ProgressReporter progress;
  private final RetrainingRun run;
  private final List<Consumer<TrainingOutcome>> listeners = new CopyOnWriteArrayList<>();
  private final AvroCodec<DriftTrigger> triggers = AvroCodec.of(DriftTrigger.class);
  private volatile boolean running;
  private KafkaConsumer<String, byte[]> consumer;
  private Thread thread;

  private TrainerService(TrainerConfig config, Clock clock) {
    this.config = config;
    this.progress = new ProgressReporter(config.bootstrapServers(), clock);
    this.run = new RetrainingRun(config, new RegistryClient(config.registryUrl()), progress, clock);
  }

  /** Runs a trainer replica until the JVM stops, configured by environment ({@link #configFromEnvironment()}). */
  public static void main(String[] args) throws InterruptedException {
    runUntilStopped(configFromEnvironment().build());
  }

  /**
   * A configuration from the environment: {@code PLASTICITY_KAFKA_BOOTSTRAP} (default
   * localhost:9092), {@code PLASTICITY_REGISTRY_URL} (default http://localhost:8081), {@code
   * PLASTICITY_TRAINER_GROUP} (default plasticity-trainer), {@code PLASTICITY_TRAINER_POLICY} (rules
   * in {@link RetrainingPolicy#parse}'s form; default none: the default rules alone).
   */
  public static TrainerConfig.Builder configFromEnvironment() {
    return TrainerConfig.builder(
            env("PLASTICITY_KAFKA_BOOTSTRAP", "localhost:9092"),
            java.net.URI.create(env("PLASTICITY_REGISTRY_URL", "http://localhost:8081")))
        .groupId(env("PLASTICITY_TRAINER_GROUP", "plasticity-trainer"))
        .policy(RetrainingPolicy.parse(env("PLASTICITY_TRAINER_POLICY", "")));
  }

  /** Runs a trainer replica with {@code config} until the JVM stops. */
  public static void runUntilStopped(TrainerConfig config) throws InterruptedException {
    TrainerService trainer = create(config).start();
    Runtime.getRuntime().addShutdownHook(new Thread(trainer::close, "trainer-shutdown"));
    trainer.thread.join();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** A trainer that is not consuming triggers yet; call {@link #start()}. */
  public static TrainerService create(TrainerConfig config) {
    return new TrainerService(config, Clock.systemUTC());
  }

  /** Calls {@code listener} with the outcome of every trigger this service handles. */
  public TrainerService onOutcome(Consumer<TrainingOutcome> listener) {
    listeners.add(listener);
    return this;
  }

  /** Starts consuming triggers in a background thread. */
  public synchronized TrainerService start() {
    if (running) {
      throw new IllegalStateException("this trainer is already consuming triggers");
    }
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
    // a run reads data, trains and registers between two polls
    props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(Duration.ofMinutes(30).toMillis()));
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.DRIFT_TRIGGERS));
    running = true;
    thread = new Thread(this::consume, "plasticity-trainer");
    thread.start();
    log.info("trainer consuming {} as group {}, training on {}", Topics.DRIFT_TRIGGERS, config.groupId(),
        NetworkTraining.device());
    return this;
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
    Map<String, Integer> attempts = new HashMap<>();
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          DriftTrigger trigger;
          try {
            trigger = triggers.decode(record.value());
          } catch (AvroCodec.InvalidPayloadException e) {
            log.error("skipping undecodable trigger at {}@{}: {}", tp, record.offset(), e.getMessage());
            commit(tp, record.offset());
            continue;
          }
          try {
            TrainingOutcome outcome =
                run.run(trigger.getTriggerId(), trigger.getModel(), trigger.getBaseVersion(), trigger.getWindow(),
                    config.trainingEvents(), new RetrainingPolicy.Drift(trigger.getKind(), trigger.getSeverity()));
            commit(tp, record.offset());
            attempts.remove(trigger.getTriggerId());
            listeners.forEach(l -> l.accept(outcome));
          } catch (RuntimeException e) {
            int attempt = attempts.merge(trigger.getTriggerId(), 1, Integer::sum);
            if (!running) {
              return;
            }
            if (attempt >= config.maxAttempts()) {
              fail(trigger, attempt, e);
              commit(tp, record.offset());
              attempts.remove(trigger.getTriggerId());
            } else {
              log.warn("attempt {}/{} at trigger {} failed, retrying: {}", attempt, config.maxAttempts(),
                  trigger.getTriggerId(), e.toString());
              consumer.seek(tp, record.offset());
              sleep(Duration.ofSeconds(attempt));
            }
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      log.error("trainer stopped on an unexpected error", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void fail(DriftTrigger trigger, int attempts, RuntimeException e) {
    String message = "gave up after " + attempts + " attempts: " + e.getMessage();
    log.error("trigger {} of {}: {}", trigger.getTriggerId(), trigger.getModel(), message, e);
    progress.report(trigger.getTriggerId(), trigger.getModel(), RetrainingRun.STRATEGY, TrainingPhase.FAILED,
        0, config.epochs(), null, 1.0, message);
    TrainingOutcome outcome = new TrainingOutcome(trigger.getTriggerId(), trigger.getModel(),
        TrainingOutcome.Status.FAILED, Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty(), 0, 0,
        "", message);
    listeners.forEach(l -> l.accept(outcome));
  }

  private void commit(TopicPartition tp, long offset) {
    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset + 1)));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    progress.close();
  }
}
