package dev.plasticity.registry.server;

import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;

/**
 * The HTTP contract on the PostgreSQL at 127.0.0.1:5432 (database {@code test}, trust auth), in a
 * schema of its own that is dropped afterwards. Skipped only when no such server answers.
 */
class PostgresRegistryTest extends RegistryContractTest {
  private static final String DATABASE = "jdbc:postgresql://127.0.0.1:5432/test";
  private final String schema = "registry_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private String user;

  @Override
  RegistryConfig.Builder database(Path artifactDir) throws SQLException {
    user = reachableUser();
    try (Connection c = DriverManager.getConnection(DATABASE, user, null); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return RegistryConfig.builder()
        .jdbc(DATABASE + "?currentSchema=" + schema, user, null)
        .artifactDir(artifactDir);
  }

  @AfterAll
  void dropSchema() throws SQLException {
    stopServer();
    if (user != null) {
      try (Connection c = DriverManager.getConnection(DATABASE, user, null); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private static String reachableUser() {
    SQLException last = null;
    for (String candidate : new String[] {"postgres", System.getProperty("user.name")}) {
      try (Connection c = DriverManager.getConnection(DATABASE + "?connectTimeout=3", candidate, null)) {
        return candidate;
      } catch (SQLException e) {
        last = e;
      }
    }
    abort("no PostgreSQL at " + DATABASE + ": " + last.getMessage());
    return null;
  }
}
