package dev.plasticity.streamjobs;

import dev.plasticity.schemas.Setting;
import dev.plasticity.schemas.SharedSettings;
import dev.plasticity.streamjobs.drift.DriftSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.LoggerFactory;

/**
 * Configuration of the drift job. Build with {@link #builder(String)}; every value but the
 * bootstrap servers has a default.
 *
 * @param bootstrapServers Kafka {@code host:port[,host:port]}
 * @param groupId consumer group of the events source (default {@code plasticity-drift}); the
 *     versions source uses {@code groupId + "-versions"} and always reads from the earliest offset
 * @param parallelism operator parallelism (default 2)
 * @param checkpointInterval checkpoint interval; triggers are committed on checkpoints, so a trainer
 *     reading committed records sees a trigger up to this long after the job sent it (default
 *     500 ms: at the demo's 2,000 events/s a trigger was seen 0.34–0.86 s after the event that
 *     completed its window, against 2.2–2.4 s with 2 s checkpoints; the state a checkpoint writes is a few windows
 *     per model)
 * @param settings drift thresholds and window size (default {@link DriftSettings#defaults()})
 * @param transactionalIdPrefix prefix of the trigger sink's Kafka transactional ids; must be unique
 *     per job on a cluster (default {@code plasticity-drift})
 * @param bounded when true both sources stop at the offsets that are latest at start, so the job
 *     ends (tests); default false
 * @param restartAttempts restart attempts of {@link DriftJob#startLocal}: 0 disables restarts
 *     (tests), otherwise fixed delay of 2 s between attempts (default 3)
 * @param maxOutOfOrderness watermark lag behind the highest event time seen in each Kafka partition
 *     (default 200 ms). Watermarks follow each partition on its own ({@link PartitionWatermarks}),
 *     and Kafka keeps a partition in the order it was written, so this only has to cover the
 *     disorder within one partition; an event waits in the drift operator about this long plus
 *     one {@code watermarkInterval} before it is assessed, and a trigger leaves that much after the
 *     event that completed its evidence. Events further behind the watermark are still assessed
 *     within {@code allowedLateness}
 * @param sourceIdleness a partition without events this long stops holding watermarks back, and
 *     a subtask all of whose partitions are idle is marked idle (default 30 s)
 * @param watermarkInterval how often the job's watermark generators emit (Flink's auto-watermark
 *     interval; default 20 ms, Flink's own default is 200 ms; at least 1 ms). Events wait in state until the watermark passes them, so each tick of
 *     this interval holds that much of the stream in memory: at a million events a second, 200 ms
 *     is 200k events, which live long enough to reach the old generation. In the throughput bench
 *     the collector took up to a fifth of the job's CPU at 200 ms and about a twentieth at 20 ms
 * @param maxSourceDrift how far, in the Kafka records' timestamps, one source may read ahead of the
 *     slowest before it pauses (Flink's watermark alignment; default 5 min; under 1 ms turns it off).
 *     Events wait in state for the slowest partition's watermark, so when the job catches up on
 *     a backlog and one partition runs ahead, everything it read ahead is held in memory and in
 *     every checkpoint: in the throughput bench ~700k events, a fifth of the job's CPU in the
 *     garbage collector. Paused, those events wait in Kafka instead. Live streams, whose
 *     partitions keep pace with the clock, never reach the bound; a producer whose clock runs far
 *     behind holds the other partitions back. A {@code bounded} job reads unaligned (see {@code
 *     DriftJob.readAlignment}). Flink 2.2.1 has a rare race (FLINK-40093, fixed in 2.2.2) in which
 *     a split paused at the moment it would turn idle is not resumed; it needs a pause within
 *     {@code sourceIdleness} of a split's last record, which a 30 s idleness makes unlikely
 * @param allowedLateness an event this far behind the watermark is still assessed (out of
 *     order); a later one goes to the dead-letter topic (default 60 s)
 * @param checkpointDirectory where {@link DriftJob#startLocal} writes checkpoints, kept when the
 *     job is cancelled so it can be restarted from them (a URI such as {@code file:///var/drift});
 *     null keeps them in memory (default)
 * @param restoreFrom a checkpoint or savepoint directory {@link DriftJob#startLocal} restores the
 *     job's state from (detection windows, cooldowns, source offsets); null starts fresh (default)
 * @param restBindHost the address {@link DriftJob#startLocal} binds Flink's REST endpoint (and its
 *     JobManager and TaskManager) to; default {@code 127.0.0.1}, so that no other machine can
 *     cancel or change the job. The REST port is always a free one
 * @param maxEventTimeAhead an event whose time is further than this ahead of the job's clock goes to
 *     the dead-letter topic: one event from the far future would otherwise carry the watermark
 *     there and make every later event late (default 1 day)
 */
public record DriftJobOptions(
    String bootstrapServers,
    String groupId,
    int parallelism,
    Duration checkpointInterval,
    DriftSettings settings,
    String transactionalIdPrefix,
    boolean bounded,
    int restartAttempts,
    Duration maxOutOfOrderness,
    Duration sourceIdleness,
    Duration watermarkInterval,
    Duration maxSourceDrift,
    Duration allowedLateness,
    String checkpointDirectory,
    String restoreFrom,
    String restBindHost,
    Duration maxEventTimeAhead)
    implements Serializable {

  public DriftJobOptions {
    requireText("bootstrapServers", bootstrapServers);
    requireText("groupId", groupId);
    requireText("transactionalIdPrefix", transactionalIdPrefix);
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    requirePositive("checkpointInterval", checkpointInterval);
    Objects.requireNonNull(settings, "settings");
    if (restartAttempts < 0) {
      throw new IllegalArgumentException("restartAttempts must be >= 0, got " + restartAttempts);
    }
    Objects.requireNonNull(maxOutOfOrderness, "maxOutOfOrderness");
    if (maxOutOfOrderness.isNegative()) {
      throw new IllegalArgumentException("maxOutOfOrderness must be >= 0, got " + maxOutOfOrderness);
    }
    requirePositive("sourceIdleness", sourceIdleness);
    requirePositive("watermarkInterval", watermarkInterval);
    if (watermarkInterval.toMillis() < 1) {
      throw new IllegalArgumentException("watermarkInterval must be at least 1 ms (0 turns watermarks off), got "
          + watermarkInterval);
    }
    Objects.requireNonNull(maxSourceDrift, "maxSourceDrift");
    if (maxSourceDrift.isNegative()) {
      throw new IllegalArgumentException("maxSourceDrift must be >= 0 (under 1 ms = no alignment), got " + maxSourceDrift);
    }
    Objects.requireNonNull(allowedLateness, "allowedLateness");
    if (allowedLateness.isNegative()) {
      throw new IllegalArgumentException("allowedLateness must be >= 0, got " + allowedLateness);
    }
    requireText("restBindHost", restBindHost);
    requirePositive("maxEventTimeAhead", maxEventTimeAhead);
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
  }

  /** Options with every default, for the Kafka cluster at {@code bootstrapServers}. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** A builder that starts from these options. */
  public Builder toBuilder() {
    Builder b = new Builder(bootstrapServers);
    b.groupId = groupId;
    b.parallelism = parallelism;
    b.checkpointInterval = checkpointInterval;
    b.settings = settings;
    b.transactionalIdPrefix = transactionalIdPrefix;
    b.bounded = bounded;
    b.restartAttempts = restartAttempts;
    b.maxOutOfOrderness = maxOutOfOrderness;
    b.sourceIdleness = sourceIdleness;
    b.watermarkInterval = watermarkInterval;
    b.maxSourceDrift = maxSourceDrift;
    b.allowedLateness = allowedLateness;
    b.checkpointDirectory = checkpointDirectory;
    b.restoreFrom = restoreFrom;
    b.restBindHost = restBindHost;
    b.maxEventTimeAhead = maxEventTimeAhead;
    return b;
  }

  /**
   * The environment variable the job reads Kafka's bootstrap servers from, {@link
   * SharedSettings#KAFKA_BOOTSTRAP} as every Plasticity service reads it, with its default; {@code
   * --bootstrap-servers} overrides it. The launcher's {@code drift-job --help} lists it.
   */
  public static final Setting<String> BOOTSTRAP = SharedSettings.KAFKA_BOOTSTRAP.withDefault(
      SharedSettings.KAFKA_BOOTSTRAP.defaultValue(), "Kafka's bootstrap servers (--bootstrap-servers overrides it)");
  /** The drift job's former name for {@link #BOOTSTRAP}, still read when that is unset or empty (deprecated). */
  static final String DEPRECATED_BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
  private static final AtomicBoolean warnedDeprecatedEnv = new AtomicBoolean();

  /**
   * One command-line flag of the drift job.
   *
   * @param name the flag, e.g. {@code --window-size}
   * @param defaultValue its value when not given, as text (for the boolean {@code --bounded}: false)
   * @param description what it sets, in one line
   */
  public record Flag(String name, String defaultValue, String description) {}

  /** A flag and how it sets a builder; {@code takesValue} false for a switch. */
  private record Entry(Flag flag, boolean takesValue, BiConsumer<Builder, String> apply) {}

  private static Entry flag(String name, String defaultValue, String description, BiConsumer<Builder, String> apply) {
    return new Entry(new Flag(name, defaultValue, description), true, apply);
  }

  private static Duration millis(String value) {
    return Duration.ofMillis(Long.parseLong(value));
  }

  /** Every flag, once: {@link #flags()} lists them and {@link #fromArgs} reads them. */
  private static final List<Entry> FLAGS = table();

  private static List<Entry> table() {
    DriftJobOptions d = builder("unset").build();
    List<Entry> t = new ArrayList<>();
    t.add(flag("--bootstrap-servers", "$" + BOOTSTRAP.name() + ", else " + BOOTSTRAP.defaultValue(),
        "Kafka bootstrap servers, host:port[,host:port]", (b, v) -> b.bootstrapServers = v));
    t.add(flag("--group-id", d.groupId(), "consumer group of the events source (the versions source adds -versions)",
        Builder::groupId));
    t.add(flag("--parallelism", String.valueOf(d.parallelism()), "operator parallelism",
        (b, v) -> b.parallelism(Integer.parseInt(v))));
    t.add(flag("--checkpoint-interval-ms", String.valueOf(d.checkpointInterval().toMillis()),
        "checkpoint interval; triggers are committed on checkpoints", (b, v) -> b.checkpointInterval(millis(v))));
    t.add(flag("--checkpoint-dir", "none (checkpoints in memory)",
        "where checkpoints are written and kept after a cancel, a URI such as file:///var/drift", Builder::checkpointDirectory));
    t.add(flag("--restore-from", "none (start fresh)",
        "a checkpoint (chk-N) or savepoint directory to restore windows, cooldowns and offsets from", Builder::restoreFrom));
    t.add(flag("--window-size", String.valueOf(d.settings().windowSize()), "events per drift window, unless a model's config says otherwise",
        (b, v) -> b.settings(b.settings.withWindowSize(Integer.parseInt(v)))));
    t.add(flag("--concept-detector", d.settings().conceptDetector().map(Enum::name).orElse(DriftSettings.NO_DETECTOR),
        "detector on the served version's errors: ADWIN, PAGE_HINKLEY, DDM, EDDM, HDDM_A, KSWIN or NONE",
        (b, v) -> b.settings(b.settings.toBuilder().conceptDetector(DriftSettings.conceptDetectorNamed(v)).build())));
    t.add(flag("--max-out-of-orderness-ms", String.valueOf(d.maxOutOfOrderness().toMillis()),
        "watermark lag behind the highest event time seen in each partition", (b, v) -> b.maxOutOfOrderness(millis(v))));
    t.add(flag("--allowed-lateness-ms", String.valueOf(d.allowedLateness().toMillis()),
        "an event this far behind the watermark is still assessed; later ones are dead letters", (b, v) -> b.allowedLateness(millis(v))));
    t.add(flag("--watermark-interval-ms", String.valueOf(d.watermarkInterval().toMillis()),
        "how often watermarks are emitted (at least 1)", (b, v) -> b.watermarkInterval(millis(v))));
    t.add(flag("--source-idleness-ms", String.valueOf(d.sourceIdleness().toMillis()),
        "a partition without events this long stops holding the watermark back", (b, v) -> b.sourceIdleness(millis(v))));
    t.add(flag("--max-source-drift-ms", String.valueOf(d.maxSourceDrift().toMillis()),
        "how far one partition may read ahead of the slowest (0: no alignment)", (b, v) -> b.maxSourceDrift(millis(v))));
    t.add(flag("--max-event-time-ahead-ms", String.valueOf(d.maxEventTimeAhead().toMillis()),
        "an event further ahead of the clock is a dead letter", (b, v) -> b.maxEventTimeAhead(millis(v))));
    t.add(flag("--restart-attempts", String.valueOf(d.restartAttempts()),
        "restarts of a failed local job, 2 s apart (0: none)", (b, v) -> b.restartAttempts(Integer.parseInt(v))));
    t.add(flag("--transactional-id-prefix", d.transactionalIdPrefix(),
        "prefix of the trigger sink's Kafka transactional ids, unique per job on a cluster", Builder::transactionalIdPrefix));
    t.add(flag("--rest-bind-host", d.restBindHost(), "address of the local job's Flink REST endpoint", Builder::restBindHost));
    t.add(new Entry(new Flag("--bounded", String.valueOf(d.bounded()),
        "stop at the offsets that are latest at start, so the job ends (tests)"), false, (b, v) -> b.bounded(true)));
    return List.copyOf(t);
  }

  /** Every flag {@link #fromArgs} reads, in order, with its default and what it sets. */
  public static List<Flag> flags() {
    return FLAGS.stream().map(Entry::flag).toList();
  }

  /**
   * Options from command-line flags ({@link #flags()}). Bootstrap servers default to the
   * environment variable {@link #BOOTSTRAP}, then to {@code KAFKA_BOOTSTRAP_SERVERS}
   * (deprecated, with a warning logged once), then {@code BOOTSTRAP}'s default, {@code
   * localhost:9092}.
   *
   * @throws IllegalArgumentException for an unknown flag (naming the known ones), a flag without
   *     its value, a value the options refuse (naming the option), or a {@code BOOTSTRAP} variable
   *     of only blanks (naming the variable)
   */
  public static DriftJobOptions fromArgs(String[] args) {
    return fromArgs(args, System.getenv());
  }

  static DriftJobOptions fromArgs(String[] args, Map<String, String> env) {
    Builder b = new Builder(bootstrapFrom(env));
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      Entry entry = FLAGS.stream().filter(e -> e.flag().name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown flag " + name + " (known: "
              + String.join(" ", flags().stream().map(Flag::name).toList()) + ")"));
      if (!entry.takesValue()) {
        entry.apply().accept(b, null);
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("flag " + name + " needs a value");
      }
      String value = args[++i];
      try {
        entry.apply().accept(b, value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("flag " + name + " needs a number, got '" + value + "'", e);
      }
    }
    return b.build();
  }

  private static String bootstrapFrom(Map<String, String> env) {
    String shared = env.get(BOOTSTRAP.name());
    String deprecated = env.get(DEPRECATED_BOOTSTRAP_ENV);
    if ((shared == null || shared.isEmpty()) && deprecated != null && !deprecated.isBlank()) {
      if (warnedDeprecatedEnv.compareAndSet(false, true)) {
        LoggerFactory.getLogger(DriftJobOptions.class).warn("{} is deprecated: set {} instead (read {})",
            DEPRECATED_BOOTSTRAP_ENV, BOOTSTRAP.name(), deprecated);
      }
      return deprecated;
    }
    return BOOTSTRAP.require(env);
  }

  /** Builder of {@link DriftJobOptions}; validation happens in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private String bootstrapServers;
    private String groupId = "plasticity-drift";
    private int parallelism = 2;
    private Duration checkpointInterval = Duration.ofMillis(500);
    private DriftSettings settings = DriftSettings.defaults();
    private String transactionalIdPrefix = "plasticity-drift";
    private boolean bounded;
    private int restartAttempts = 3;
    private Duration maxOutOfOrderness = Duration.ofMillis(200);
    private Duration sourceIdleness = Duration.ofSeconds(30);
    private Duration watermarkInterval = Duration.ofMillis(20);
    private Duration maxSourceDrift = Duration.ofMinutes(5);
    private Duration allowedLateness = Duration.ofSeconds(60);
    private String checkpointDirectory;
    private String restoreFrom;
    private String restBindHost = "127.0.0.1";
    private Duration maxEventTimeAhead = Duration.ofDays(1);

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    public Builder groupId(String value) {
      groupId = value;
      return this;
    }

    public Builder parallelism(int value) {
      parallelism = value;
      return this;
    }

    public Builder checkpointInterval(Duration value) {
      checkpointInterval = value;
      return this;
    }

    public Builder settings(DriftSettings value) {
      settings = value;
      return this;
    }

    public Builder transactionalIdPrefix(String value) {
      transactionalIdPrefix = value;
      return this;
    }

    public Builder bounded(boolean value) {
      bounded = value;
      return this;
    }

    public Builder restartAttempts(int value) {
      restartAttempts = value;
      return this;
    }

    public Builder maxOutOfOrderness(Duration value) {
      maxOutOfOrderness = value;
      return this;
    }

    public Builder sourceIdleness(Duration value) {
      sourceIdleness = value;
      return this;
    }

    public Builder watermarkInterval(Duration value) {
      watermarkInterval = value;
      return this;
    }

    public Builder maxSourceDrift(Duration value) {
      maxSourceDrift = value;
      return this;
    }

    public Builder allowedLateness(Duration value) {
      allowedLateness = value;
      return this;
    }

    public Builder checkpointDirectory(String value) {
      checkpointDirectory = value;
      return this;
    }

    public Builder restoreFrom(String value) {
      restoreFrom = value;
      return this;
    }

    public Builder restBindHost(String value) {
      restBindHost = value;
      return this;
    }

    public Builder maxEventTimeAhead(Duration value) {
      maxEventTimeAhead = value;
      return this;
    }

    public DriftJobOptions build() {
      return new DriftJobOptions(bootstrapServers, groupId, parallelism, checkpointInterval, settings,
          transactionalIdPrefix, bounded, restartAttempts, maxOutOfOrderness, sourceIdleness, watermarkInterval,
          maxSourceDrift, allowedLateness, checkpointDirectory, restoreFrom, restBindHost, maxEventTimeAhead);
    }
  }
}
