package dev.plasticity.ops;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.TrainingProgress;
import dev.plasticity.schemas.UnlabelledEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plasticity watch NAME}: one model's topics, live. Reads the events, labelled events,
 * versions, triggers and training progress of the model from now (or from the beginning), and prints
 * a summary every interval ({@link ModelWatch}). A record that does not decode is skipped and counted.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Shows one model live: events/s, the served version and its swaps, accuracy per",
      "version over the labelled events, the last triggers with their evidence, training progress.",
      "Reads PLASTICITY_KAFKA_BOOTSTRAP; runs until Ctrl-C, or prints one summary with --once."})
final class WatchCommand implements Callable<Integer> {
  private static final List<String> TOPICS = List.of(Topics.EVENTS_UNLABELLED, Topics.EVENTS_LABELLED,
      Topics.MODEL_VERSIONS, Topics.DRIFT_TRIGGERS, Topics.TRAINING_PROGRESS);
  private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
  private static final AvroCodec<LabelledEvent> LABELLED = AvroCodec.of(LabelledEvent.class);
  private static final AvroCodec<ModelVersion> VERSIONS = AvroCodec.of(ModelVersion.class);
  private static final AvroCodec<DriftTrigger> TRIGGERS = AvroCodec.of(DriftTrigger.class);
  private static final AvroCodec<TrainingProgress> PROGRESS = AvroCodec.of(TrainingProgress.class);

  @Parameters(index = "0", paramLabel = "NAME", description = "the model to watch")
  String model;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      defaultValue = "${env:PLASTICITY_KAFKA_BOOTSTRAP:-localhost:9092}",
      description = "Kafka's bootstrap servers (default: PLASTICITY_KAFKA_BOOTSTRAP, else ${DEFAULT-VALUE})")
  String bootstrapServers;

  @Option(names = "--from-beginning", description = "read the topics from their beginning, not from now")
  boolean fromBeginning;

  @Option(names = "--once", description = "read up to the topics' current end, print one summary and exit")
  boolean once;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1", description = "seconds between summaries (default ${DEFAULT-VALUE})")
  double intervalSeconds;

  PrintStream out = System.out;

  @Override
  public Integer call() {
    if (!(intervalSeconds > 0)) {
      throw new IllegalArgumentException("--interval must be a positive number of seconds, got " + intervalSeconds);
    }
    ModelWatch watch = new ModelWatch(model);
    long skipped = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.CLIENT_ID_CONFIG, "plasticity-watch-" + model,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : TOPICS) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos != null) {
          infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
      }
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
        // the served version is the latest champion, which lies before now on the compacted versions topic
        consumer.seekToBeginning(partitions.stream().filter(p -> p.topic().equals(Topics.MODEL_VERSIONS)).toList());
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long started = System.nanoTime();
      long lastSummary = started;
      while (true) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          if (!fold(watch, record)) {
            skipped++;
          }
        }
        long now = System.nanoTime();
        if (once) {
          if (partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
            print(watch, (now - started) / 1e9, skipped);
            return 0;
          }
        } else if (now - lastSummary >= intervalSeconds * 1e9) {
          print(watch, (now - lastSummary) / 1e9, skipped);
          lastSummary = now;
        }
      }
    }
  }

  private void print(ModelWatch watch, double seconds, long skipped) {
    out.println("--- " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
        + (skipped > 0 ? " (" + skipped + " undecodable records skipped)" : ""));
    watch.summary(seconds).forEach(out::println);
    out.flush();
  }

  /** Folds {@code record} into {@code watch} when it is about the model; false when it did not decode. */
  private boolean fold(ModelWatch watch, ConsumerRecord<byte[], byte[]> record) {
    try {
      switch (record.topic()) {
        case Topics.EVENTS_UNLABELLED -> {
          if (model.equals(EVENTS.decode(record.value()).getModel())) {
            watch.event();
          }
        }
        case Topics.EVENTS_LABELLED -> {
          LabelledEvent e = LABELLED.decode(record.value());
          if (model.equals(e.getModel())) {
            watch.labelled(e);
          }
        }
        case Topics.MODEL_VERSIONS -> {
          if (record.value() != null) {
            ModelVersion v = VERSIONS.decode(record.value());
            if (model.equals(v.getModel())) {
              watch.version(v);
            }
          }
        }
        case Topics.DRIFT_TRIGGERS -> {
          DriftTrigger t = TRIGGERS.decode(record.value());
          if (model.equals(t.getModel())) {
            watch.trigger(t);
          }
        }
        case Topics.TRAINING_PROGRESS -> {
          TrainingProgress p = PROGRESS.decode(record.value());
          if (model.equals(p.getModel())) {
            watch.progress(p);
          }
        }
        default -> {
          return true;
        }
      }
      return true;
    } catch (AvroCodec.InvalidPayloadException e) {
      return false;
    }
  }
}
