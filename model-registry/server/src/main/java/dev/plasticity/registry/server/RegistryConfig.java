package dev.plasticity.registry.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link RegistryServer} runs: HTTP port, the URL clients reach it at, the SQL database for
 * metadata, the directory for artifacts, and the Kafka cluster version events go to.
 *
 * <pre>{@code
 * RegistryConfig config = RegistryConfig.builder().dataDir(Path.of("data")).kafkaBootstrapServers("localhost:9092").build();
 * }</pre>
 *
 * @param httpPort port to listen on; 0 picks a free one
 * @param publicBaseUrl base of the artifact URIs handed out; null means {@code http://127.0.0.1:<port>}
 * @param jdbcUrl PostgreSQL or H2 JDBC URL of the metadata database
 * @param jdbcUser database user, may be null
 * @param jdbcPassword database password, may be null
 * @param artifactDir where artifact bytes are stored (content-addressed by SHA-256)
 * @param kafkaBootstrapServers Kafka to publish champions to; null means nothing is published
 *     (versions stay marked unpublished until a server with Kafka runs on the same database)
 * @param kafkaProducerProperties extra producer settings (e.g. {@code delivery.timeout.ms})
 * @param publishRetryInterval how often unpublished champions are retried
 * @param clock stamps {@code createdAt} of models and of versions that arrive without one
 * @param bindHost the interface to listen on; {@code 127.0.0.1} unless set ({@code 0.0.0.0} for all)
 * @param bearerToken when set, an admin token named {@code token}: every write (PUT, POST, DELETE)
 *     needs {@code Authorization: Bearer <token>}; reads stay open. Never logged.
 * @param namedTokens {@code NAME:ROLE:TOKEN} entries separated by commas ({@link RegistryAccess#of}):
 *     each client its own token and role; with them, reads need a token too. Never logged.
 * @param maxArtifactBytes largest artifact accepted; larger uploads are answered 413 before they are stored
 * @param maxMetadataBytes largest metadata part accepted (413 beyond)
 */
public record RegistryConfig(
    int httpPort,
    String publicBaseUrl,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    Path artifactDir,
    String kafkaBootstrapServers,
    Map<String, String> kafkaProducerProperties,
    Duration publishRetryInterval,
    Clock clock,
    String bindHost,
    String bearerToken,
    String namedTokens,
    long maxArtifactBytes,
    long maxMetadataBytes) {

  /** The port {@link RegistryServer#main} listens on when PLASTICITY_REGISTRY_PORT is not set. */
  public static final int DEFAULT_PORT = 8081;
  /** Where the registry listens unless told otherwise: this machine only. */
  public static final String DEFAULT_BIND_HOST = "127.0.0.1";
  static final long DEFAULT_MAX_ARTIFACT_BYTES = 256L * 1024 * 1024;
  static final long DEFAULT_MAX_METADATA_BYTES = 1024L * 1024;

  public RegistryConfig {
    if (httpPort < 0 || httpPort > 65_535) {
      throw new IllegalArgumentException("httpPort must be 0 (any free port) or 1..65535, got " + httpPort);
    }
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(artifactDir, "artifactDir");
    Objects.requireNonNull(publishRetryInterval, "publishRetryInterval");
    Objects.requireNonNull(clock, "clock");
    if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("jdbcUrl must be an H2 (jdbc:h2:) or PostgreSQL (jdbc:postgresql:) URL, got " + jdbcUrl);
    }
    if (publicBaseUrl != null && !publicBaseUrl.matches("https?://.+")) {
      throw new IllegalArgumentException("publicBaseUrl must be an http(s) URL, got " + publicBaseUrl);
    }
    if (publishRetryInterval.isNegative() || publishRetryInterval.isZero()) {
      throw new IllegalArgumentException("publishRetryInterval must be positive, got " + publishRetryInterval);
    }
    if (kafkaBootstrapServers != null && kafkaBootstrapServers.isBlank()) {
      kafkaBootstrapServers = null;
    }
    kafkaProducerProperties = Map.copyOf(kafkaProducerProperties == null ? Map.of() : kafkaProducerProperties);
    if (bindHost == null || bindHost.isBlank()) {
      bindHost = DEFAULT_BIND_HOST;
    }
    if (bearerToken != null && bearerToken.isBlank()) {
      bearerToken = null;
    }
    if (namedTokens != null && namedTokens.isBlank()) {
      namedTokens = null;
    }
    RegistryAccess.of(bearerToken, namedTokens); // fails here, naming the malformed entry
    if (maxArtifactBytes < 1 || maxArtifactBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxArtifactBytes must be 1 to " + (Integer.MAX_VALUE - 8) + ", got " + maxArtifactBytes);
    }
    if (maxMetadataBytes < 1 || maxMetadataBytes > 64L * 1024 * 1024) {
      throw new IllegalArgumentException("maxMetadataBytes must be 1 to 64 MiB, got " + maxMetadataBytes);
    }
  }

  /** Like the record's, without the database password or the bearer token. */
  @Override
  public String toString() {
    return "RegistryConfig[httpPort=" + httpPort + ", publicBaseUrl=" + publicBaseUrl + ", jdbcUrl=" + jdbcUrl
        + ", jdbcUser=" + jdbcUser + ", jdbcPassword=" + (jdbcPassword == null ? null : "***")
        + ", artifactDir=" + artifactDir + ", kafkaBootstrapServers=" + kafkaBootstrapServers
        + ", kafkaProducerProperties=" + kafkaProducerProperties + ", publishRetryInterval=" + publishRetryInterval
        + ", clock=" + clock + ", bindHost=" + bindHost + ", bearerToken=" + (bearerToken == null ? null : "***")
        + ", namedTokens=" + (namedTokens == null ? null : "***")
        + ", maxArtifactBytes=" + maxArtifactBytes + ", maxMetadataBytes=" + maxMetadataBytes + "]";
  }

  /**
   * The embedded default: an H2 database file {@code <dataDir>/registry.mv.db}, writing each commit
   * to the file when it happens ({@code WRITE_DELAY=0}; H2's default delays writes by half a second,
   * so a killed process lost versions it had confirmed). The store also syncs the file after each
   * registration ({@code CHECKPOINT SYNC}).
   */
  static String h2FileUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry") + ";MODE=PostgreSQL;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a config; set either a data dir or both a JDBC URL and an artifact dir. */
  public static final class Builder {
    private int httpPort;
    private String publicBaseUrl;
    private Path dataDir;
    private String jdbcUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private Path artifactDir;
    private String kafkaBootstrapServers;
    private final Map<String, String> kafkaProducerProperties = new LinkedHashMap<>();
    private Duration publishRetryInterval = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();
    private String bindHost = DEFAULT_BIND_HOST;
    private String bearerToken;
    private String namedTokens;
    private long maxArtifactBytes = DEFAULT_MAX_ARTIFACT_BYTES;
    private long maxMetadataBytes = DEFAULT_MAX_METADATA_BYTES;

    private Builder() {}

    /** The interface to listen on, e.g. {@code 0.0.0.0} in a container; default {@code 127.0.0.1}. */
    public Builder bindHost(String host) {
      this.bindHost = host;
      return this;
    }

    /** Requires {@code Authorization: Bearer <token>} on every write; null or blank leaves writes open. */
    public Builder namedTokens(String tokens) {
      this.namedTokens = tokens;
      return this;
    }

    /** Requires an admin token on every write; reads stay open. Null or blank: writes stay open too. */
    public Builder bearerToken(String token) {
      this.bearerToken = token;
      return this;
    }

    public Builder maxArtifactBytes(long bytes) {
      this.maxArtifactBytes = bytes;
      return this;
    }

    public Builder maxMetadataBytes(long bytes) {
      this.maxMetadataBytes = bytes;
      return this;
    }

    public Builder httpPort(int port) {
      this.httpPort = port;
      return this;
    }

    public Builder publicBaseUrl(String url) {
      this.publicBaseUrl = url;
      return this;
    }

    /** Default home of the H2 database ({@code <dir>/registry.mv.db}) and of artifacts ({@code <dir>/artifacts}). */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    public Builder jdbc(String url, String user, String password) {
      this.jdbcUrl = url;
      this.jdbcUser = user;
      this.jdbcPassword = password;
      return this;
    }

    public Builder artifactDir(Path dir) {
      this.artifactDir = dir;
      return this;
    }

    public Builder kafkaBootstrapServers(String servers) {
      this.kafkaBootstrapServers = servers;
      return this;
    }

    public Builder kafkaProducerProperty(String key, String value) {
      this.kafkaProducerProperties.put(key, value);
      return this;
    }

    public Builder publishRetryInterval(Duration interval) {
      this.publishRetryInterval = interval;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public RegistryConfig build() {
      if (dataDir == null && (jdbcUrl == null || artifactDir == null)) {
        throw new IllegalStateException("set dataDir, or both a JDBC URL and an artifact dir: the registry needs somewhere to keep metadata and artifacts");
      }
      String url = jdbcUrl != null ? jdbcUrl : h2FileUrl(dataDir);
      Path artifacts = artifactDir != null ? artifactDir : dataDir.resolve("artifacts");
      return new RegistryConfig(httpPort, publicBaseUrl, url, jdbcUser, jdbcPassword, artifacts,
          kafkaBootstrapServers, kafkaProducerProperties, publishRetryInterval, clock, bindHost, bearerToken, namedTokens,
          maxArtifactBytes, maxMetadataBytes);
    }
  }
}
