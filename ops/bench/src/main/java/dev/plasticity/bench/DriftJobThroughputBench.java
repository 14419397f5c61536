package dev.plasticity.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.embedded.EmbeddedKafkaBroker;
import dev.plasticity.embedded.KafkaTopics;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import dev.plasticity.schemas.Topics;
import dev.plasticity.streamjobs.DriftJob;
import dev.plasticity.streamjobs.DriftJobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The drift job's throughput next to a raw Kafka consumer's, on the same topic in the same run:
 * an in-process KRaft broker, N labelled SEA events on 2 partitions and a champion version; then
 * (1) a plain {@code KafkaConsumer} reads every record to the end (bytes only, no decoding), and
 * (2) the drift job runs bounded on a local MiniCluster (parallelism 2, exactly-once checkpoints
 * every 2 s) over the same records: decode, validate, event-time ordering, window tests, sinks.
 * The job's figure is measured from submission to the end of the job, so it includes the job's
 * start-up; the report also gives it without the first second.
 */
public final class DriftJobThroughputBench {
  public static void main(String[] args) throws Exception {
    int events = 500_000;
    Path out = Path.of("docs/reports");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --events N --out DIR)");
      }
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startInTempDir()) {
      String bootstrap = broker.bootstrapServers();
      KafkaTopics.ensure(bootstrap, 2, (short) 1);
      produce(bootstrap, events);

      long started = System.nanoTime();
      long read = readRaw(bootstrap);
      double rawSeconds = (System.nanoTime() - started) / 1e9;

      DriftJobOptions options = DriftJobOptions.builder(bootstrap)
          .groupId("bench-" + UUID.randomUUID())
          .transactionalIdPrefix("bench-" + UUID.randomUUID())
          .maxOutOfOrderness(Duration.ofMillis(200))
          .restartAttempts(0)
          .bounded(true)
          .build();
      started = System.nanoTime();
      DriftJob.startLocal(options).getJobExecutionResult().get(30, TimeUnit.MINUTES);
      double jobSeconds = (System.nanoTime() - started) / 1e9;

      Map<String, Object> report = new LinkedHashMap<>();
      report.put("benchmark", "drift job vs raw Kafka consumer, same topic, same run");
      report.put("command", "mvn -B -Pbench -DskipTests -pl ops/bench -am package");
      report.put("events", events);
      report.put("raw_consumer_records", read);
      report.put("raw_consumer_seconds", rawSeconds);
      report.put("raw_consumer_events_per_second", read / rawSeconds);
      report.put("drift_job_seconds_including_startup", jobSeconds);
      report.put("drift_job_events_per_second", events / jobSeconds);
      report.put("ratio_job_to_raw", (events / jobSeconds) / (read / rawSeconds));
      report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));
      Files.createDirectories(out);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("drift-job-throughput.json").toFile(), report);
      String md = String.format(Locale.ROOT, """
          # Drift job throughput vs raw Kafka consumer

          Regenerate: `%s` (writes this file and `drift-job-throughput.json`).
          %d labelled SEA events on 2 partitions of an in-process KRaft broker; %s.

          | reader | seconds | events / s |
          |---|---:|---:|
          | raw `KafkaConsumer` (bytes, no decoding) | %.2f | %,.0f |
          | drift job, MiniCluster, parallelism 2, exactly-once (incl. start-up) | %.2f | %,.0f |

          The job reaches %.0f%% of the raw consumer's rate.
          """, report.get("command"), events, report.get("machine"), rawSeconds, read / rawSeconds, jobSeconds,
          events / jobSeconds, 100 * (double) report.get("ratio_job_to_raw"));
      Files.writeString(out.resolve("drift-job-throughput.md"), md);
      System.out.println(md);
    }
  }

  static void produce(String bootstrap, int events) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    Random random = new Random(42);
    long t0 = 1_700_000_000_000L;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, "sea".getBytes(), AvroCodec.of(ModelVersion.class).encode(champion())));
      for (int i = 0; i < events; i++) {
        double x1 = random.nextDouble() * 10, x2 = random.nextDouble() * 10, x3 = random.nextDouble() * 10;
        int label = x1 + x2 <= 8 ? 1 : 0;
        LabelledEvent event = LabelledEvent.newBuilder()
            .setEventId("e" + i).setModel("sea").setEventTime(t0 + i)
            .setFeatures(Map.of("x1", x1, "x2", x2, "x3", x3)).setLabel(label)
            .setPrediction(random.nextDouble() < 0.1 ? 1 - label : label).setPredictionVersion(1)
            .build();
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, i % 2, t0 + i, null, codec.encode(event)));
      }
    }
  }

  static long readRaw(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "raw-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = List.of(new TopicPartition(Topics.EVENTS_LABELLED, 0), new TopicPartition(Topics.EVENTS_LABELLED, 1));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        count += consumer.poll(Duration.ofMillis(200)).count();
      }
    }
    return count;
  }

  /** Version 1 of model "sea", with reference statistics of uniform [0, 10] features. */
  static ModelVersion champion() {
    List<FeatureReference> features = new ArrayList<>();
    List<Double> quantiles = new ArrayList<>();
    for (int k = 0; k <= 100; k++) {
      quantiles.add(k / 10.0);
    }
    for (String name : List.of("x1", "x2", "x3")) {
      features.add(new FeatureReference(name, 100_000L, 5.0, 2.887, 0.0, 10.0, quantiles));
    }
    return ModelVersion.newBuilder()
        .setModel("sea").setVersion(1).setAlias("champion")
        .setArchitecture(Architecture.newBuilder().setInputFeatures(List.of("x1", "x2", "x3"))
            .setFeatureMeans(List.of(5.0, 5.0, 5.0)).setFeatureStds(List.of(2.887, 2.887, 2.887))
            .setHiddenUnits(List.of(16)).setNumClasses(2).build())
        .setMetrics(Map.of("accuracy", 0.9)).setArtifactUri("file:///bench").setArtifactSha256("0".repeat(64))
        .setLineage(Lineage.newBuilder().build())
        .setReference(new ReferenceStatistics(100_000L, features, List.of(0.68, 0.32), 0.1, 10_000L, List.of()))
        .setCreatedAt(0L)
        .build();
  }
}
