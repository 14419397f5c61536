package dev.plasticity.streamjobs;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.AvroFlinkSchema;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The drift job: labelled events and champion model versions in, drift triggers and dead letters
 * out.
 *
 * <pre>
 * events.labelled ─► decode+validate ─┬─► watermarks per partition ─► batch per model ─► keyBy(model) ─► drift ─► drift.triggers (exactly once)
 *                                     └─► dead letters ─► events.dlq ◄── late and refused events ◄──────┤
 * model.versions ─► decode+validate ─┬─► broadcast(champions) ─────────────────────────────────────────┘
 *                                    └─► dead letters ─► events.dlq
 * </pre>
 *
 * <p>Bad input never stops the job: every record that does not decode or breaks a rule, on either
 * topic, is a dead letter with the reason (see {@link DecodeLabelledEvents}, {@link
 * DecodeModelVersions}, {@link ChampionDriftFunction}). Decoding is bounded by the maximum record
 * size ({@code plasticity.max.record.bytes}, see {@code AvroCodec}). A job that fails anyway is
 * visible to whoever started it: see {@link #failureOf(JobClient)}.
 *
 * <p>Entry points: {@link #build} wires Kafka sources and sinks into an environment; {@link #wire}
 * takes any streams (this package's tests); {@link #startLocal} runs the job in a local MiniCluster in the
 * background; {@link #main} runs it on whatever cluster submits it. Every JVM running the job
 * needs {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.plasticity}.
 */
public final class DriftJob {
  /** Job name shown in Flink. */
  public static final String NAME = "plasticity-drift";

  private DriftJob() {}

  /** The two outputs of the job. */
  record Outputs(DataStream<DriftTrigger> triggers, DataStream<DeadLetter> deadLetters) {}

  /**
   * Wires Kafka sources and sinks and enables exactly-once checkpointing on {@code env}; call
   * {@code env.execute()} or {@code executeAsync()} afterwards.
   */
  public static void build(StreamExecutionEnvironment env, DriftJobOptions options) {
    env.setParallelism(options.parallelism());
    env.enableCheckpointing(options.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    // every operator emits new objects and none changes its input: chained operators may share them
    env.getConfig().enableObjectReuse();
    env.getConfig().setAutoWatermarkInterval(options.watermarkInterval().toMillis());
    DataStream<KafkaRecord> raw = env
        .fromSource(eventsSource(options), readAlignment(options), "labelled events ← Kafka")
        .uid("labelled-events-source");
    // versions carry no event time: their source is always idle, so that the drift operator's
    // watermark is the events' watermark; when the events are idle too, it moves at most to the
    // most advanced events channel's watermark, never to the end of time.
    SingleOutputStreamOperator<ModelVersion> versions = env
        .fromSource(versionsSource(options), WatermarkStrategy.forGenerator(c -> new AlwaysIdleWatermarks<>()),
            "model versions ← Kafka")
        .setParallelism(1)
        .uid("model-versions-source")
        .process(new DecodeModelVersions(options.settings()))
        .setParallelism(1)
        .uid("decode-model-versions")
        .name("decode + validate model versions");
    Outputs outputs = wire(raw, versions, options);
    outputs.triggers().sinkTo(triggerSink(options)).uid("drift-triggers-sink").name("drift triggers → Kafka");
    outputs.deadLetters().union(versions.getSideOutput(DecodeModelVersions.DEAD_LETTERS))
        .sinkTo(deadLetterSink(options)).uid("dead-letters-sink").name("dead letters → Kafka");
  }

  /**
   * The processing graph between any raw-record and model-version streams and the outputs. The
   * versions stream must not hold the drift operator's watermark back or move it: mark it idle
   * ({@link AlwaysIdleWatermarks}), as {@link #build} does.
   */
  static Outputs wire(DataStream<KafkaRecord> raw, DataStream<ModelVersion> versions, DriftJobOptions options) {
    SingleOutputStreamOperator<ObservedEvent> decoded = raw
        .process(new DecodeLabelledEvents(options.maxEventTimeAhead().toMillis()))
        .uid("decode-labelled-events")
        .name("decode + validate labelled events");
    DataStream<DeadLetter> deadLetters = decoded.getSideOutput(DecodeLabelledEvents.DEAD_LETTERS);
    Duration bound = options.maxOutOfOrderness();
    Duration idleness = options.sourceIdleness();
    DataStream<ObservedEvent> timed = decoded
        .assignTimestampsAndWatermarks(WatermarkStrategy.<ObservedEvent>forGenerator(
                c -> new PartitionWatermarks(bound, idleness, c.getInputActivityClock()::relativeTimeMillis))
            .withTimestampAssigner((e, recordTimestamp) -> e.eventTime()))
        .uid("event-time")
        .name("event-time watermarks per partition");
    DataStream<List<ObservedEvent>> batches = timed
        .transform("batch events per model", ObservedBatchSerializer.TYPE,
            new BatchByModel(BatchByModel.DEFAULT_MAX_EVENTS, BatchByModel.DEFAULT_MAX_DELAY_MILLIS))
        .uid("batch-events-per-model");
    BroadcastStream<ModelVersion> champions = versions.broadcast(ChampionDriftFunction.CHAMPIONS);
    SingleOutputStreamOperator<DriftTrigger> triggers = batches
        .keyBy(batch -> batch.get(0).model(), Types.STRING)
        .connect(champions)
        .process(new ChampionDriftFunction(options.settings(), Topics.EVENTS_LABELLED, options.allowedLateness().toMillis()))
        .uid("drift-detection")
        .name("drift detection per model");
    return new Outputs(triggers, deadLetters.union(triggers.getSideOutput(ChampionDriftFunction.LATE),
        triggers.getSideOutput(ChampionDriftFunction.REFUSED)));
  }

  /** How often the sources agree how far each may read; Flink's 1 s left a paused source idle that long. */
  static final Duration ALIGNMENT_UPDATE = Duration.ofMillis(100);

  /**
   * The events source's watermarks, used only to keep its readers in step ({@link
   * DriftJobOptions#maxSourceDrift()}): they follow the Kafka records' timestamps, so they exist
   * before decoding, and the event-time watermarks assigned after decoding replace them. A reader
   * without records for {@code sourceIdleness} stops holding the others back.
   *
   * <p>A bounded job reads unaligned: in flink-connector-kafka 5.0.0 a reader may be told to pause
   * a partition it has just finished, and fails the job (FLINK-39728, fixed in a later release).
   * Unbounded, a partition is never finished.
   */
  static WatermarkStrategy<KafkaRecord> readAlignment(DriftJobOptions options) {
    if (options.maxSourceDrift().toMillis() == 0 || options.bounded()) {
      return WatermarkStrategy.noWatermarks();
    }
    return WatermarkStrategy.<KafkaRecord>forBoundedOutOfOrderness(options.maxOutOfOrderness())
        .withWatermarkAlignment("plasticity-drift-events", options.maxSourceDrift(), ALIGNMENT_UPDATE)
        .withIdleness(options.sourceIdleness());
  }

  static KafkaSource<KafkaRecord> eventsSource(DriftJobOptions options) {
    KafkaSourceBuilder<KafkaRecord> builder = KafkaSource.<KafkaRecord>builder()
        .setBootstrapServers(options.bootstrapServers())
        .setTopics(Topics.EVENTS_LABELLED)
        .setGroupId(options.groupId())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new KafkaRecordDeserializer());
    if (options.bounded()) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /** The versions topic's raw records, decoded by {@link DecodeModelVersions} so that bad ones become dead letters. */
  static KafkaSource<KafkaRecord> versionsSource(DriftJobOptions options) {
    KafkaSourceBuilder<KafkaRecord> builder = KafkaSource.<KafkaRecord>builder()
        .setBootstrapServers(options.bootstrapServers())
        .setTopics(Topics.MODEL_VERSIONS)
        .setGroupId(options.groupId() + "-versions")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new KafkaRecordDeserializer());
    if (options.bounded()) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /** Exactly-once sink of triggers, keyed by model name. */
  static Sink<DriftTrigger> triggerSink(DriftJobOptions options) {
    return KafkaSink.<DriftTrigger>builder()
        .setBootstrapServers(options.bootstrapServers())
        .setRecordSerializer(KafkaRecordSerializationSchema.<DriftTrigger>builder()
            .setTopic(Topics.DRIFT_TRIGGERS)
            .setKeySerializationSchema(t -> t.getModel().getBytes(StandardCharsets.UTF_8))
            .setValueSerializationSchema(AvroFlinkSchema.of(DriftTrigger.class))
            .build())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(options.transactionalIdPrefix())
        .setProperty("transaction.timeout.ms", "600000")
        .build();
  }

  /** At-least-once sink of dead letters, keyed by the original record's key. */
  static Sink<DeadLetter> deadLetterSink(DriftJobOptions options) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(options.bootstrapServers())
        .setRecordSerializer(new DeadLetterSerializer())
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }

  /** Serializes a dead letter as the value and the original key as the key. */
  static final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private transient AvroCodec<DeadLetter> codec;

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
      if (codec == null) {
        codec = AvroCodec.of(DeadLetter.class);
      }
      ByteBuffer key = letter.getKey();
      byte[] keyBytes = null;
      if (key != null) {
        keyBytes = new byte[key.remaining()];
        key.duplicate().get(keyBytes);
      }
      // Kafka refuses a negative timestamp, and an event's time (which a late letter carries) may be one
      Long kafkaTimestamp = timestamp == null || timestamp < 0 ? null : timestamp;
      return new ProducerRecord<>(Topics.EVENTS_DLQ, null, kafkaTimestamp, keyBytes, codec.encode(letter));
    }
  }

  /**
   * Starts the job in a MiniCluster inside this JVM and returns at once; cancel it with
   * {@code client.cancel()}. The REST endpoint binds to a free port on {@link
   * DriftJobOptions#restBindHost()} (127.0.0.1 unless configured), as do the MiniCluster's
   * JobManager and TaskManager; restarts follow {@link DriftJobOptions#restartAttempts()} (0: none,
   * so a failure ends the job). Watch the job with {@link #failureOf(JobClient)}.
   */
  public static JobClient startLocal(DriftJobOptions options) throws Exception {
    return startLocal(options, OptionalInt.empty());
  }

  /**
   * {@link #startLocal(DriftJobOptions)} with Flink's Prometheus reporter answering {@code GET
   * /metrics} on {@code prometheusPort} of every interface, when one is given: the job's metrics
   * ({@link DriftJobMetrics}) and Flink's own. Pick the port with {@link #prometheusPort}.
   */
  public static JobClient startLocal(DriftJobOptions options, OptionalInt prometheusPort) throws Exception {
    logRestore(options);
    Configuration conf = localConfiguration(options);
    prometheusPort.ifPresent(port -> conf.addAll(prometheusReporter(port)));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(options.parallelism(), conf);
    build(env, options);
    return env.executeAsync(NAME);
  }

  /** Flink's name of the Prometheus reporter this job configures. */
  static final String PROMETHEUS_REPORTER = "prom";

  /**
   * The configuration of Flink's Prometheus reporter on {@code port}, as a Flink cluster's
   * configuration file would hold it ({@code metrics.reporter.prom.factory.class}, {@code
   * metrics.reporter.prom.port}).
   */
  static Configuration prometheusReporter(int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("the Prometheus reporter's port is 1..65535 (pick one with prometheusPort), got "
          + port);
    }
    Configuration conf = new Configuration();
    String prefix = "metrics.reporter." + PROMETHEUS_REPORTER + ".";
    conf.set(ConfigOptions.key(prefix + "factory.class").stringType().noDefaultValue(),
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    conf.set(ConfigOptions.key(prefix + "port").stringType().noDefaultValue(), String.valueOf(port));
    return conf;
  }

  /**
   * The port to give {@link #startLocal(DriftJobOptions, OptionalInt)}: {@code configured}, or a
   * port free now when it is 0 (Flink's reporter cannot tell which one it bound).
   */
  public static int prometheusPort(int configured) {
    if (configured != 0) {
      return configured;
    }
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot find a free port for the Prometheus reporter", e);
    }
  }

  /** The MiniCluster's configuration for {@link #startLocal}. */
  static Configuration localConfiguration(DriftJobOptions options) {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(RestOptions.BIND_ADDRESS, options.restBindHost());
    conf.set(RestOptions.ADDRESS, options.restBindHost());
    conf.set(JobManagerOptions.BIND_HOST, options.restBindHost());
    conf.set(JobManagerOptions.ADDRESS, options.restBindHost());
    conf.set(TaskManagerOptions.BIND_HOST, options.restBindHost());
    conf.set(TaskManagerOptions.HOST, options.restBindHost());
    if (options.restartAttempts() == 0) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, options.restartAttempts());
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
    }
    conf.addAll(stateConfiguration(options));
    return conf;
  }

  /**
   * Where checkpoints go and what to restore from, for a local job and for {@link #main}: with a
   * checkpoint directory, checkpoints are kept there after a cancel; with {@code restoreFrom}, the
   * job starts from that checkpoint or savepoint. The operators' state has the names and types of
   * every earlier version of this job, so its checkpoints restore.
   */
  static Configuration stateConfiguration(DriftJobOptions options) {
    Configuration conf = new Configuration();
    if (options.checkpointDirectory() != null) {
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, options.checkpointDirectory());
      conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }
    if (options.restoreFrom() != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, options.restoreFrom());
    }
    return conf;
  }

  private static void logRestore(DriftJobOptions options) {
    if (options.restoreFrom() != null) {
      org.slf4j.LoggerFactory.getLogger(DriftJob.class).info("the drift job restores its state from {}", options.restoreFrom());
    }
  }

  /**
   * Why the job failed, once it has: empty while it runs or restarts, and after it finished or was
   * cancelled; the cause (Flink's {@code JobExecutionException}, whose causes name the operator's
   * exception) once it failed, i.e. after its restarts ran out. Reads the job's result future only
   * (never blocks, and works after a local job's MiniCluster has shut down, when {@code
   * getJobStatus()} no longer answers), so it is cheap to poll.
   */
  public static Optional<Throwable> failureOf(JobClient job) {
    CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
    if (!result.isDone()) {
      return Optional.empty();
    }
    try {
      result.join();
      return Optional.empty();
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (ExceptionUtils.findThrowable(cause, JobCancellationException.class).isPresent()) {
        return Optional.empty();
      }
      return Optional.of(cause);
    }
  }

  /** Runs the job until cancelled; flags as in {@link DriftJobOptions#fromArgs}. */
  public static void main(String[] args) throws Exception {
    DriftJobOptions options = DriftJobOptions.fromArgs(args);
    logRestore(options);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(stateConfiguration(options));
    build(env, options);
    env.execute(NAME);
  }
}
