package dev.plasticity.registry.server;

import dev.plasticity.schemas.Setting;
import dev.plasticity.schemas.SharedSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Every environment variable {@link RegistryServer#main} reads, declared once as a {@link Setting}:
 * {@link #read} turns them into a {@link RegistryConfig}, and the launcher's {@code plasticity
 * registry --help} prints {@link #ALL}. Immutable and thread-safe.
 */
public final class RegistryEnvironment {
  static final Setting<Integer> PORT = Setting.port("PLASTICITY_REGISTRY_PORT",
      String.valueOf(RegistryConfig.DEFAULT_PORT), "the HTTP port");
  static final Setting<String> BIND_HOST = Setting.text("PLASTICITY_REGISTRY_BIND_HOST",
      RegistryConfig.DEFAULT_BIND_HOST, "the interface to listen on (0.0.0.0 for every interface)");
  static final Setting<Path> DATA_DIR = Setting.of("PLASTICITY_REGISTRY_DATA_DIR", "registry-data",
      "artifacts, and the embedded H2 database when no JDBC URL is set", text -> Path.of(text.trim()));
  static final Setting<String> JDBC_URL = Setting.text("PLASTICITY_REGISTRY_JDBC_URL", "",
      "the metadata database (e.g. PostgreSQL); unset: embedded H2");
  static final Setting<String> JDBC_USER = Setting.text("PLASTICITY_REGISTRY_JDBC_USER", "", "the metadata database's user");
  static final Setting<String> JDBC_PASSWORD = Setting.text("PLASTICITY_REGISTRY_JDBC_PASSWORD", "",
      "the metadata database's password");
  static final Setting<String> TOKEN = SharedSettings.REGISTRY_TOKEN.withDefault("",
      "an admin token every write must carry (reads stay open); unset: writes are open unless named tokens are set");
  static final Setting<String> TOKENS = Setting.text("PLASTICITY_REGISTRY_TOKENS", "",
      "named tokens NAME:ROLE:TOKEN separated by commas, ROLE read, write or admin (promote, rollback, aliases,"
          + " archive); set: every request but /health and the /console page needs a token");
  static final Setting<String> KAFKA_BOOTSTRAP = SharedSettings.KAFKA_BOOTSTRAP.withDefault("",
      "Kafka to announce versions on and to read the console's triggers and live accuracy from; unset: nothing is"
          + " announced");
  static final Setting<String> PUBLIC_URL = Setting.text("PLASTICITY_REGISTRY_PUBLIC_URL", "",
      "the URL clients reach the registry at, only logged (versions store artifact locations relative to the registry)");
  static final Setting<Long> MAX_ARTIFACT_BYTES = Setting.bytes("PLASTICITY_REGISTRY_MAX_ARTIFACT_BYTES",
      String.valueOf(RegistryConfig.DEFAULT_MAX_ARTIFACT_BYTES), "the largest artifact accepted (413 beyond)");
  static final Setting<Long> MAX_METADATA_BYTES = Setting.bytes("PLASTICITY_REGISTRY_MAX_METADATA_BYTES",
      String.valueOf(RegistryConfig.DEFAULT_MAX_METADATA_BYTES), "the largest version metadata accepted (413 beyond)");

  /** Every variable the registry reads, in the order its help lists them. */
  public static final List<Setting<?>> ALL = List.of(PORT, BIND_HOST, DATA_DIR, JDBC_URL, JDBC_USER, JDBC_PASSWORD,
      TOKEN, TOKENS, KAFKA_BOOTSTRAP, PUBLIC_URL, MAX_ARTIFACT_BYTES, MAX_METADATA_BYTES);

  private RegistryEnvironment() {}

  /**
   * The registry's configuration from {@code env}.
   *
   * @throws IllegalArgumentException naming the variable that is malformed
   */
  static RegistryConfig read(Map<String, String> env) {
    RegistryConfig.Builder builder = RegistryConfig.builder()
        .httpPort(PORT.require(env))
        .dataDir(DATA_DIR.require(env))
        .publicBaseUrl(PUBLIC_URL.in(env).orElse(null))
        .kafkaBootstrapServers(KAFKA_BOOTSTRAP.in(env).orElse(null))
        .bindHost(BIND_HOST.require(env))
        .bearerToken(TOKEN.in(env).orElse(null))
        .namedTokens(TOKENS.in(env).orElse(null))
        .maxArtifactBytes(MAX_ARTIFACT_BYTES.require(env))
        .maxMetadataBytes(MAX_METADATA_BYTES.require(env));
    JDBC_URL.in(env).ifPresent(url -> builder.jdbc(url, JDBC_USER.in(env).orElse(null), JDBC_PASSWORD.in(env).orElse(null)));
    return builder.build();
  }
}
