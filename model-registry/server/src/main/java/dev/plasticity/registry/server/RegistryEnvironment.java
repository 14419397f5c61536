package dev.plasticity.registry.server;

import dev.plasticity.registry.client.RegistryClient;
import java.util.Map;

/**
 * Every environment variable {@link RegistryServer#main} reads, declared once with its default
 * and what it is for; {@link RegistryServer#fromEnvironment} reads them through this table and the
 * launcher's {@code plasticity registry --help} prints it. Immutable and thread-safe.
 */
public enum RegistryEnvironment {
  PORT("PLASTICITY_REGISTRY_PORT", String.valueOf(RegistryConfig.DEFAULT_PORT), "the HTTP port"),
  BIND_HOST("PLASTICITY_REGISTRY_BIND_HOST", RegistryConfig.DEFAULT_BIND_HOST,
      "the interface to listen on (0.0.0.0 for every interface)"),
  DATA_DIR("PLASTICITY_REGISTRY_DATA_DIR", "registry-data",
      "artifacts, and the embedded H2 database when no JDBC URL is set"),
  JDBC_URL("PLASTICITY_REGISTRY_JDBC_URL", "", "the metadata database (e.g. PostgreSQL); unset: embedded H2"),
  JDBC_USER("PLASTICITY_REGISTRY_JDBC_USER", "", "the metadata database's user"),
  JDBC_PASSWORD("PLASTICITY_REGISTRY_JDBC_PASSWORD", "", "the metadata database's password"),
  TOKEN(RegistryClient.TOKEN_ENV, "", "bearer token every write must carry; unset: writes are open"),
  KAFKA_BOOTSTRAP("PLASTICITY_KAFKA_BOOTSTRAP", "", "Kafka to announce versions on; unset: nothing is announced"),
  PUBLIC_URL("PLASTICITY_REGISTRY_PUBLIC_URL", "", "the URL clients reach the registry at, only logged"
      + " (versions store artifact locations relative to the registry)"),
  MAX_ARTIFACT_BYTES("PLASTICITY_REGISTRY_MAX_ARTIFACT_BYTES", String.valueOf(RegistryConfig.DEFAULT_MAX_ARTIFACT_BYTES),
      "the largest artifact accepted (413 beyond)"),
  MAX_METADATA_BYTES("PLASTICITY_REGISTRY_MAX_METADATA_BYTES", String.valueOf(RegistryConfig.DEFAULT_MAX_METADATA_BYTES),
      "the largest version metadata accepted (413 beyond)");

  private final String variable;
  private final String defaultValue;
  private final String description;

  RegistryEnvironment(String variable, String defaultValue, String description) {
    this.variable = variable;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The variable's name, e.g. {@code PLASTICITY_REGISTRY_PORT}. */
  public String variable() {
    return variable;
  }

  /** What applies when the variable is unset or blank; empty when nothing does. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The variable's value in {@code env}, or the default when it is unset or blank; null when neither. */
  String in(Map<String, String> env) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return defaultValue.isEmpty() ? null : defaultValue;
    }
    return value;
  }
}
