package dev.plasticity.inference.join;

import dev.plasticity.inference.verify.VerifyConfig;
import dev.plasticity.inference.verify.VerifyEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link LabelJoinApp} runs: where Kafka is, its Kafka Streams application id (instances
 * sharing it split the partitions), its state directory and how long it waits ({@link
 * JoinSettings}). Immutable; validated once when made.
 *
 * @param bootstrapServers Kafka's bootstrap servers
 * @param applicationId Kafka Streams' {@code application.id}: the consumer group and the prefix of
 *     the changelog topics
 * @param stateDir Kafka Streams' {@code state.dir}: where this instance keeps its local stores
 * @param settings the window, grace period and prediction wait
 * @param verify how live verification runs beside the join; empty: it does not
 */
public record JoinConfig(String bootstrapServers, String applicationId, Path stateDir, JoinSettings settings,
    Optional<VerifyConfig> verify) {
  /** @throws IllegalArgumentException when the bootstrap servers or the application id are blank */
  public JoinConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("the label join needs Kafka's bootstrap servers; they were blank");
    }
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("the label join needs an application id (default "
          + LabelJoinApp.DEFAULT_APPLICATION_ID + "); it was blank");
    }
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(verify, "verify");
  }

  /** A config without live verification. */
  public JoinConfig(String bootstrapServers, String applicationId, Path stateDir, JoinSettings settings) {
    this(bootstrapServers, applicationId, stateDir, settings, Optional.empty());
  }

  /** A config with the default application id and the default window, grace and prediction wait. */
  public static JoinConfig of(String bootstrapServers, Path stateDir) {
    return new JoinConfig(bootstrapServers, LabelJoinApp.DEFAULT_APPLICATION_ID, stateDir, JoinSettings.defaults());
  }

  /**
   * The config the variables of {@link JoinEnvironment} and {@link VerifyEnvironment} describe.
   *
   * @throws IllegalArgumentException naming the variable that is blank or malformed, or the rule
   *     the window and grace break together
   */
  public static JoinConfig fromEnvironment(Map<String, String> env) {
    return new JoinConfig(JoinEnvironment.KAFKA_BOOTSTRAP.require(env), JoinEnvironment.APPLICATION_ID.require(env),
        JoinEnvironment.STATE_DIR.require(env),
        settings(JoinEnvironment.WINDOW.require(env), JoinEnvironment.GRACE.require(env),
            JoinEnvironment.PREDICTION_WAIT.require(env)),
        VerifyConfig.fromEnvironment(env));
  }

  private static JoinSettings settings(Duration window, Duration grace, Duration predictionWait) {
    JoinSettings settings;
    try {
      settings = new JoinSettings(window, grace);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(JoinEnvironment.WINDOW.name() + " and " + JoinEnvironment.GRACE.name()
          + ": " + e.getMessage(), e);
    }
    try {
      return settings.withPredictionWait(predictionWait);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(JoinEnvironment.PREDICTION_WAIT.name() + ": " + e.getMessage(), e);
    }
  }
}
