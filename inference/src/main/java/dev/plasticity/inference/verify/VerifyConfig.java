package dev.plasticity.inference.verify;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link LiveVerifier} runs: its consumer group, the registry it rolls back in, and its
 * test's error rates and cap. Immutable; validated once when made.
 *
 * @param groupId the consumer group reading {@code plasticity.live.outcomes}; instances sharing it
 *     split the models between them (outcomes are keyed by model)
 * @param registryUrl the registry's base URL
 * @param registryToken the registry's bearer token (a write token where the registry has tokens), or null
 * @param settings the test's error rates, tolerance and cap
 */
public record VerifyConfig(String groupId, URI registryUrl, String registryToken,
    VerifySettings settings) {
  /** The consumer group unless one is given. */
  public static final String DEFAULT_GROUP_ID = "plasticity-live-verifier";

  /** @throws IllegalArgumentException when the group id is blank */
  public VerifyConfig {
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("live verification needs a consumer group id (default " + DEFAULT_GROUP_ID
          + "); it was blank");
    }
    Objects.requireNonNull(registryUrl, "registryUrl");
    Objects.requireNonNull(settings, "settings");
    registryToken = registryToken == null || registryToken.isBlank() ? null : registryToken;
  }

  /** Like the record's, without the registry token: a config may be logged. */
  @Override
  public String toString() {
    return "VerifyConfig[groupId=" + groupId + ", registryUrl=" + registryUrl + ", registryToken="
        + (registryToken == null ? "none" : "***") + ", settings=" + settings + "]";
  }

  /** The default group and settings, against {@code registryUrl}. */
  public static VerifyConfig of(URI registryUrl, String registryToken) {
    return new VerifyConfig(DEFAULT_GROUP_ID, registryUrl, registryToken, VerifySettings.defaults());
  }

  /**
   * The config the variables of {@link VerifyEnvironment} describe; empty when {@code
   * PLASTICITY_VERIFY} is {@code off} (then no other variable is read).
   *
   * @throws IllegalArgumentException naming the variable that is malformed, or the rule the error
   *     rates break together
   */
  public static Optional<VerifyConfig> fromEnvironment(Map<String, String> env) {
    if (!VerifyEnvironment.ENABLED.require(env)) {
      return Optional.empty();
    }
    VerifySettings settings;
    double alpha = VerifyEnvironment.ALPHA.require(env);
    double beta = VerifyEnvironment.BETA.require(env);
    try {
      settings = new VerifySettings(alpha, beta, VerifyEnvironment.DELTA.require(env),
          VerifyEnvironment.MAX_PAIRED_EVENTS.require(env));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(VerifyEnvironment.ALPHA.name() + ", " + VerifyEnvironment.BETA.name() + ", "
          + VerifyEnvironment.DELTA.name() + " and " + VerifyEnvironment.MAX_PAIRED_EVENTS.name() + ": "
          + e.getMessage(), e);
    }
    return Optional.of(new VerifyConfig(VerifyEnvironment.GROUP_ID.require(env),
        VerifyEnvironment.REGISTRY_URL.require(env), VerifyEnvironment.REGISTRY_TOKEN.in(env).orElse(null), settings));
  }
}
