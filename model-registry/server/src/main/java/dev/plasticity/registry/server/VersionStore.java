package dev.plasticity.registry.server;

import dev.plasticity.schemas.Aliases;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.schemas.ModelVersion;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import org.flywaydb.core.Flyway;

/**
 * Models and versions in SQL (PostgreSQL or H2), schema managed by Flyway
 * ({@code db/migration}). Plain JDBC, one connection per operation. Writes that confirm something
 * to a client (a version, a rejection) are durable when they return: PostgreSQL commits durably,
 * and on an H2 file the store forces the file to disk after the commit. Version numbers come from a
 * per-model counter that only grows. Thread-safe.
 */
final class VersionStore implements AutoCloseable {
  static final String CHAMPION = Aliases.CHAMPION;
  static final String CHALLENGER = Aliases.CHALLENGER;

  /** Unique violation, serialization failure, PG deadlock, H2 lock timeout: worth another try. */
  private static final Set<String> RETRYABLE = Set.of("23505", "40001", "40P01", "HYT00");
  private static final int ATTEMPTS = 5;

  private final String url;
  private final String user;
  private final String password;
  /** Keeps an H2 database open between operations (it closes when its last connection does). */
  private final Connection keepOpen;
  /** An H2 file database: commits are followed by {@code CHECKPOINT SYNC}. */
  private final boolean h2File;

  private VersionStore(String url, String user, String password) throws SQLException {
    this.url = url;
    this.user = user;
    this.password = password;
    this.keepOpen = url.startsWith("jdbc:h2:") ? connect() : null;
    this.h2File = url.startsWith("jdbc:h2:file:") || (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
        && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:"));
  }

  /** Connects and brings the schema up to date. */
  static VersionStore open(String url, String user, String password) {
    try {
      VersionStore store = new VersionStore(url, user, password);
      Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();
      return store;
    } catch (SQLException e) {
      String where = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
      throw new IllegalStateException("cannot open the registry database at " + where + ": " + e.getMessage(), e);
    }
  }

  /** The outcome of {@link #insertVersion}: the stored version and whether this call created it. */
  record Insertion(ModelVersion version, boolean created) {}

  /** Why and when a version was reported unservable. */
  record Rejection(String reason, long rejectedAt) {}

  /**
   * The outcome of {@link #reject}: the rejection on record (the first one reported) and, when the
   * rejected version was the champion being served, the champion that serves instead (now marked
   * unpublished, so it is announced again).
   */
  record RejectionOutcome(Rejection rejection, boolean created, Optional<ModelVersion> reinstated) {}

  boolean insertModel(String name, long createdAt) {
    try (Connection c = connect()) {
      if (modelExists(c, name)) {
        return false;
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO models (name, created_at) VALUES (?, ?)")) {
        s.setString(1, name);
        s.setLong(2, createdAt);
        s.executeUpdate();
        return true;
      } catch (SQLException e) {
        if ("23505".equals(e.getSQLState())) {
          return false; // registered concurrently
        }
        throw e;
      }
    } catch (SQLException e) {
      throw failure("register model " + name, e);
    }
  }

  /** What {@link #define} did: stored the definition, found the same one, or found another. */
  enum Definition { STORED, UNCHANGED, CONFLICT }

  /**
   * Stores {@code definitionJson} as {@code model}'s definition, registering the model when it is
   * not yet. The same JSON again is {@link Definition#UNCHANGED}; another replaces the stored one
   * while the model has no version, and is a {@link Definition#CONFLICT} once it has one.
   */
  Definition define(String model, String definitionJson, long definedAt) {
    return writeRetrying("store the definition of " + model, c -> define(c, model, definitionJson, definedAt),
        outcome -> outcome == Definition.STORED);
  }

  private Definition define(Connection c, String model, String definitionJson, long definedAt) throws SQLException {
    String existing = null;
    boolean exists = false;
    try (PreparedStatement s = c.prepareStatement("SELECT definition FROM models WHERE name = ? FOR UPDATE")) {
      s.setString(1, model);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          exists = true;
          existing = rs.getString(1);
        }
      }
    }
    if (existing != null && existing.equals(definitionJson)) {
      return Definition.UNCHANGED;
    }
    if (existing != null) {
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM model_versions WHERE model = ?")) {
        s.setString(1, model);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            return Definition.CONFLICT;
          }
        }
      }
    }
    String sql = exists ? "UPDATE models SET definition = ?, defined_at = ? WHERE name = ?"
        : "INSERT INTO models (definition, defined_at, name, created_at) VALUES (?, ?, ?, ?)";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, definitionJson);
      s.setLong(2, definedAt);
      s.setString(3, model);
      if (!exists) {
        s.setLong(4, definedAt);
      }
      s.executeUpdate();
    }
    return Definition.STORED;
  }

  /** The definition JSON of {@code model}, if it has one. */
  Optional<String> definition(String model) {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT definition FROM models WHERE name = ?")) {
      s.setString(1, model);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read the definition of " + model, e);
    }
  }

  boolean modelExists(String name) {
    try (Connection c = connect()) {
      return modelExists(c, name);
    } catch (SQLException e) {
      throw failure("look up model " + name, e);
    }
  }

  List<ModelSummary> models() {
    String sql = "SELECT m.name, m.created_at,"
        + " (SELECT MAX(v.version) FROM model_versions v WHERE v.model = m.name) AS latest,"
        + " (SELECT MAX(v.version) FROM model_versions v WHERE v.model = m.name AND v.alias = 'champion'"
        + " AND v.rejected_at IS NULL) AS champion"
        + " FROM models m ORDER BY m.name";
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
      List<ModelSummary> models = new ArrayList<>();
      while (rs.next()) {
        models.add(new ModelSummary(rs.getString(1), rs.getLong(2), intOrNull(rs, 3), intOrNull(rs, 4)));
      }
      return models;
    } catch (SQLException e) {
      throw failure("list models", e);
    }
  }

  /**
   * Stores the next version of {@code model}, built by {@code build} from its number, unless a
   * version with the same {@code triggerId} exists: then that one is returned. Concurrent calls for
   * one model are serialized by a row lock on the model; the unique constraint on
   * (model, trigger_id) backs that up.
   *
   * @throws UnknownModelException if the model is not registered
   */
  Insertion insertVersion(String model, String triggerId, IntFunction<ModelVersion> build) {
    return writeRetrying("store a version of " + model, c -> insertVersion(c, model, triggerId, build),
        Insertion::created);
  }

  /** One write in its own transaction on a fresh connection. */
  @FunctionalInterface
  private interface Write<T> {
    T apply(Connection c) throws SQLException;
  }

  /**
   * Runs {@code write} in a transaction, committed, then (when {@code changed} says the write changed
   * something) the database synced; retried up to {@value #ATTEMPTS} times on a {@link #RETRYABLE}
   * SQL state (a concurrent duplicate or lock contention: the next attempt sees its outcome).
   *
   * @param what what the write does, for the failure's message
   */
  private <T> T writeRetrying(String what, Write<T> write, java.util.function.Predicate<T> changed) {
    SQLException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try (Connection c = connect()) {
        c.setAutoCommit(false);
        try {
          T outcome = write.apply(c);
          c.commit();
          if (changed.test(outcome)) {
            sync(c);
          }
          return outcome;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      } catch (SQLException e) {
        if (!RETRYABLE.contains(e.getSQLState())) {
          throw failure(what, e);
        }
        last = e;
      }
    }
    throw failure(what + " after " + ATTEMPTS + " attempts", last);
  }

  private Insertion insertVersion(Connection c, String model, String triggerId, IntFunction<ModelVersion> build)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT name FROM models WHERE name = ? FOR UPDATE")) {
      s.setString(1, model);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new UnknownModelException(model);
        }
      }
    }
    if (triggerId != null) {
      Optional<ModelVersion> existing = versionForTrigger(c, model, triggerId);
      if (existing.isPresent()) {
        return new Insertion(existing.get(), false);
      }
    }
    int next;
    try (PreparedStatement s = c.prepareStatement("UPDATE models SET last_version = last_version + 1 WHERE name = ?")) {
      s.setString(1, model);
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement("SELECT last_version FROM models WHERE name = ?")) {
      s.setString(1, model);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        next = rs.getInt(1);
      }
    }
    ModelVersion version = build.apply(next);
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO model_versions (model, version, alias, trigger_id, sha256, created_at, published, metadata)"
            + " VALUES (?, ?, ?, ?, ?, ?, FALSE, ?)")) {
      s.setString(1, model);
      s.setInt(2, next);
      s.setString(3, version.getAlias());
      s.setString(4, triggerId);
      s.setString(5, version.getArtifactSha256());
      s.setLong(6, version.getCreatedAt());
      s.setString(7, toJson(version));
      s.executeUpdate();
    }
    return new Insertion(version, true);
  }

  List<ModelVersion> versions(String model) {
    return query("list versions of " + model,
        "SELECT metadata FROM model_versions WHERE model = ? ORDER BY version", model);
  }

  Optional<ModelVersion> version(String model, int version) {
    return query("read " + model + " v" + version,
        "SELECT metadata FROM model_versions WHERE model = ? AND version = ?", model, version).stream().findFirst();
  }

  Optional<ModelVersion> versionForTrigger(String model, String triggerId) {
    try (Connection c = connect()) {
      return versionForTrigger(c, model, triggerId);
    } catch (SQLException e) {
      throw failure("look up the version of " + model + " for trigger " + triggerId, e);
    }
  }

  /** The newest champion no server reported unservable: the version to serve and to train from. */
  Optional<ModelVersion> champion(String model) {
    return query("read the champion of " + model, CHAMPION_SQL, model).stream().findFirst();
  }

  private static final String CHAMPION_SQL = "SELECT metadata FROM model_versions WHERE model = ? AND alias = 'champion'"
      + " AND rejected_at IS NULL ORDER BY version DESC LIMIT 1";

  /** Champions not yet acknowledged by Kafka (and not rejected), oldest version first per model. */
  List<ModelVersion> unpublishedChampions() {
    return query("list unpublished champions",
        "SELECT metadata FROM model_versions WHERE published = FALSE AND alias = 'champion' AND rejected_at IS NULL"
            + " ORDER BY model, version");
  }

  /** Whether any version's artifact has these bytes. */
  boolean artifactReferenced(String sha256) {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT 1 FROM model_versions WHERE sha256 = ?")) {
      s.setString(1, sha256);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw failure("look up artifact " + sha256, e);
    }
  }

  /** The rejection on record for a version, if a server reported one. */
  Optional<Rejection> rejection(String model, int version) {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
        "SELECT rejection_reason, rejected_at FROM model_versions WHERE model = ? AND version = ? AND rejected_at IS NOT NULL")) {
      s.setString(1, model);
      s.setInt(2, version);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new Rejection(rs.getString(1), rs.getLong(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read the rejection of " + model + " v" + version, e);
    }
  }

  /**
   * Records that a server could not serve {@code model} v{@code version}; a second report keeps the
   * first. When the version was the champion being served, the newest champion that is not
   * rejected is marked unpublished, so the publisher announces it again.
   *
   * @return empty when the version does not exist
   */
  Optional<RejectionOutcome> reject(String model, int version, String reason, long rejectedAt) {
    SQLException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try (Connection c = connect()) {
        c.setAutoCommit(false);
        try {
          Optional<RejectionOutcome> outcome = reject(c, model, version, reason, rejectedAt);
          c.commit();
          if (outcome.isPresent() && outcome.get().created()) {
            sync(c);
          }
          return outcome;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      } catch (SQLException e) {
        if (!RETRYABLE.contains(e.getSQLState())) {
          throw failure("record the rejection of " + model + " v" + version, e);
        }
        last = e;
      }
    }
    throw failure("record the rejection of " + model + " v" + version + " after " + ATTEMPTS + " attempts", last);
  }

  private Optional<RejectionOutcome> reject(Connection c, String model, int version, String reason, long rejectedAt)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT name FROM models WHERE name = ? FOR UPDATE")) {
      s.setString(1, model);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
      }
    }
    Optional<Rejection> existing;
    try (PreparedStatement s = c.prepareStatement(
        "SELECT rejection_reason, rejected_at FROM model_versions WHERE model = ? AND version = ?")) {
      s.setString(1, model);
      s.setInt(2, version);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long at = rs.getLong(2);
        existing = rs.wasNull() ? Optional.empty() : Optional.of(new Rejection(rs.getString(1), at));
      }
    }
    if (existing.isPresent()) {
      return Optional.of(new RejectionOutcome(existing.get(), false, Optional.empty()));
    }
    Optional<ModelVersion> servedBefore = championOf(c, model);
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE model_versions SET rejection_reason = ?, rejected_at = ? WHERE model = ? AND version = ?")) {
      s.setString(1, reason);
      s.setLong(2, rejectedAt);
      s.setString(3, model);
      s.setInt(4, version);
      s.executeUpdate();
    }
    Optional<ModelVersion> reinstated = Optional.empty();
    if (servedBefore.isPresent() && servedBefore.get().getVersion() == version) {
      reinstated = championOf(c, model);
      if (reinstated.isPresent()) {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE model_versions SET published = FALSE WHERE model = ? AND version = ?")) {
          s.setString(1, model);
          s.setInt(2, reinstated.get().getVersion());
          s.executeUpdate();
        }
      }
    }
    return Optional.of(new RejectionOutcome(new Rejection(reason, rejectedAt), true, reinstated));
  }

  private static Optional<ModelVersion> championOf(Connection c, String model) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CHAMPION_SQL)) {
      s.setString(1, model);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(fromJson(rs.getString(1))) : Optional.empty();
      }
    }
  }

  /** Forces an H2 file to disk after a commit a client is told about; PostgreSQL commits durably already. */
  private void sync(Connection c) throws SQLException {
    if (h2File) {
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("CHECKPOINT SYNC");
      }
    }
  }

  void markPublished(String model, int version) {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement("UPDATE model_versions SET published = TRUE WHERE model = ? AND version = ?")) {
      s.setString(1, model);
      s.setInt(2, version);
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure("mark " + model + " v" + version + " published", e);
    }
  }

  /** Whether the database answers. */
  boolean healthy() {
    try (Connection c = connect()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (keepOpen != null) {
      try {
        keepOpen.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  private static boolean modelExists(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM models WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static Optional<ModelVersion> versionForTrigger(Connection c, String model, String triggerId)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT metadata FROM model_versions WHERE model = ? AND trigger_id = ?")) {
      s.setString(1, model);
      s.setString(2, triggerId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(fromJson(rs.getString(1))) : Optional.empty();
      }
    }
  }

  private List<ModelVersion> query(String what, String sql, Object... params) {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        List<ModelVersion> versions = new ArrayList<>();
        while (rs.next()) {
          versions.add(fromJson(rs.getString(1)));
        }
        return versions;
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static Integer intOrNull(ResultSet rs, int column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  private static String toJson(ModelVersion version) {
    try {
      return RegistryJson.mapper().writeValueAsString(version);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + version.getModel() + " v" + version.getVersion() + " as JSON", e);
    }
  }

  private static ModelVersion fromJson(String json) {
    try {
      return RegistryJson.mapper().readValue(json, ModelVersion.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored version is not readable ModelVersion JSON: " + e.getMessage(), e);
    }
  }

  private IllegalStateException failure(String what, SQLException e) {
    String where = url.contains("?") ? url.substring(0, url.indexOf('?')) : url; // no credentials in messages
    return new IllegalStateException("cannot " + what + " in " + where + ": " + e.getMessage(), e);
  }
}
