package dev.plasticity.ops.demo;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingProgress;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches the triggers and training-progress topics like an operator would, printing what
 * happens (training progress through a {@link TrainingProgressDisplay}) and keeping every drift
 * trigger it saw (committed ones only).
 */
final class StreamWatcher implements AutoCloseable {
  /** A trigger and when (demo seconds) it was seen. */
  record SeenTrigger(DriftTrigger trigger, double seenAtSeconds) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final Console console;
  private final TrainingProgressDisplay progress;
  private final List<SeenTrigger> triggers = new CopyOnWriteArrayList<>();
  private final AvroCodec<DriftTrigger> triggerCodec = AvroCodec.of(DriftTrigger.class);
  private final AvroCodec<TrainingProgress> progressCodec = AvroCodec.of(TrainingProgress.class);
  private final Thread thread;
  private final java.util.Map<org.apache.kafka.common.TopicPartition, Long> triggerPositions =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean running = true;

  StreamWatcher(String bootstrapServers, Console console) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.console = console;
    this.progress = new TrainingProgressDisplay(console);
    var partitions = new java.util.ArrayList<org.apache.kafka.common.TopicPartition>();
    for (String topic : List.of(Topics.DRIFT_TRIGGERS, Topics.TRAINING_PROGRESS)) {
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::watch, "demo-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.topic().equals(Topics.DRIFT_TRIGGERS)) {
            DriftTrigger t = triggerCodec.decode(record.value());
            switch (t.getSignal()) {
              case DRIFT -> {
                triggers.add(new SeenTrigger(t, console.seconds()));
                console.say("DRIFT ALARM  %s drift on %s v%d (severity %.2f): %s", t.getKind(), t.getModel(),
                    t.getBaseVersion(), t.getSeverity(), summary(t.getEvidence()));
              }
              case WARNING -> console.say("WARNING      %s v%d: the error detector is in its warning zone: %s",
                  t.getModel(), t.getBaseVersion(), summary(t.getEvidence()));
              case CADENCE -> { } // a scheduled update, no alarm: the trainer's PLAN line says what it runs
              case MANUAL -> console.say("REQUESTED    a new version of %s (plasticity train)", t.getModel());
            }
          } else {
            progress.show(progressCodec.decode(record.value()));
          }
        }
        for (org.apache.kafka.common.TopicPartition partition : consumer.assignment()) {
          if (partition.topic().equals(Topics.DRIFT_TRIGGERS)) {
            triggerPositions.put(partition, consumer.position(partition));
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  static String summary(List<Evidence> evidence) {
    StringBuilder s = new StringBuilder();
    for (Evidence e : evidence) {
      if (e.getDrifted()) {
        if (s.length() > 0) {
          s.append(", ");
        }
        s.append(e.getTest()).append('(').append(e.getFeature()).append(")=")
            .append(String.format("%.3f", e.getStatistic()));
        if (e.getPValue() != null) {
          s.append(String.format(" p=%.1e", e.getPValue()));
        }
      }
    }
    return s.length() == 0 ? "no test past its threshold" : s.toString();
  }

  /** The DRIFT triggers seen: the alarms (warnings and cadence updates are not). */
  List<SeenTrigger> triggers() {
    return List.copyOf(triggers);
  }

  /**
   * Waits until this watcher has read the triggers topic up to {@code ends} (committed end offsets
   * per partition), so {@link #triggers()} holds every trigger committed by then.
   *
   * @throws IllegalStateException when {@code deadline} (a {@link System#nanoTime()}) passes first
   */
  void awaitTriggersRead(java.util.Map<org.apache.kafka.common.TopicPartition, Long> ends, long deadline)
      throws InterruptedException {
    while (!ends.entrySet().stream().allMatch(e -> triggerPositions.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the demo did not read the triggers topic up to " + ends + " in time");
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    console.clearStatus();
  }
}
