package dev.plasticity.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plasticity.embedded.EmbeddedKafkaBroker;
import dev.plasticity.embedded.KafkaTopics;
import dev.plasticity.inference.scoring.DeadLetterRule;
import dev.plasticity.inference.scoring.ScoringApp;
import dev.plasticity.inference.scoring.ScoringConfig;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The scoring app on a real broker and a real registry, measured in one run three ways:
 *
 * <ol>
 *   <li><b>Throughput.</b> A backlog of events is written before the app starts; the app's rate is
 *       the events it answered over the time from its first committed prediction to its last, set
 *       against DJL's raw batched forward pass on the same network and batch size (an input array
 *       made before timing; logits stay in the engine).
 *   <li><b>Latency at a fixed rate.</b> Events are written at a steady rate, each stamped with the
 *       wall-clock time it was sent; a {@code read_committed} consumer of the predictions topic
 *       takes each answer's latency as the time it read it minus that stamp: encoding, the broker,
 *       batching, scoring and the transaction's commit all count.
 *   <li><b>A swap under that load.</b> Halfway through, a second version is registered; the app
 *       hears of it on the versions topic, loads and verifies it, and swaps between batches. Every
 *       event sent must get exactly one prediction (a failed prediction is one that never came, came
 *       twice, or was dead-lettered), and the latency of the events sent from the registration until
 *       two seconds after the first answer of the new version is set against the steady latency
 *       before it.
 * </ol>
 *
 * <p>Writes {@code scoring-app.json} and {@code scoring-app.md} to {@code --out} (default {@code
 * docs/reports}).
 */
public final class ScoringAppBench {
  static final String MODEL = "bench-scoring";
  private static final AvroCodec<UnlabelledEvent> EVENTS = AvroCodec.of(UnlabelledEvent.class);
  private static final AvroCodec<Prediction> PREDICTIONS = AvroCodec.of(Prediction.class);
  /** Events sent in the first seconds of the fixed-rate run, left out of the steady figures. */
  private static final Duration WARM_UP = Duration.ofSeconds(3);
  /** How long after the first answer of the new version the swap's window lasts. */
  private static final Duration SWAP_TAIL = Duration.ofSeconds(2);

  record Settings(int backlog, int rate, int seconds, int maxBatch, int maxDelayMs, int commitIntervalMs,
      int partitions, List<Integer> hidden, Path out) {}

  record Throughput(int events, double seconds, double eventsPerSecond, double rawForwardRowsPerSecond,
      double appToRawForward, double meanBatch, double jvmCpuMicrosPerEvent, double rawForwardMicrosPerRow) {}

  record Latency(long events, double p50Ms, double p99Ms, double maxMs) {}

  record Swap(int fromVersion, int toVersion, double registeredToFirstAnswerMs, long eventsSent, long predicted,
      long missing, long duplicated, long deadLettered, long failedPredictions, Latency duringSwap,
      double swapP99ToSteadyP99) {}

  public static void main(String[] args) throws Exception {
    Settings settings = parse(args);
    ModelFormat.engine().setRandomSeed(42);
    Architecture architecture = Architecture.newBuilder(InferenceBatchBench.architecture())
        .setHiddenUnits(settings.hidden()).build();
    byte[] first = weights(architecture);
    byte[] second = changed(architecture, first); // the registry answers an artifact it holds with that version
    double rawRowsPerSecond = rawForward(architecture, first, settings.maxBatch());
    System.out.printf(Locale.ROOT, "raw batched forward at %d rows: %,.0f rows/s%n", settings.maxBatch(),
        rawRowsPerSecond);

    Path dir = Files.createTempDirectory("scoring-app-bench");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
      KafkaTopics.ensure(broker.bootstrapServers(), settings.partitions(), (short) 1);
      try (RegistryServer registry = RegistryServer.start(RegistryConfig.builder().dataDir(dir.resolve("registry"))
          .httpPort(0).kafkaBootstrapServers(broker.bootstrapServers()).build())) {
        RegistryClient client = new RegistryClient(registry.baseUri());
        client.ensureModel(MODEL);
        int v1 = client.register(InferenceBatchBench.champion(architecture, MODEL), first).getVersion();
        ScoringConfig config = new ScoringConfig(broker.bootstrapServers(), registry.baseUri(), null, List.of(MODEL),
            "bench-scoring-app", dir.resolve("scoring-state"), settings.maxBatch(),
            Duration.ofMillis(settings.maxDelayMs()));
        Map<String, Object> overrides = Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitIntervalMs());

        Random random = new Random(7);
        try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers());
            PredictionReader reader = new PredictionReader(broker.bootstrapServers())) {
          for (int i = 0; i < settings.backlog(); i++) {
            send(producer, "backlog-" + i, System.currentTimeMillis(), architecture, random);
          }
          producer.flush();
          System.out.printf(Locale.ROOT, "%,d events written before the app starts%n", settings.backlog());

          try (ScoringApp app = ScoringApp.start(config, overrides)) {
            await("version " + v1 + " served and the app running", Duration.ofMinutes(2),
                () -> app.servedVersion(MODEL).equals(OptionalInt.of(v1)) && app.state() == KafkaStreams.State.RUNNING);
            long cpuBefore = processCpuNanos();
            await("the backlog answered", Duration.ofMinutes(10), () -> reader.answered("backlog-") >= settings.backlog());
            long cpu = processCpuNanos() - cpuBefore;
            Throughput throughput = reader.throughput("backlog-", rawRowsPerSecond,
                (double) app.counts().batchedEvents() / app.counts().batches(), cpu / 1e3 / settings.backlog());
            long batchesBefore = app.counts().batches();
            long batchedBefore = app.counts().batchedEvents();
            System.out.printf(Locale.ROOT, "throughput: %,.0f events/s (%.2fx raw forward)%n",
                throughput.eventsPerSecond(), throughput.appToRawForward());

            FixedRateRun run = new FixedRateRun(producer, reader, architecture, settings, client, second);
            run.go();
            await("every event of the fixed-rate run answered or given up", Duration.ofSeconds(60),
                () -> reader.answered("live-") >= run.sent.get());
            Thread.sleep(2_000); // a duplicate would come with the next commit
            long deadLettered = app.counts().deadLettered();
            double liveMeanBatch = (double) (app.counts().batchedEvents() - batchedBefore)
                / (app.counts().batches() - batchesBefore);
            Latency steady = reader.latency("live-", run.warmedUpAtMs, run.registeredAtMs);
            Latency overall = reader.latency("live-", run.warmedUpAtMs, Long.MAX_VALUE);
            long firstNew = reader.firstAnswerOf(run.newVersion);
            Latency duringSwap = reader.latency("live-", run.registeredAtMs, firstNew + SWAP_TAIL.toMillis());
            long missing = run.sent.get() - reader.distinctAnswered("live-");
            long duplicated = reader.duplicates("live-");
            long predicted = reader.distinctAnswered("live-");
            Swap swap = new Swap(v1, run.newVersion, firstNew - run.registeredAtMs, run.sent.get(), predicted, missing,
                duplicated, deadLettered, missing + duplicated + deadLettered, duringSwap,
                duringSwap.p99Ms() / steady.p99Ms());
            Map<String, Object> rejected = new LinkedHashMap<>();
            for (DeadLetterRule rule : DeadLetterRule.values()) {
              if (app.counts().deadLettered(rule) > 0) {
                rejected.put(rule.id(), app.counts().deadLettered(rule));
              }
            }
            write(settings, architecture, throughput, steady, overall, swap, rejected, liveMeanBatch);
          }
        }
      }
    } finally {
      InferenceBatchBench.deleteRecursively(dir);
    }
  }

  static Settings parse(String[] args) {
    int backlog = 50_000;
    int rate = 1_000;
    int seconds = 40;
    int maxBatch = ScoringConfig.DEFAULT_MAX_BATCH;
    int maxDelayMs = (int) ScoringConfig.DEFAULT_MAX_DELAY.toMillis();
    int commitIntervalMs = 100; // Kafka Streams' default under exactly_once_v2, as the app runs
    int partitions = 2;
    List<Integer> hidden = InferenceBatchBench.HIDDEN;
    Path out = Path.of("docs/reports");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--backlog" -> backlog = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--max-batch" -> maxBatch = Integer.parseInt(args[++i]);
        case "--max-delay-ms" -> maxDelayMs = Integer.parseInt(args[++i]);
        case "--commit-interval-ms" -> commitIntervalMs = Integer.parseInt(args[++i]);
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        case "--hidden" -> hidden = java.util.Arrays.stream(args[++i].split(",")).map(String::trim).map(Integer::valueOf)
            .toList();
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --backlog N --rate EVENTS_PER_S"
            + " --seconds S --max-batch N --max-delay-ms MS --commit-interval-ms MS --partitions N --hidden UNITS,UNITS"
            + " --out DIR)");
      }
    }
    if (backlog < 1 || rate < 1 || seconds < 10 || partitions < 1) {
      throw new IllegalArgumentException("--backlog and --rate must be at least 1, --seconds at least 10 and"
          + " --partitions at least 1");
    }
    return new Settings(backlog, rate, seconds, maxBatch, maxDelayMs, commitIntervalMs, partitions, hidden, out);
  }

  private static byte[] weights(Architecture architecture) throws IOException {
    try (Model model = ModelFormat.newModel(MODEL, architecture)) {
      return ModelFormat.saveParameters(model);
    }
  }

  /** The same network with its first weights scaled: another artifact, answers of the same cost. */
  private static byte[] changed(Architecture architecture, byte[] artifact) {
    try (Model model = ModelFormat.load(MODEL + "-next", architecture, artifact)) {
      model.getBlock().getParameters().valueAt(0).getArray().muli(1.5f);
      return ModelFormat.saveParameters(model);
    }
  }

  /** Rows per second of DJL's block forward on a prepared input of {@code batch} rows: the floor's ceiling. */
  static double rawForward(Architecture architecture, byte[] artifact, int batch) throws Exception {
    try (Model model = ModelFormat.load(MODEL + "-raw", architecture, artifact);
        NDManager manager = model.getNDManager().newSubManager()) {
      Block block = model.getBlock();
      ParameterStore parameters = new ParameterStore(manager, false);
      float[] flat = new float[batch * architecture.getInputFeatures().size()];
      Random random = new Random(3);
      for (int i = 0; i < flat.length; i++) {
        flat[i] = (float) random.nextGaussian();
      }
      NDArray input = manager.create(flat, new Shape(batch, architecture.getInputFeatures().size()));
      long sink = 0;
      double[] rounds = new double[7];
      for (int round = -2; round < rounds.length; round++) { // two warm-up rounds
        int batches = Math.max(20, 200_000 / batch);
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
          try (NDManager scope = manager.newSubManager()) {
            input.tempAttach(scope);
            sink += block.forward(parameters, new NDList(input), false).singletonOrThrow().getShape().get(0);
          }
        }
        if (round >= 0) {
          rounds[round] = (double) batches * batch / ((System.nanoTime() - start) / 1e9);
        }
      }
      if (sink == 42) {
        System.out.println(); // keeps the JIT from dropping the forward passes
      }
      return InferenceBatchBench.median(rounds);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Sends one event stamped (event time and record time) with {@code sentAtMs}. */
  private static void send(KafkaProducer<byte[], byte[]> producer, String id, long sentAtMs, Architecture architecture,
      Random random) {
    Map<String, Double> features = new HashMap<>();
    for (String name : architecture.getInputFeatures()) {
      features.put(name, random.nextGaussian() * 1.5);
    }
    UnlabelledEvent event = UnlabelledEvent.newBuilder().setEventId(id).setModel(MODEL).setEventTime(sentAtMs)
        .setFeatures(features).build();
    producer.send(new ProducerRecord<>(Topics.EVENTS_UNLABELLED, null, sentAtMs, id.getBytes(StandardCharsets.UTF_8),
        EVENTS.encode(event)));
  }

  /** Events at a fixed rate for the run's length, with the second version registered halfway. */
  private static final class FixedRateRun {
    private final KafkaProducer<byte[], byte[]> producer;
    private final PredictionReader reader;
    private final Architecture architecture;
    private final Settings settings;
    private final RegistryClient client;
    private final byte[] secondArtifact;
    final AtomicLong sent = new AtomicLong();
    long warmedUpAtMs;
    long registeredAtMs;
    int newVersion;

    FixedRateRun(KafkaProducer<byte[], byte[]> producer, PredictionReader reader, Architecture architecture,
        Settings settings, RegistryClient client, byte[] secondArtifact) {
      this.producer = producer;
      this.reader = reader;
      this.architecture = architecture;
      this.settings = settings;
      this.client = client;
      this.secondArtifact = secondArtifact;
    }

    void go() throws InterruptedException {
      Random random = new Random(11);
      AtomicBoolean registering = new AtomicBoolean();
      Thread register = null;
      long startNanos = System.nanoTime();
      long total = (long) settings.rate() * settings.seconds();
      warmedUpAtMs = System.currentTimeMillis() + WARM_UP.toMillis();
      for (long i = 0; i < total; i++) {
        long due = startNanos + i * 1_000_000_000L / settings.rate();
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        send(producer, "live-" + i, System.currentTimeMillis(), architecture, random);
        sent.incrementAndGet();
        if (i == total / 2 && registering.compareAndSet(false, true)) {
          registeredAtMs = System.currentTimeMillis();
          // a trigger id of its own: the registry answers a trigger it has seen with the version it made
          ModelVersion next = ModelVersion.newBuilder(InferenceBatchBench.champion(architecture, MODEL))
              .setLineage(Lineage.newBuilder().setTriggerId("bench-swap").setStrategy("retrain").build()).build();
          register = new Thread(() -> newVersion = client.register(next, secondArtifact).getVersion(), "bench-register");
          register.start();
        }
        if (i % settings.rate() == 0) {
          System.out.printf(Locale.ROOT, "  %ds: %,d sent, %,d answered%n", i / settings.rate(), sent.get(),
              reader.answered("live-"));
        }
      }
      producer.flush();
      if (register != null) {
        register.join();
      }
    }
  }

  /**
   * Reads the predictions topic (committed records only) on its own thread, keeping per event id
   * how many answers came, the first answer's read time and version.
   */
  private static final class PredictionReader implements AutoCloseable {
    private record Answer(long sentAtMs, long readAtMs, int version) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicLong firstReadMs = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastReadMs = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    PredictionReader(String bootstrapServers) {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
      consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.PREDICTIONS, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread = new Thread(this::read, "bench-predictions");
      thread.setDaemon(true);
      thread.start();
    }

    private void read() {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
          long now = System.currentTimeMillis();
          Prediction prediction = PREDICTIONS.decode(record.value());
          if (!prediction.getServed()) {
            continue; // a shadow's or previous champion's prediction: not the answer
          }
          String id = prediction.getEventId();
          if (id.startsWith("backlog-")) {
            firstReadMs.compareAndSet(Long.MAX_VALUE, now);
            lastReadMs.set(now);
          }
          answers.putIfAbsent(id, new Answer(prediction.getEventTime(), now, prediction.getVersion()));
          counts.merge(id, 1, Integer::sum);
        }
      }
    }

    long answered(String prefix) {
      return answers.keySet().stream().filter(id -> id.startsWith(prefix)).count();
    }

    long distinctAnswered(String prefix) {
      return answered(prefix);
    }

    long duplicates(String prefix) {
      return counts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue() - 1).sum();
    }

    Throughput throughput(String prefix, double rawRowsPerSecond, double meanBatch, double cpuMicrosPerEvent) {
      int n = (int) answered(prefix);
      double seconds = (lastReadMs.get() - firstReadMs.get()) / 1e3;
      double rate = n / seconds;
      return new Throughput(n, seconds, rate, rawRowsPerSecond, rate / rawRowsPerSecond, meanBatch, cpuMicrosPerEvent,
          1e6 / rawRowsPerSecond);
    }

    /** Latency of the answers to events sent in [fromMs, untilMs). */
    Latency latency(String prefix, long fromMs, long untilMs) {
      double[] ms = answers.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
          .map(Map.Entry::getValue).filter(a -> a.sentAtMs() >= fromMs && a.sentAtMs() < untilMs)
          .mapToDouble(a -> a.readAtMs() - a.sentAtMs()).sorted().toArray();
      if (ms.length == 0) {
        return new Latency(0, Double.NaN, Double.NaN, Double.NaN);
      }
      return new Latency(ms.length, quantile(ms, 0.5), quantile(ms, 0.99), ms[ms.length - 1]);
    }

    /** When the first answer of {@code version} was read. */
    long firstAnswerOf(int version) {
      return answers.values().stream().filter(a -> a.version() == version).mapToLong(Answer::readAtMs).min()
          .orElseThrow(() -> new IllegalStateException("no answer of version " + version + " was read"));
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** CPU time of this whole JVM so far: the app, the broker, the producer and the reader together. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static double quantile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting, after " + limit + ", for: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static void write(Settings settings, Architecture architecture, Throughput throughput, Latency steady,
      Latency overall, Swap swap, Map<String, Object> rejected, double liveMeanBatch) throws IOException {
    Path dir = settings.out();
    Files.createDirectories(dir);
    String command = BenchCommand.only("scoringapp");
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "the scoring app (Kafka Streams, exactly_once_v2) on an embedded KRaft broker");
    report.put("command", command);
    report.put("model", InferenceBatchBench.FEATURES + " features, " + ModelFormat.describe(architecture));
    report.put("settings", settings.toString().replace("Settings", ""));
    report.put("machine", InferenceBatchBench.machine());
    report.put("throughput", throughput);
    report.put("latency_steady", steady);
    report.put("latency_whole_run", overall);
    report.put("latency_run_mean_batch", liveMeanBatch);
    report.put("swap", swap);
    report.put("dead_letters_by_rule", rejected);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("scoring-app.json").toFile(),
        report);
    StringBuilder md = new StringBuilder()
        .append("# The scoring app: throughput, latency and a swap under load\n\n")
        .append("Regenerate: `").append(command).append("` (writes this file and `scoring-app.json`; run it alone,"
            + " other load skews the figures).\n\n")
        .append("One scoring app (Kafka Streams, `exactly_once_v2`, commit interval ")
        .append(settings.commitIntervalMs()).append(" ms, batches of up to ").append(settings.maxBatch())
        .append(" events or every ").append(settings.maxDelayMs()).append(" ms) on an embedded KRaft broker with ")
        .append(settings.partitions()).append(" partitions per topic, and a registry; model: ")
        .append(report.get("model")).append(". The producer and the reader of the predictions (`read_committed`) run"
            + " in the same JVM. Machine: ").append(report.get("machine")).append(".\n\n")
        .append("## Throughput\n\n")
        .append(String.format(Locale.ROOT, "A backlog of %,d events written before the app started was answered in"
                + " %.1f s (first to last committed prediction): **%,.0f events/s**, against DJL's raw batched forward"
                + " pass at %d rows on the same network, %,.0f rows/s: **%.3fx**. Events per batch scored: %.1f on"
                + " average.%n%n"
                + "Where the time goes: answering the backlog cost this JVM (the app, the embedded broker, the"
                + " producer and the reader together) %.0f µs of CPU per event on %d cores, of which DJL's forward"
                + " pass at %d rows would take %.2f µs (%.1f%%); the rest is reading and decoding each event, the"
                + " pending store, writing each prediction in a Kafka transaction, and the broker's own work.%n%n",
            throughput.events(),
            throughput.seconds(), throughput.eventsPerSecond(), settings.maxBatch(),
            throughput.rawForwardRowsPerSecond(), throughput.appToRawForward(), throughput.meanBatch(),
            throughput.jvmCpuMicrosPerEvent(), Runtime.getRuntime().availableProcessors(), settings.maxBatch(),
            throughput.rawForwardMicrosPerRow(), 100 * throughput.rawForwardMicrosPerRow()
                / throughput.jvmCpuMicrosPerEvent()))
        .append("## Latency at a fixed rate\n\n")
        .append(String.format(Locale.ROOT, "%,d events/s for %d s, each stamped when sent; latency is the time the"
                + " reader got its committed prediction minus that stamp. The first %d s are left out. Events per"
                + " batch scored: %.1f on average.%n%n",
            settings.rate(), settings.seconds(), WARM_UP.toSeconds(), liveMeanBatch))
        .append("| window | events | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n")
        .append(row("steady (before the swap)", steady))
        .append(row("during the swap", swap.duringSwap()))
        .append(row("whole run", overall))
        .append("\n## A swap under load\n\n")
        .append(String.format(Locale.ROOT, "Version %d was registered halfway; the first prediction of version %d"
                + " was read %.0f ms later. Events sent: %,d; predicted once: %,d; missing: %,d; duplicated: %,d;"
                + " dead-lettered: %,d. **Failed predictions: %,d.** p99 during the swap (events sent from the"
                + " registration until %d s after the first answer of the new version) is %.2fx the steady p99.%n",
            swap.toVersion(), swap.toVersion(), swap.registeredToFirstAnswerMs(), swap.eventsSent(), swap.predicted(),
            swap.missing(), swap.duplicated(), swap.deadLettered(), swap.failedPredictions(), SWAP_TAIL.toSeconds(),
            swap.swapP99ToSteadyP99()));
    if (!rejected.isEmpty()) {
      md.append("\nDead letters by rule: ").append(rejected).append(".\n");
    }
    Files.writeString(dir.resolve("scoring-app.md"), md.toString());
    System.out.println(md);
  }

  private static String row(String window, Latency l) {
    return String.format(Locale.ROOT, "| %s | %,d | %.0f | %.0f | %.0f |%n", window, l.events(), l.p50Ms(), l.p99Ms(),
        l.maxMs());
  }
}
