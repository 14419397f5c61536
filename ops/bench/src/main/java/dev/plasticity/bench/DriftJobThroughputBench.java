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
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
 * Every reader runs several rounds (--rounds, default 3) and the last is reported, the earlier ones
 * warming the JIT. Each rate is taken over the span in which the reader reads (the job's through its own counters,
 * see {@link CounterTap}); the report gives the figures including start-up beside them.
 */
public final class DriftJobThroughputBench {
  public static void main(String[] args) throws Exception {
    int events = 2_000_000;
    int rounds = 3;
    Path out = Path.of("docs/reports");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --events N --rounds N --out DIR)");
      }
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, was " + rounds);
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startInTempDir()) {
      String bootstrap = broker.bootstrapServers();
      KafkaTopics.ensure(bootstrap, 2, (short) 1);
      produce(bootstrap, events);

      // the first rounds warm the JIT for every reader; the last is the one reported
      List<Round> all = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        Round r = round(bootstrap, events);
        all.add(r);
        System.out.printf(Locale.ROOT, "round %d: raw %,.0f, job %,.0f, floor %,.0f events/s%n", round,
            r.raw().records() / r.raw().readingSeconds(), events / r.job().processingSeconds(),
            events / r.floor().processingSeconds());
      }
      RawRead coldRaw = all.get(0).raw();
      JobRun coldJob = all.get(0).job();
      JobRun coldFloor = all.get(0).floor();
      RawRead raw = all.get(all.size() - 1).raw();
      JobRun job = all.get(all.size() - 1).job();
      JobRun floor = all.get(all.size() - 1).floor();

      Map<String, Object> report = new LinkedHashMap<>();
      report.put("benchmark", "drift job vs raw Kafka consumer, same topic, same run");
      report.put("command", "mvn -B -Pbench -DskipTests -pl ops/bench -am package");
      report.put("events", events);
      report.put("raw_consumer_records", raw.records());
      report.put("raw_consumer_seconds_including_startup", raw.totalSeconds());
      report.put("raw_consumer_seconds_first_to_last_record", raw.readingSeconds());
      report.put("raw_consumer_events_per_second", raw.records() / raw.readingSeconds());
      report.put("drift_job_seconds_including_startup", job.totalSeconds());
      report.put("drift_job_seconds_first_decoded_to_last_assessed", job.processingSeconds());
      report.put("drift_job_events_per_second", events / job.processingSeconds());
      report.put("drift_job_events_per_second_including_startup", events / job.totalSeconds());
      double ratio = (events / job.processingSeconds()) / (raw.records() / raw.readingSeconds());
      report.put("ratio_job_to_raw", ratio);
      report.put("flink_floor_events_per_second", events / floor.processingSeconds());
      report.put("ratio_floor_to_raw", (events / floor.processingSeconds()) / (raw.records() / raw.readingSeconds()));
      report.put("first_round_flink_floor_events_per_second", events / coldFloor.processingSeconds());
      report.put("rounds", rounds);
      report.put("first_round_raw_consumer_events_per_second", coldRaw.records() / coldRaw.readingSeconds());
      report.put("first_round_drift_job_events_per_second", events / coldJob.processingSeconds());
      report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));
      Files.createDirectories(out);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("drift-job-throughput.json").toFile(), report);
      String md = String.format(Locale.ROOT, """
          # Drift job throughput vs raw Kafka consumer

          Regenerate: `%s` (writes this file and `drift-job-throughput.json`).
          %,d labelled SEA events on 2 partitions of an in-process KRaft broker; %s.

          Rates are taken over the span in which each reader actually reads: the raw consumer from its
          first non-empty poll to its last record, the job from its first decoded event to the last
          event its drift operator took (read off the job's own `eventsDecoded` and `eventsAssessed`
          counters through a Flink metric reporter). Start-up is shown apart: a MiniCluster takes
          seconds to start, which says nothing about how fast the job keeps up with a topic. Every
          reader runs %d times over the topic in the same JVM; the earlier rounds warm the JIT and
          the last is reported (first round: raw %,.0f events/s, job %,.0f events/s).

          | reader | seconds reading | events / s | seconds incl. start-up | events / s incl. start-up |
          |---|---:|---:|---:|---:|
          | raw `KafkaConsumer` (bytes, no decoding) | %.2f | %,.0f | %.2f | %,.0f |
          | drift job, MiniCluster, parallelism 2, exactly-once | %.2f | %,.0f | %.2f | %,.0f |
          | Flink floor: same source, keyBy(model), nothing else | %.2f | %,.0f | %.2f | %,.0f |

          The job reaches %.0f%% of the raw consumer's rate; a Flink job that only reads the same
          records and shuffles them to one key, with the same checkpointing, reaches %.0f%%.
          """, report.get("command"), events, report.get("machine"), rounds,
          coldRaw.records() / coldRaw.readingSeconds(), events / coldJob.processingSeconds(),
          raw.readingSeconds(), raw.records() / raw.readingSeconds(), raw.totalSeconds(), raw.records() / raw.totalSeconds(),
          job.processingSeconds(), events / job.processingSeconds(), job.totalSeconds(), events / job.totalSeconds(),
          floor.processingSeconds(), events / floor.processingSeconds(), floor.totalSeconds(), events / floor.totalSeconds(),
          100 * ratio, 100 * (double) report.get("ratio_floor_to_raw"));
      Files.writeString(out.resolve("drift-job-throughput.md"), md);
      System.out.println(md);
    }
  }

  record RawRead(long records, double totalSeconds, double readingSeconds) {}

  record JobRun(double totalSeconds, double processingSeconds) {}

  /** One pass of every reader over the same topic. */
  record Round(RawRead raw, JobRun job, JobRun floor) {}

  static Round round(String bootstrap, int events) throws Exception {
    return new Round(readRaw(bootstrap),
        runJob(events, env -> DriftJob.build(env, driftJobOptions(bootstrap))),
        runJob(events, env -> FlinkFloorJob.build(env, bootstrap)));
  }

  static DriftJobOptions driftJobOptions(String bootstrap) {
    return DriftJobOptions.builder(bootstrap)
        .groupId("bench-" + UUID.randomUUID())
        .transactionalIdPrefix("bench-" + UUID.randomUUID())
        .maxOutOfOrderness(Duration.ofMillis(200))
        .restartAttempts(0)
        .bounded(true)
        .build();
  }

  /**
   * Runs a bounded job over the topic in a MiniCluster of this JVM (parallelism 2, as {@link
   * DriftJob#startLocal} does), with {@link CounterTap} attached to watch its counters.
   */
  static JobRun runJob(int events, Consumer<StreamExecutionEnvironment> job) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.setString("metrics.reporter.tap.factory.class", CounterTap.Factory.class.getName());
    // checkpoints on disk, as on a cluster: events ahead of the watermark are state, and at this
    // rate they outgrow the 5 MB that the JobManager's memory takes per checkpoint
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, Files.createTempDirectory("bench-checkpoints").toUri().toString());
    CounterTap.reset();
    long started = System.nanoTime();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    job.accept(env);
    JobClient client = env.executeAsync(DriftJob.NAME);
    CompletableFuture<?> result = client.getJobExecutionResult();
    long firstDecoded = 0;
    long lastAssessed = 0;
    while (!result.isDone()) {
      long now = System.nanoTime();
      if (firstDecoded == 0 && CounterTap.decoded() > 0) {
        firstDecoded = now;
      }
      if (lastAssessed == 0 && CounterTap.assessed() >= events) {
        lastAssessed = now;
      }
      Thread.sleep(1);
    }
    result.get(); // rethrows a failure
    long finished = System.nanoTime();
    if (firstDecoded == 0 || lastAssessed == 0) {
      throw new IllegalStateException("the job ended without the counters showing all " + events
          + " events assessed (decoded " + CounterTap.decoded() + ", assessed " + CounterTap.assessed() + ")");
    }
    return new JobRun((finished - started) / 1e9, (lastAssessed - firstDecoded) / 1e9);
  }

  static void produce(String bootstrap, int events) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    Random random = new Random(42);
    // recent times: the broker deletes segments whose records are older than its 7-day retention,
    // and a check that fires during the run would take events from under the second reader
    long t0 = System.currentTimeMillis() - events;
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

  static RawRead readRaw(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "raw-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    long count = 0;
    long started = System.nanoTime();
    long first = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = List.of(new TopicPartition(Topics.EVENTS_LABELLED, 0), new TopicPartition(Topics.EVENTS_LABELLED, 1));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        int polled = consumer.poll(Duration.ofMillis(200)).count();
        if (polled > 0 && first == 0) {
          first = System.nanoTime();
        }
        count += polled;
      }
    }
    long finished = System.nanoTime();
    return new RawRead(count, (finished - started) / 1e9, (finished - first) / 1e9);
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
