package dev.plasticity.registry.server;

import dev.plasticity.schemas.Aliases;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.ChangeKind;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.RegistryChange;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntFunction;
import org.flywaydb.core.Flyway;

/**
 * Models and versions in SQL (PostgreSQL or H2), schema managed by Flyway
 * ({@code db/migration}). Plain JDBC, one connection per operation. Writes that confirm something
 * to a client (a version, a rejection) are durable when they return: PostgreSQL commits durably,
 * and on an H2 file the store forces the file to disk after the commit. Version numbers come from a
 * per-model counter that only grows.
 *
 * <p>Aliases point at versions and move ({@code model_aliases}); every change (a version registered,
 * an alias set or removed, a version archived or rejected) is a row of {@code registry_changes},
 * written in the same transaction as what it records, under a lock on the model's row, so a
 * model's change numbers grow in the order its changes commit. That table is the model's history
 * and the outbox the {@link ChangePublisher} publishes from. Thread-safe.
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

  /**
   * Who makes a change, why, and when: what the history records with it.
   *
   * @param actor a token's name, {@code anonymous} or {@code registry}
   * @param reason in words; may be null
   * @param at epoch millis
   */
  record Attribution(String actor, ChangeCause cause, String reason, long at) {}

  /** The outcome of an alias move: the change it recorded, or empty when the alias pointed there already. */
  record Move(Optional<RegistryChange> change, int version) {}

  /** Why and when a version was reported unservable. */
  record Rejection(String reason, long rejectedAt) {}

  /**
   * The outcome of {@link #reject}: the rejection on record (the first one reported) and, when the
   * rejected version was the champion being served, the champion that serves instead (now marked
   * unpublished, so it is announced again).
   */
  record RejectionOutcome(Rejection rejection, boolean created, Optional<Integer> reinstated) {}

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
        + " (SELECT a.version FROM model_aliases a WHERE a.model = m.name AND a.alias = 'champion') AS champion"
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
  Insertion insertVersion(String model, String triggerId, IntFunction<ModelVersion> build, Attribution by) {
    return writeRetrying("store a version of " + model, c -> insertVersion(c, model, triggerId, build, by),
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

  private Insertion insertVersion(Connection c, String model, String triggerId, IntFunction<ModelVersion> build,
      Attribution by) throws SQLException {
    if (!lockModel(c, model)) {
      throw new UnknownModelException(model);
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
    insertChange(c, model, ChangeKind.REGISTERED, next, null, null, by);
    if (CHAMPION.equals(version.getAlias()) || CHALLENGER.equals(version.getAlias())) {
      setAlias(c, model, version.getAlias(), next, by);
    }
    return new Insertion(version, true);
  }

  /** {@code model}'s versions in order; archived ones only when {@code withArchived}. */
  List<ModelVersion> versions(String model, boolean withArchived) {
    return query("list versions of " + model, "SELECT metadata FROM model_versions WHERE model = ?"
        + (withArchived ? "" : " AND archived_at IS NULL") + " ORDER BY version", model);
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

  /** The version the champion alias points at: the version to serve and to train from. */
  Optional<ModelVersion> champion(String model) {
    return alias(model, CHAMPION);
  }

  /** The version {@code alias} of {@code model} points at, if it is set. */
  Optional<ModelVersion> alias(String model, String alias) {
    return query("read alias " + alias + " of " + model, "SELECT v.metadata FROM model_aliases a JOIN model_versions v"
        + " ON v.model = a.model AND v.version = a.version WHERE a.model = ? AND a.alias = ?", model, alias)
        .stream().findFirst();
  }

  /** Every alias of {@code model} and the version it points at, by alias name. */
  Map<String, Integer> aliases(String model) {
    try (Connection c = connect()) {
      return aliases(c, model);
    } catch (SQLException e) {
      throw failure("list the aliases of " + model, e);
    }
  }

  /**
   * Points {@code alias} of {@code model} at {@code version}. A version that is archived, or (for
   * the champion) reported unservable, cannot take an alias.
   *
   * @throws UnknownModelException when the model is not registered
   * @throws java.util.NoSuchElementException when the model has no such version
   * @throws LifecycleConflictException naming the rule when the version cannot take the alias
   */
  Move moveAlias(String model, String alias, int version, Attribution by) {
    return writeRetrying("move alias " + alias + " of " + model, c -> {
      if (!lockModel(c, model)) {
        throw new UnknownModelException(model);
      }
      checkAssignable(c, model, alias, version);
      return new Move(setAlias(c, model, alias, version, by), version);
    }, move -> move.change().isPresent());
  }

  /**
   * Makes {@code version}, a champion of the past, the champion again ({@link ChangeCause#RECALL}):
   * its concept is back. Only a version that has been the champion before can be recalled.
   *
   * @param replacing the champion the recall was judged against, when given: the recall happens only
   *     while it still serves, so that a champion moved since (a promotion, a rollback) is not replaced
   *     on a verdict about another version
   * @throws LifecycleConflictException when it never was the champion, cannot take the alias, or
   *     {@code replacing} no longer is the champion
   */
  Move recall(String model, int version, OptionalInt replacing, Attribution by) {
    return writeRetrying("recall " + model + " v" + version, c -> {
      if (!lockModel(c, model)) {
        throw new UnknownModelException(model);
      }
      if (replacing.isPresent()) {
        Integer current = aliasVersion(c, model, CHAMPION);
        if (current == null || current != replacing.getAsInt()) {
          throw new LifecycleConflictException(model + " v" + replacing.getAsInt() + " no longer is the champion ("
              + (current == null ? "none is" : "v" + current + " is") + "): v" + version + " is not recalled in its place");
        }
      }
      checkAssignable(c, model, CHAMPION, version);
      try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM registry_changes WHERE model = ?"
          + " AND alias = 'champion' AND kind = 'ALIAS_SET' AND version = ?")) {
        s.setString(1, model);
        s.setInt(2, version);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            throw new LifecycleConflictException(model + " v" + version + " has never been the champion: only a"
                + " past champion is recalled (promote it instead)");
          }
        }
      }
      return new Move(setAlias(c, model, CHAMPION, version, by), version);
    }, move -> move.change().isPresent());
  }

  /**
   * Moves the champion back to the version that served before it: the champion history read as a
   * stack (a promotion pushes, a rollback or a rejection pops), skipping versions since archived or
   * reported unservable.
   *
   * @throws UnknownModelException when the model is not registered
   * @throws LifecycleConflictException when no earlier champion can serve
   */
  Move rollback(String model, Attribution by) {
    return rollback(model, OptionalInt.empty(), by);
  }

  /**
   * {@link #rollback(String, Attribution)}, only while {@code expected} (when given) is still the
   * champion: a verdict on one version never rolls back its successor.
   *
   * @throws LifecycleConflictException when {@code expected} no longer is the champion
   */
  Move rollback(String model, OptionalInt expected, Attribution by) {
    return writeRetrying("roll back the champion of " + model, c -> {
      if (!lockModel(c, model)) {
        throw new UnknownModelException(model);
      }
      Integer current = aliasVersion(c, model, CHAMPION);
      if (current == null) {
        throw new LifecycleConflictException(model + " has no champion to roll back");
      }
      if (expected.isPresent() && expected.getAsInt() != current) {
        throw new LifecycleConflictException(model + " v" + expected.getAsInt() + " no longer is the champion (v"
            + current + " is): nothing is rolled back");
      }
      int target = rollbackTarget(c, model, current).orElseThrow(() -> new LifecycleConflictException(model
          + " v" + current + " is the only champion in its history that can serve: there is nothing to roll back to"));
      return new Move(setAlias(c, model, CHAMPION, target, by), target);
    }, move -> move.change().isPresent());
  }

  /**
   * Removes {@code alias} of {@code model}; the champion cannot be removed, only moved.
   *
   * @return the change, or empty when the alias was not set
   */
  Optional<RegistryChange> removeAlias(String model, String alias, Attribution by) {
    if (CHAMPION.equals(alias)) {
      throw new LifecycleConflictException("the champion alias cannot be removed, only moved: promote another version or roll back");
    }
    return writeRetrying("remove alias " + alias + " of " + model, c -> {
      if (!lockModel(c, model)) {
        throw new UnknownModelException(model);
      }
      Integer current = aliasVersion(c, model, alias);
      if (current == null) {
        return Optional.<RegistryChange>empty();
      }
      return Optional.of(unsetAlias(c, model, alias, current, by));
    }, Optional::isPresent);
  }

  /**
   * Archives {@code version}: it loses its aliases and is left out of {@link #versions} (its artifact
   * and metadata stay). The champion cannot be archived.
   *
   * @return the change, or empty when it was archived already
   */
  Optional<RegistryChange> archive(String model, int version, Attribution by) {
    return writeRetrying("archive " + model + " v" + version, c -> {
      if (!lockModel(c, model)) {
        throw new UnknownModelException(model);
      }
      Integer champion = aliasVersion(c, model, CHAMPION);
      if (champion != null && champion == version) {
        throw new LifecycleConflictException(model + " v" + version + " is the champion and cannot be archived:"
            + " promote another version or roll back first");
      }
      Long archivedAt = null;
      try (PreparedStatement s = c.prepareStatement(
          "SELECT archived_at FROM model_versions WHERE model = ? AND version = ?")) {
        s.setString(1, model);
        s.setInt(2, version);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            throw new java.util.NoSuchElementException(model + " has no version " + version);
          }
          long at = rs.getLong(1);
          archivedAt = rs.wasNull() ? null : at;
        }
      }
      if (archivedAt != null) {
        return Optional.<RegistryChange>empty();
      }
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE model_versions SET archived_at = ? WHERE model = ? AND version = ?")) {
        s.setLong(1, by.at());
        s.setString(2, model);
        s.setInt(3, version);
        s.executeUpdate();
      }
      Attribution archiving = new Attribution(by.actor(), ChangeCause.ARCHIVE, by.reason(), by.at());
      for (Map.Entry<String, Integer> alias : aliases(c, model).entrySet()) {
        if (alias.getValue() == version) {
          unsetAlias(c, model, alias.getKey(), version, archiving);
        }
      }
      return Optional.of(insertChange(c, model, ChangeKind.ARCHIVED, version, null, null, by));
    }, Optional::isPresent);
  }

  /** {@code model}'s changes, oldest first, after change {@code after} (0 for all), at most {@code limit}. */
  List<RegistryChange> history(String model, long after, int limit) {
    return changes("read the history of " + model, "SELECT " + CHANGE_COLUMNS + " FROM registry_changes"
        + " WHERE model = ? AND id > ? ORDER BY id LIMIT " + limit, model, after);
  }

  /**
   * The change that put the champion in place at {@code at} (epoch millis, registry clock): its
   * version served then, unless the change removed the alias. Empty before the first champion.
   */
  Optional<RegistryChange> championAt(String model, long at) {
    return changes("read the champion of " + model + " at " + at, "SELECT " + CHANGE_COLUMNS
        + " FROM registry_changes WHERE model = ? AND alias = 'champion' AND kind IN ('ALIAS_SET', 'ALIAS_REMOVED')"
        + " AND changed_at <= ? ORDER BY id DESC LIMIT 1", model, at).stream().findFirst();
  }

  /** Changes Kafka has not acknowledged yet, oldest first. */
  List<RegistryChange> unpublishedChanges(int limit) {
    return changes("list unpublished changes", "SELECT " + CHANGE_COLUMNS + " FROM registry_changes"
        + " WHERE published = FALSE ORDER BY id LIMIT " + limit);
  }

  /** Marks a change acknowledged by Kafka. */
  void markPublished(long change) {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement("UPDATE registry_changes SET published = TRUE WHERE id = ?")) {
      s.setLong(1, change);
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure("mark change " + change + " published", e);
    }
  }

  private static final String CHANGE_COLUMNS =
      "id, model, kind, version, alias, previous_version, actor, cause, reason, changed_at";

  private List<RegistryChange> changes(String what, String sql, Object... params) {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        List<RegistryChange> changes = new ArrayList<>();
        while (rs.next()) {
          changes.add(change(rs));
        }
        return changes;
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static RegistryChange change(ResultSet rs) throws SQLException {
    return RegistryChange.newBuilder()
        .setSequence(rs.getLong(1))
        .setModel(rs.getString(2))
        .setKind(ChangeKind.valueOf(rs.getString(3)))
        .setVersion(rs.getInt(4))
        .setAlias(rs.getString(5))
        .setPreviousVersion(intOrNull(rs, 6))
        .setActor(rs.getString(7))
        .setCause(ChangeCause.valueOf(rs.getString(8)))
        .setReason(rs.getString(9))
        .setAt(rs.getLong(10))
        .build();
  }

  /** Locks {@code model}'s row for this transaction; false when it is not registered. */
  private static boolean lockModel(Connection c, String model) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT name FROM models WHERE name = ? FOR UPDATE")) {
      s.setString(1, model);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static RegistryChange insertChange(Connection c, String model, ChangeKind kind, int version, String alias,
      Integer previous, Attribution by) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO registry_changes (model, kind, version, alias,"
        + " previous_version, actor, cause, reason, changed_at, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)",
        new String[] {"id"})) {
      s.setString(1, model);
      s.setString(2, kind.name());
      s.setInt(3, version);
      s.setString(4, alias);
      s.setObject(5, previous);
      s.setString(6, by.actor());
      s.setString(7, by.cause().name());
      s.setString(8, by.reason());
      s.setLong(9, by.at());
      s.executeUpdate();
      try (ResultSet keys = s.getGeneratedKeys()) {
        keys.next();
        return new RegistryChange(keys.getLong(1), model, kind, version, alias, previous, by.actor(), by.cause(),
            by.reason(), by.at());
      }
    }
  }

  /** Points the alias at {@code version}, recording the change; empty when it pointed there already. */
  private static Optional<RegistryChange> setAlias(Connection c, String model, String alias, int version, Attribution by)
      throws SQLException {
    Integer previous = aliasVersion(c, model, alias);
    if (previous != null && previous == version) {
      return Optional.empty();
    }
    RegistryChange change = insertChange(c, model, ChangeKind.ALIAS_SET, version, alias, previous, by);
    try (PreparedStatement s = c.prepareStatement("DELETE FROM model_aliases WHERE model = ? AND alias = ?")) {
      s.setString(1, model);
      s.setString(2, alias);
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO model_aliases (model, alias, version, change_id) VALUES (?, ?, ?, ?)")) {
      s.setString(1, model);
      s.setString(2, alias);
      s.setInt(3, version);
      s.setLong(4, change.getSequence());
      s.executeUpdate();
    }
    return Optional.of(change);
  }

  private static RegistryChange unsetAlias(Connection c, String model, String alias, int version, Attribution by)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM model_aliases WHERE model = ? AND alias = ?")) {
      s.setString(1, model);
      s.setString(2, alias);
      s.executeUpdate();
    }
    return insertChange(c, model, ChangeKind.ALIAS_REMOVED, version, alias, null, by);
  }

  private static Integer aliasVersion(Connection c, String model, String alias) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT version FROM model_aliases WHERE model = ? AND alias = ?")) {
      s.setString(1, model);
      s.setString(2, alias);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  private static Map<String, Integer> aliases(Connection c, String model) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT alias, version FROM model_aliases WHERE model = ? ORDER BY alias")) {
      s.setString(1, model);
      try (ResultSet rs = s.executeQuery()) {
        Map<String, Integer> aliases = new LinkedHashMap<>();
        while (rs.next()) {
          aliases.put(rs.getString(1), rs.getInt(2));
        }
        return aliases;
      }
    }
  }

  /** Refuses an alias for a missing or archived version, and the champion for a rejected one. */
  private static void checkAssignable(Connection c, String model, String alias, int version) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT archived_at, rejected_at FROM model_versions WHERE model = ? AND version = ?")) {
      s.setString(1, model);
      s.setInt(2, version);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new java.util.NoSuchElementException(model + " has no version " + version);
        }
        rs.getLong(1);
        if (!rs.wasNull()) {
          throw new LifecycleConflictException(model + " v" + version + " is archived: an archived version takes no alias");
        }
        rs.getLong(2);
        if (!rs.wasNull() && CHAMPION.equals(alias)) {
          throw new LifecycleConflictException(model + " v" + version + " was reported unservable and cannot be the champion");
        }
      }
    }
  }

  /**
   * The version a rollback from {@code current} goes to: the champion history replayed as a stack
   * (a rollback, an automatic rollback or a rejection pops back to its version, any other move
   * pushes), then the newest version below the top that is neither archived nor rejected.
   */
  private static Optional<Integer> rollbackTarget(Connection c, String model, int current) throws SQLException {
    List<Integer> stack = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT kind, version, cause FROM registry_changes"
        + " WHERE model = ? AND alias = 'champion' ORDER BY id")) {
      s.setString(1, model);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ChangeKind kind = ChangeKind.valueOf(rs.getString(1));
          int version = rs.getInt(2);
          ChangeCause cause = ChangeCause.valueOf(rs.getString(3));
          if (kind == ChangeKind.ALIAS_REMOVED) {
            stack.remove(Integer.valueOf(version));
          } else if (isStepBack(cause) && stack.contains(version)) {
            stack.subList(stack.lastIndexOf(version) + 1, stack.size()).clear();
          } else {
            stack.add(version);
          }
        }
      }
    }
    for (int i = stack.size() - 1; i >= 0; i--) {
      int candidate = stack.get(i);
      if (candidate != current && servable(c, model, candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static boolean isStepBack(ChangeCause cause) {
    return cause == ChangeCause.ROLLBACK || cause == ChangeCause.AUTOMATIC_ROLLBACK || cause == ChangeCause.REJECTION;
  }

  private static boolean servable(Connection c, String model, int version) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM model_versions WHERE model = ? AND version = ?"
        + " AND archived_at IS NULL AND rejected_at IS NULL")) {
      s.setString(1, model);
      s.setInt(2, version);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
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
  Optional<RejectionOutcome> reject(String model, int version, Attribution by) {
    return writeRetrying("record the rejection of " + model + " v" + version, c -> reject(c, model, version, by),
        outcome -> outcome.isPresent() && outcome.get().created());
  }


  private Optional<RejectionOutcome> reject(Connection c, String model, int version, Attribution by)
      throws SQLException {
    if (!lockModel(c, model)) {
      return Optional.empty();
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
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE model_versions SET rejection_reason = ?, rejected_at = ? WHERE model = ? AND version = ?")) {
      s.setString(1, by.reason());
      s.setLong(2, by.at());
      s.setString(3, model);
      s.setInt(4, version);
      s.executeUpdate();
    }
    insertChange(c, model, ChangeKind.REJECTED, version, null, null, by);
    Optional<Integer> reinstated = Optional.empty();
    Integer champion = aliasVersion(c, model, CHAMPION);
    if (champion != null && champion == version) { // the served version cannot serve: the one before it serves again
      reinstated = rollbackTarget(c, model, version);
      if (reinstated.isPresent()) {
        setAlias(c, model, CHAMPION, reinstated.get(), by);
      } else {
        unsetAlias(c, model, CHAMPION, version, by);
      }
    }
    return Optional.of(new RejectionOutcome(new Rejection(by.reason(), by.at()), true, reinstated));
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
    String message = "cannot " + what + " in " + where + ": " + e.getMessage();
    return DatabaseUnavailableException.isConnectionFailure(e.getSQLState())
        ? new DatabaseUnavailableException(message, e)
        : new IllegalStateException(message, e);
  }
}
