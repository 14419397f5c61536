package dev.plasticity.inference.scoring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link ScoringApp} runs: where Kafka and the registry are, which models it serves, its
 * Kafka Streams application id (instances sharing it split the partitions between them), its
 * state directory, and how it batches events for scoring. Immutable; validated once when made.
 *
 * @param bootstrapServers Kafka's bootstrap servers
 * @param registryUrl the registry's base URL
 * @param registryToken the registry's bearer token; null when it needs none
 * @param models the models served (at least one, no repeats)
 * @param applicationId Kafka Streams' {@code application.id}: the consumer group and the prefix of
 *     internal topics
 * @param stateDir Kafka Streams' {@code state.dir}: where the recent-labels store lives
 * @param maxBatch the most events a task scores in one batch (one forward pass per model); at least 1
 * @param maxDelay how often, in wall-clock time, a task scores the events still waiting for a full
 *     batch; positive
 * @param canary the share of each model's events its challenger answers (the challenger is followed
 *     only for a model whose share is above 0)
 * @param verifyWatchEvents the events a replaced champion goes on scoring, as {@code previous},
 *     beside its successor; 0: it is released at the swap
 */
public record ScoringConfig(String bootstrapServers, URI registryUrl, String registryToken, List<String> models,
    String applicationId, Path stateDir, int maxBatch, Duration maxDelay, CanaryShares canary,
    long verifyWatchEvents) {
  /** The application id unless configured otherwise. */
  public static final String DEFAULT_APPLICATION_ID = "plasticity-scoring";
  /** The batch size unless configured otherwise. */
  public static final int DEFAULT_MAX_BATCH = 256;
  /** The wall-clock flush interval unless configured otherwise. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(5);
  /** The events a replaced champion scores beside its successor unless configured otherwise. */
  public static final long DEFAULT_VERIFY_WATCH_EVENTS = 5_000;

  public ScoringConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("the scoring app needs Kafka bootstrap servers; they were blank");
    }
    Objects.requireNonNull(registryUrl, "registryUrl");
    if (registryToken != null && registryToken.isBlank()) {
      registryToken = null;
    }
    models = List.copyOf(Objects.requireNonNull(models, "models"));
    if (models.isEmpty()) {
      throw new IllegalArgumentException("the scoring app serves at least one model; none was named");
    }
    if (models.stream().anyMatch(String::isBlank) || new HashSet<>(models).size() != models.size()) {
      throw new IllegalArgumentException("models must be distinct, non-blank names; got " + models);
    }
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("the scoring app needs an application id (default " + DEFAULT_APPLICATION_ID
          + "); it was blank");
    }
    Objects.requireNonNull(stateDir, "stateDir");
    checkBatching(maxBatch, maxDelay);
    Objects.requireNonNull(canary, "canary");
    if (verifyWatchEvents < 0) {
      throw new IllegalArgumentException("the verification watch lasts 0 (off) or more events (verifyWatchEvents);"
          + " was " + verifyWatchEvents);
    }
  }

  /** A config with no canary and the default verification watch. */
  public ScoringConfig(String bootstrapServers, URI registryUrl, String registryToken, List<String> models,
      String applicationId, Path stateDir, int maxBatch, Duration maxDelay) {
    this(bootstrapServers, registryUrl, registryToken, models, applicationId, stateDir, maxBatch, maxDelay,
        CanaryShares.OFF, DEFAULT_VERIFY_WATCH_EVENTS);
  }

  /** A config with the default batching ({@value #DEFAULT_MAX_BATCH} events, 5 ms). */
  public ScoringConfig(String bootstrapServers, URI registryUrl, String registryToken, List<String> models,
      String applicationId, Path stateDir) {
    this(bootstrapServers, registryUrl, registryToken, models, applicationId, stateDir, DEFAULT_MAX_BATCH,
        DEFAULT_MAX_DELAY);
  }

  static void checkBatching(int maxBatch, Duration maxDelay) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("a scoring batch holds at least 1 event (maxBatch); was " + maxBatch);
    }
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxDelay.isZero() || maxDelay.isNegative()) {
      throw new IllegalArgumentException("the scoring flush interval (maxDelay) must be positive; was " + maxDelay);
    }
  }

  /** A config with the default application id and no registry token. */
  public static ScoringConfig of(String bootstrapServers, URI registryUrl, List<String> models, Path stateDir) {
    return new ScoringConfig(bootstrapServers, registryUrl, null, models, DEFAULT_APPLICATION_ID, stateDir);
  }

  /**
   * The config the variables of {@link ScoringEnvironment} describe.
   *
   * @throws IllegalArgumentException naming the variable that is missing or malformed
   */
  public static ScoringConfig fromEnvironment(Map<String, String> env) {
    return new ScoringConfig(ScoringEnvironment.KAFKA_BOOTSTRAP.require(env), ScoringEnvironment.REGISTRY_URL.require(env),
        ScoringEnvironment.REGISTRY_TOKEN.in(env).orElse(null), ScoringEnvironment.MODELS.require(env),
        ScoringEnvironment.APPLICATION_ID.require(env), ScoringEnvironment.STATE_DIR.require(env),
        ScoringEnvironment.MAX_BATCH.require(env), ScoringEnvironment.MAX_DELAY.require(env),
        new CanaryShares(ScoringEnvironment.CANARY_SHARE.require(env),
            ScoringEnvironment.CANARY_SHARES.in(env).orElse(Map.of())),
        ScoringEnvironment.VERIFY_WATCH_EVENTS.require(env));
  }

  /** This config with another application id. */
  public ScoringConfig withApplicationId(String id) {
    return new ScoringConfig(bootstrapServers, registryUrl, registryToken, models, id, stateDir, maxBatch, maxDelay,
        canary, verifyWatchEvents);
  }

  /** This config with a registry bearer token (null or blank: none). */
  public ScoringConfig withRegistryToken(String token) {
    return new ScoringConfig(bootstrapServers, registryUrl, token, models, applicationId, stateDir, maxBatch, maxDelay,
        canary, verifyWatchEvents);
  }

  /** This config with other batching: at most {@code batch} events per batch, flushed every {@code delay}. */
  public ScoringConfig withBatching(int batch, Duration delay) {
    return new ScoringConfig(bootstrapServers, registryUrl, registryToken, models, applicationId, stateDir, batch, delay,
        canary, verifyWatchEvents);
  }

  /** This config with another state directory. */
  public ScoringConfig withStateDir(Path dir) {
    return new ScoringConfig(bootstrapServers, registryUrl, registryToken, models, applicationId, dir, maxBatch, maxDelay,
        canary, verifyWatchEvents);
  }

  /** This config with canary shares. */
  public ScoringConfig withCanary(CanaryShares shares) {
    return new ScoringConfig(bootstrapServers, registryUrl, registryToken, models, applicationId, stateDir, maxBatch,
        maxDelay, shares, verifyWatchEvents);
  }

  /** This config with another verification watch: a replaced champion scores {@code events} more events (0: none). */
  public ScoringConfig withVerifyWatch(long events) {
    return new ScoringConfig(bootstrapServers, registryUrl, registryToken, models, applicationId, stateDir, maxBatch,
        maxDelay, canary, events);
  }

  @Override
  public String toString() {
    return "ScoringConfig[bootstrapServers=" + bootstrapServers + ", registryUrl=" + registryUrl + ", registryToken="
        + (registryToken == null ? "none" : "***") + ", models=" + models + ", applicationId=" + applicationId
        + ", stateDir=" + stateDir + ", maxBatch=" + maxBatch + ", maxDelay=" + maxDelay + ", canary=" + canary
        + ", verifyWatchEvents=" + verifyWatchEvents + "]";
  }
}
