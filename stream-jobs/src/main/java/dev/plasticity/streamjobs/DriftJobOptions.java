package dev.plasticity.streamjobs;

import dev.plasticity.streamjobs.drift.DriftSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the drift job. Build with {@link #builder(String)}; every value but the
 * bootstrap servers has a default.
 *
 * @param bootstrapServers Kafka {@code host:port[,host:port]}
 * @param groupId consumer group of the events source (default {@code plasticity-drift}); the
 *     versions source uses {@code groupId + "-versions"} and always reads from the earliest offset
 * @param parallelism operator parallelism (default 2)
 * @param checkpointInterval checkpoint interval; triggers are committed on checkpoints (default 2 s)
 * @param settings drift thresholds and window size (default {@link DriftSettings#defaults()})
 * @param transactionalIdPrefix prefix of the trigger sink's Kafka transactional ids; must be unique
 *     per job on a cluster (default {@code plasticity-drift})
 * @param bounded when true both sources stop at the offsets that are latest at start, so the job
 *     ends (tests); default false
 * @param restartAttempts restart attempts of {@link DriftJob#startLocal}: 0 disables restarts
 *     (tests), otherwise fixed delay of 2 s between attempts (default 3)
 * @param maxOutOfOrderness watermark lag behind the highest event time seen (default 5 s)
 * @param sourceIdleness a source split without events this long stops holding watermarks back
 *     (default 30 s)
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
   * Options from command-line flags: {@code --bootstrap-servers}, {@code --group-id},
   * {@code --parallelism}, {@code --checkpoint-interval-ms}, {@code --window-size},
   * {@code --concept-detector}, {@code --max-out-of-orderness-ms}, {@code --allowed-lateness-ms},
   * {@code --watermark-interval-ms}, {@code --max-source-drift-ms},
   * {@code --transactional-id-prefix}, {@code --rest-bind-host}, {@code --max-event-time-ahead-ms},
   * {@code --bounded}. Bootstrap servers default to the
   * environment variable {@code KAFKA_BOOTSTRAP_SERVERS}, then {@code localhost:9092}.
   */
  public static DriftJobOptions fromArgs(String[] args) {
    String servers = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    Builder b = new Builder(servers);
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--bounded")) {
        b.bounded(true);
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("flag " + flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--bootstrap-servers" -> b.bootstrapServers = value;
        case "--group-id" -> b.groupId(value);
        case "--parallelism" -> b.parallelism(Integer.parseInt(value));
        case "--checkpoint-interval-ms" -> b.checkpointInterval(Duration.ofMillis(Long.parseLong(value)));
        case "--window-size" -> b.settings(b.settings.withWindowSize(Integer.parseInt(value)));
        case "--concept-detector" -> b.settings(b.settings.toBuilder().conceptDetector(DriftSettings.conceptDetectorNamed(value)).build());
        case "--max-out-of-orderness-ms" -> b.maxOutOfOrderness(Duration.ofMillis(Long.parseLong(value)));
        case "--allowed-lateness-ms" -> b.allowedLateness(Duration.ofMillis(Long.parseLong(value)));
        case "--watermark-interval-ms" -> b.watermarkInterval(Duration.ofMillis(Long.parseLong(value)));
        case "--max-source-drift-ms" -> b.maxSourceDrift(Duration.ofMillis(Long.parseLong(value)));
        case "--transactional-id-prefix" -> b.transactionalIdPrefix(value);
        case "--rest-bind-host" -> b.restBindHost(value);
        case "--max-event-time-ahead-ms" -> b.maxEventTimeAhead(Duration.ofMillis(Long.parseLong(value)));
        default -> throw new IllegalArgumentException("unknown flag " + flag
            + " (known: --bootstrap-servers --group-id --parallelism --checkpoint-interval-ms --window-size"
            + " --concept-detector --max-out-of-orderness-ms --allowed-lateness-ms --watermark-interval-ms --max-source-drift-ms"
            + " --transactional-id-prefix --rest-bind-host --max-event-time-ahead-ms --bounded)");
      }
    }
    return b.build();
  }

  /** Builder of {@link DriftJobOptions}; validation happens in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private String bootstrapServers;
    private String groupId = "plasticity-drift";
    private int parallelism = 2;
    private Duration checkpointInterval = Duration.ofSeconds(2);
    private DriftSettings settings = DriftSettings.defaults();
    private String transactionalIdPrefix = "plasticity-drift";
    private boolean bounded;
    private int restartAttempts = 3;
    private Duration maxOutOfOrderness = Duration.ofSeconds(5);
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
