package dev.plasticity.bench;

import dev.plasticity.schemas.Aliases;
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
import java.lang.management.ManagementFactory;
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
 * an in-process KRaft broker, N labelled SEA events on 2 partitions (and one uncounted event per
 * partition a minute after the last, which releases the last ones from the unbounded job) and a
 * champion version; then
 * three readers, each in its own JVM so that none deoptimises code compiled for another:
 * (1) a plain {@code KafkaConsumer} reads every record to the end (bytes only, no decoding),
 * (2) the drift job runs on a local MiniCluster (parallelism 2, exactly-once checkpoints every 2
 * s, its default options but 200 ms out of orderness) over the same records until it has assessed
 * them all: decode, validate,
 * batch, event-time ordering, window tests, sinks, and (3) a "Flink floor" job with the same
 * source, a keyBy record by record and nothing else, bounded.
 *
 * <p>Each reader makes one pass over the topic, cut into equal segments (--segments), and its
 * steady state is reported ({@link #steady}): the job stands for a long-running one, and on 2
 * cores the JIT compiler goes on compiling Flink's and Kafka's code well into the pass. Each segment's rate is taken from
 * the reader's own count (the job's through its counters, see {@link CounterTap}), with the CPU
 * the reader's JVM spent in it per event, split into the JIT compiler, the garbage collector and
 * the rest.
 */
public final class DriftJobThroughputBench {
  static final String RAW = "raw";
  static final String JOB = "job";
  static final String FLOOR = "floor";

  public static void main(String[] args) throws Exception {
    int events = 10_000_000;
    int segments = 10;
    Path out = Path.of("docs/reports");
    int parallelism = 2;
    String reader = null;
    String bootstrap = null;
    Path result = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--segments" -> segments = Integer.parseInt(args[++i]);
        case "--reader" -> reader = args[++i]; // internal: one reader's pass in a child JVM
        case "--bootstrap" -> bootstrap = args[++i];
        case "--result" -> result = Path.of(args[++i]);
        case "--parallelism" -> parallelism = Integer.parseInt(args[++i]); // internal: the job's, for the scaling bench
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --events N --segments N --out DIR)");
      }
    }
    if (segments < 1) {
      throw new IllegalArgumentException("--segments must be at least 1, was " + segments);
    }
    if (reader != null) {
      String servers = bootstrap;
      int p = parallelism;
      Segments pass = new Segments(reader, events, segments);
      switch (reader) {
        case RAW -> readRaw(servers, pass);
        case JOB -> runJob(env -> DriftJob.build(env, driftJobOptions(servers, p)), pass, p);
        case FLOOR -> runJob(env -> FlinkFloorJob.build(env, servers), pass, p);
        default -> throw new IllegalArgumentException("unknown reader " + reader);
      }
      new ObjectMapper().writeValue(result.toFile(), pass.spans());
      return;
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startInTempDir()) {
      bootstrap = broker.bootstrapServers();
      KafkaTopics.ensure(bootstrap, 2, (short) 1);
      produce(bootstrap, events, 1);
      Map<String, List<Span>> byReader = new LinkedHashMap<>();
      // -Dbench.readers=job runs only the job, for a quick look; the report needs all three
      List<String> readers = List.of(System.getProperty("bench.readers", RAW + "," + JOB + "," + FLOOR).split(","));
      for (String r : readers) {
        byReader.put(r, inChildJvm(r, bootstrap, events, segments, 2));
      }
      if (byReader.keySet().containsAll(List.of(RAW, JOB, FLOOR))) {
        report(out, events, segments, byReader);
      }
    }
  }

  /** Runs one reader's pass in a fresh JVM with this JVM's flags and class path. */
  static List<Span> inChildJvm(String reader, String bootstrap, int events, int segments, int parallelism)
      throws Exception {
    Path result = Files.createTempFile("throughput-" + reader, ".json");
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      String recordings = System.getProperty("bench.jfr"); // a folder: each reader records a profile there
      if (recordings != null) {
        command.add("-XX:StartFlightRecording=filename=" + Path.of(recordings, reader + ".jfr") + ",settings=profile");
      }
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), DriftJobThroughputBench.class.getName(),
          "--reader", reader, "--bootstrap", bootstrap, "--events", String.valueOf(events),
          "--segments", String.valueOf(segments), "--parallelism", String.valueOf(parallelism),
          "--result", result.toString()));
      int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("the " + reader + " reader failed with exit code " + exit);
      }
      return List.of(new ObjectMapper().readValue(result.toFile(), Span[].class));
    } finally {
      Files.deleteIfExists(result);
    }
  }

  static void report(Path out, int events, int segments, Map<String, List<Span>> byReader) throws Exception {
    Span raw = steady(byReader.get(RAW));
    Span job = steady(byReader.get(JOB));
    Span floor = steady(byReader.get(FLOOR));
    Span coldRaw = byReader.get(RAW).get(0);
    Span coldJob = byReader.get(JOB).get(0);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "drift job vs raw Kafka consumer, same topic, same run");
    report.put("command", "mvn -B -Pbench -DskipTests -pl ops/bench -am package");
    report.put("events", events);
    report.put("segments", segments);
    report.put("raw_consumer_records", raw.events());
    report.put("raw_consumer_events_per_second", raw.eventsPerSecond());
    report.put("drift_job_events_per_second", job.eventsPerSecond());
    double ratio = job.eventsPerSecond() / raw.eventsPerSecond();
    report.put("ratio_job_to_raw", ratio);
    report.put("flink_floor_events_per_second", floor.eventsPerSecond());
    report.put("ratio_floor_to_raw", floor.eventsPerSecond() / raw.eventsPerSecond());
    report.put("ratio_job_to_floor", job.eventsPerSecond() / floor.eventsPerSecond());
    report.put("reported_segment", "median rate of the second half of the pass, its last segment left out");
    report.put("first_segment_raw_consumer_events_per_second", coldRaw.eventsPerSecond());
    report.put("first_segment_drift_job_events_per_second", coldJob.eventsPerSecond());
    report.put("segments_by_reader", byReader);
    report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));
    Files.createDirectories(out);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("drift-job-throughput.json").toFile(), report);
    StringBuilder segmentsTable = new StringBuilder();
    byReader.forEach((reader, spans) -> {
      for (int i = 0; i < spans.size(); i++) {
        Span s = spans.get(i);
        segmentsTable.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.2f | %.2f | %.2f | %.1f |%n", reader, i + 1,
            s.eventsPerSecond(), s.cpuMicrosPerEvent(), s.jitMicrosPerEvent(), s.gcMicrosPerEvent(), s.startupSeconds()));
      }
    });
    String md = String.format(Locale.ROOT, """
        # Drift job throughput vs raw Kafka consumer

        Regenerate: `%s` (writes this file and `drift-job-throughput.json`).
        %,d labelled SEA events (3 features, one model; `-Dbench.job.events=N`
        changes the count) on 2 partitions of an in-process KRaft
        broker, and one uncounted event per partition a minute later that releases the last ones
        from the unbounded job, as a live stream's next events would; %s.

        Each reader runs in its own JVM against the same broker and makes one pass over the topic,
        cut into %d equal segments. The figure reported is the steady state: of the segments in the
        second half of the pass, the one with the median rate (their range is given too), as a job
        runs for long and the JIT compiler on 2 cores takes half the pass to settle. The last
        segment, which ends with the input (sources finishing, the job draining), is left out. Segments are cut by each reader's own
        count: the raw consumer's records polled, and the job's events taken by its drift operator
        (its `eventsAssessed` counter, read through a Flink metric reporter), the first starting at
        the first record read. A MiniCluster's start-up comes before the first segment ("seconds
        before"). CPU is that of the reader's JVM (the broker runs in another) over the segment, per
        event; JIT and GC are the compiler's and the collector's threads' share of it.

        | reader | events / s | second half, events / s | CPU µs / event | of which JIT | of which GC |
        |---|---:|---:|---:|---:|---:|
        | raw `KafkaConsumer` (bytes, no decoding) | %,.0f | %s | %.2f | %.2f | %.2f |
        | drift job, MiniCluster, parallelism 2, exactly-once | %,.0f | %s | %.2f | %.2f | %.2f |
        | Flink floor: same source, keyBy(model) record by record, nothing else | %,.0f | %s | %.2f | %.2f | %.2f |

        **The job reaches %.0f%% of the raw consumer's rate**; a Flink job that only reads the same
        records and shuffles them to one key record by record (the job shuffles batches of one
        model's events), with the same checkpointing, reaches %.0f%%: **the job runs at %.2f× the
        floor**. In the first segment, cold, the raw consumer read %,.0f events/s and the job %,.0f.

        ## Where the job's CPU goes

        All of one model's events pass through one drift subtask (the job keys by model), and that
        subtask is the bottleneck: Flink's task metrics in the bench's output show its thread busy
        about 880 ms of each second and the two source subtasks back-pressured about 400 ms of
        theirs. A JFR profile of the job (`-Dbench.jfr=DIR -Dbench.readers=job`, 10M events;
        `jfr print --events jdk.ExecutionSample DIR/job.jfr`, samples of that subtask's thread
        grouped by the first of these frames on their stack) splits its time so:

        | share of the drift subtask's samples | where |
        |---:|---|
        | 32%% | the window tests of each 500-event window (`DriftMonitor.assess`): sorting each feature's values, KS (a merge of the window's 500 steps with the reference's 101 quantiles), PSI, the label and error tests, and building the window's observations |
        | 31%% | deserialising the batches that arrive from the sources (`ObservedBatchSerializer`: per event its layout flag, partition, offset, time, values, label, prediction and the original bytes that a dead letter would carry; a batch spans network buffers) |
        | 22%% | putting events in event-time order (`EventTimeBuffer`: admitting each batch into 20 ms buckets of keyed map state, releasing them at each watermark) |
        | 12%% | the per-event step of `ModelWatch` (window state, cooldown, class check) |
        | 4%% | checkpoints and the rest of Flink's runtime |

        Each of these is work on every event of the model in event-time order, so it stays in the
        one subtask; the floor's receiving subtask only deserialises a byte array per record. Next to
        that, the JVM's JIT compiler is still compiling in the second half of the pass ("of which
        JIT" above), and the collector copies the events that wait for the watermark (tens of
        thousands at a time at this rate, from how far one partition's reader runs ahead of the
        other) out of the young generation; on 2 cores both take CPU from the drift subtask's thread.
        Reaching the floor's rate for one model would take spreading that model's work over more
        than one thread (the window tests in an operator of their own, downstream of the ordering),
        a change of the job's structure rather than of its tests.

        Every segment:

        | reader | segment | events / s | CPU µs / event | JIT | GC | seconds before |
        |---|---:|---:|---:|---:|---:|---:|
        %s""", report.get("command"), events, report.get("machine"), segments,
        raw.eventsPerSecond(), steadyRange(byReader.get(RAW)), raw.cpuMicrosPerEvent(), raw.jitMicrosPerEvent(),
        raw.gcMicrosPerEvent(),
        job.eventsPerSecond(), steadyRange(byReader.get(JOB)), job.cpuMicrosPerEvent(), job.jitMicrosPerEvent(),
        job.gcMicrosPerEvent(),
        floor.eventsPerSecond(), steadyRange(byReader.get(FLOOR)), floor.cpuMicrosPerEvent(), floor.jitMicrosPerEvent(),
        floor.gcMicrosPerEvent(),
        100 * ratio, 100 * (double) report.get("ratio_floor_to_raw"), (double) report.get("ratio_job_to_floor"), coldRaw.eventsPerSecond(), coldJob.eventsPerSecond(),
        segmentsTable);
    Files.writeString(out.resolve("drift-job-throughput.md"), md);
    System.out.println(md);
  }

  /**
   * The steady state of a pass: of the segments in its second half (the JIT has mostly settled by
   * then) but the last, the one with the median rate, so that one segment slowed by a checkpoint or
   * a late compilation does not decide the figure. The last segment ends with the input: sources
   * finish (their threads, and the CPU they spent, leave the process) and a job drains.
   */
  static Span steady(List<Span> spans) {
    List<Span> late = new ArrayList<>(secondHalf(spans));
    late.sort(java.util.Comparator.comparingDouble(Span::eventsPerSecond));
    return late.get((late.size() - 1) / 2);
  }

  /** The segments of the second half of a pass but the last (all of them for a pass of one or two). */
  static List<Span> secondHalf(List<Span> spans) {
    return spans.size() <= 2 ? spans : spans.subList(spans.size() / 2, spans.size() - 1);
  }

  /** The slowest and fastest rate in the second half of a pass (but its last segment), for the report. */
  static String steadyRange(List<Span> spans) {
    List<Span> late = secondHalf(spans);
    return String.format(Locale.ROOT, "%,.0f–%,.0f", late.stream().mapToDouble(Span::eventsPerSecond).min().orElse(0),
        late.stream().mapToDouble(Span::eventsPerSecond).max().orElse(0));
  }

  /**
   * One segment of one reader's pass.
   *
   * @param events events read in the span
   * @param seconds wall time of the span: first to last event
   * @param startupSeconds wall time from the reader's start to the start of the span
   * @param cpuSeconds CPU of the reader's JVM, all threads, in the span
   * @param jitSeconds of which the JIT compiler threads
   * @param gcSeconds of which the garbage collector threads
   */
  record Span(long events, double seconds, double startupSeconds, double cpuSeconds, double jitSeconds,
      double gcSeconds) {
    double eventsPerSecond() {
      return events / seconds;
    }

    double cpuMicrosPerEvent() {
      return 1e6 * cpuSeconds / events;
    }

    double jitMicrosPerEvent() {
      return 1e6 * jitSeconds / events;
    }

    double gcMicrosPerEvent() {
      return 1e6 * gcSeconds / events;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,.0f events/s, CPU %.2f µs/event (JIT %.2f, GC %.2f), start-up %.1f s",
          eventsPerSecond(), cpuMicrosPerEvent(), jitMicrosPerEvent(), gcMicrosPerEvent(), startupSeconds);
    }
  }

  /** CPU of this JVM by kind of thread, from /proc (zeros where there is none). */
  record CpuSample(long wallNanos, long totalTicks, long jitTicks, long gcTicks) {
    private static final double TICK_SECONDS = 0.01; // USER_HZ, 100 on Linux

    static CpuSample now() {
      long total = 0;
      long jit = 0;
      long gc = 0;
      try (var tasks = Files.list(Path.of("/proc/self/task"))) {
        for (Path task : tasks.toList()) {
          try {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
            total += ticks;
            if (name.contains("CompilerThre")) {
              jit += ticks;
            } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
              gc += ticks;
            }
          } catch (java.io.IOException | RuntimeException ended) {
            // the thread ended between listing and reading
          }
        }
      } catch (java.io.IOException noProc) {
        // not Linux: CPU figures stay zero
      }
      return new CpuSample(System.nanoTime(), total, jit, gc);
    }

    Span spanTo(CpuSample end, long events, long startedNanos) {
      return new Span(events, (end.wallNanos - wallNanos) / 1e9, (wallNanos - startedNanos) / 1e9,
          (end.totalTicks - totalTicks) * TICK_SECONDS, (end.jitTicks - jitTicks) * TICK_SECONDS,
          (end.gcTicks - gcTicks) * TICK_SECONDS);
    }
  }

  static DriftJobOptions driftJobOptions(String bootstrap, int parallelism) {
    return DriftJobOptions.builder(bootstrap)
        .parallelism(parallelism)
        .groupId("bench-" + UUID.randomUUID())
        .transactionalIdPrefix("bench-" + UUID.randomUUID())
        .maxOutOfOrderness(Duration.ofMillis(200))
        .checkpointInterval(Duration.ofMillis(Long.getLong("bench.checkpoint.millis", 2000)))
        .restartAttempts(0)
        // unbounded, as in production, where the sources stay aligned (a bounded job reads unaligned,
        // see DriftJob.readAlignment); runJob cancels it once every event was assessed
        .bounded(false)
        .build();
  }

  /**
   * Runs a job over the whole topic in a MiniCluster of this JVM (parallelism 2 unless told, as
   * {@link DriftJob#startLocal} does), with {@link CounterTap} attached to watch its counters, until it
   * ends or, unbounded, until its counters show every event.
   */
  static void runJob(Consumer<StreamExecutionEnvironment> job, Segments segments, int parallelism) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.setString("metrics.reporter.tap.factory.class", CounterTap.Factory.class.getName());
    // checkpoints on disk, as on a cluster: events ahead of the watermark are state, and at this
    // rate they outgrow the 5 MB that the JobManager's memory takes per checkpoint
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, Files.createTempDirectory("bench-checkpoints").toUri().toString());
    CounterTap.reset();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    job.accept(env);
    JobClient client = env.executeAsync(DriftJob.NAME);
    CompletableFuture<?> result = client.getJobExecutionResult();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(30);
    while (!result.isDone() && !segments.complete()) {
      if (System.nanoTime() > deadline) {
        client.cancel().get();
        throw new IllegalStateException("the job assessed only " + CounterTap.assessed() + " of " + segments.events
            + " events in 30 minutes");
      }
      if (CounterTap.decoded() > 0) {
        segments.observe(CounterTap.assessed());
      }
      Thread.sleep(1);
    }
    if (segments.complete() && !result.isDone()) {
      client.cancel().get(); // an unbounded job (the drift job's) ends when every event has been counted
      return;
    }
    result.get(); // rethrows a failure
    segments.observe(CounterTap.assessed());
    if (!segments.complete()) {
      throw new IllegalStateException("the job ended without the counters showing all " + segments.events
          + " events assessed (decoded " + CounterTap.decoded() + ", assessed " + CounterTap.assessed() + ")");
    }
  }

  /**
   * Cuts one pass over the topic into equal segments, a {@link Span} each: the first starts at the
   * first event read, the next where the previous ended.
   */
  static final class Segments {
    final String reader;
    final long events;
    final long size;
    final long started = System.nanoTime();
    private final List<Span> spans = new ArrayList<>();
    private CpuSample last;

    Segments(String reader, long events, int count) {
      this.reader = reader;
      this.events = events;
      this.size = events / count;
    }

    /** Called while reading, with the events read (or assessed) so far. */
    void observe(long done) {
      if (last == null) {
        last = CpuSample.now();
      }
      long boundary = (spans.size() + 1) * size;
      if (done >= boundary && spans.size() < events / size) {
        CpuSample now = CpuSample.now();
        Span span = last.spanTo(now, size, started);
        spans.add(span);
        System.out.printf(Locale.ROOT, "%s, events %,d to %,d: %s%n%s", reader, boundary - size, boundary, span,
            CounterTap.taskTimes());
        last = now;
      }
    }

    boolean complete() {
      return spans.size() == events / size;
    }

    List<Span> spans() {
      return spans;
    }
  }

  /**
   * The events, spread over {@code models} models round-robin: model "sea" when there is one, else
   * "sea-0", "sea-1", …, each with a champion.
   */
  static void produce(String bootstrap, int events, int models) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
    Random random = new Random(42);
    // recent times, so that no broker (the embedded one keeps everything) would find them expired
    long t0 = System.currentTimeMillis() - events;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int m = 0; m < models; m++) {
        String model = modelName(m, models);
        producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, model.getBytes(), AvroCodec.of(ModelVersion.class).encode(champion(model))));
      }
      for (int i = 0; i < events; i++) {
        double x1 = random.nextDouble() * 10, x2 = random.nextDouble() * 10, x3 = random.nextDouble() * 10;
        int label = x1 + x2 <= 8 ? 1 : 0;
        LabelledEvent event = LabelledEvent.newBuilder()
            .setEventId("e" + i).setModel(modelName(i % models, models)).setEventTime(t0 + i)
            .setFeatures(Map.of("x1", x1, "x2", x2, "x3", x3)).setLabel(label)
            .setPrediction(random.nextDouble() < 0.1 ? 1 - label : label).setPredictionVersion(1)
            .build();
        producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, i % 2, t0 + i, null, codec.encode(event)));
      }
      // one event per partition a minute later, not counted: its watermark releases the last counted
      // events from the unbounded drift job, as the next events of a live stream would (a record
      // more than an hour ahead of the broker's clock would be refused)
      for (int partition = 0; partition < 2; partition++) {
        long time = t0 + events + 60_000L;
        LabelledEvent tail = LabelledEvent.newBuilder()
            .setEventId("tail" + partition).setModel(modelName(0, models)).setEventTime(time)
            .setFeatures(Map.of("x1", 1.0, "x2", 1.0, "x3", 1.0)).setLabel(1).setPrediction(1).setPredictionVersion(1)
            .build();
        try {
          producer.send(new ProducerRecord<>(Topics.EVENTS_LABELLED, partition, time, null, codec.encode(tail))).get();
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("the broker refused the trailing event of partition " + partition, e);
        }
      }
    }
  }

  static void readRaw(String bootstrap, Segments segments) {
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
        int polled = consumer.poll(Duration.ofMillis(200)).count();
        if (polled > 0 || count > 0) {
          count += polled;
          segments.observe(count);
        }
      }
    }
    if (!segments.complete()) {
      throw new IllegalStateException("the raw consumer read only " + count + " of " + segments.events + " events");
    }
  }

  static String modelName(int index, int models) {
    return models == 1 ? "sea" : "sea-" + index;
  }

  /** Version 1 of {@code model}, with reference statistics of uniform [0, 10] features. */
  static ModelVersion champion(String model) {
    List<FeatureReference> features = new ArrayList<>();
    List<Double> quantiles = new ArrayList<>();
    for (int k = 0; k <= 100; k++) {
      quantiles.add(k / 10.0);
    }
    for (String name : List.of("x1", "x2", "x3")) {
      features.add(new FeatureReference(name, 100_000L, 5.0, 2.887, 0.0, 10.0, quantiles));
    }
    return ModelVersion.newBuilder()
        .setModel(model).setVersion(1).setAlias(Aliases.CHAMPION)
        .setArchitecture(Architecture.newBuilder().setInputFeatures(List.of("x1", "x2", "x3"))
            .setFeatureMeans(List.of(5.0, 5.0, 5.0)).setFeatureStds(List.of(2.887, 2.887, 2.887))
            .setHiddenUnits(List.of(16)).setNumClasses(2).build())
        .setMetrics(Map.of("accuracy", 0.9)).setArtifactUri("file:///bench").setArtifactSha256("0".repeat(64))
        .setLineage(Lineage.newBuilder().build())
        .setReference(new ReferenceStatistics(100_000L, features, List.of(0.68, 0.32), 0.1, 10_000L, List.of(), List.of()))
        .setCreatedAt(0L)
        .build();
  }
}
