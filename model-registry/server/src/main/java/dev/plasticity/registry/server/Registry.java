package dev.plasticity.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.registry.server.ArtifactStore.StoredArtifact;
import dev.plasticity.registry.server.ArtifactStore.Upload;
import dev.plasticity.registry.server.VersionStore.Attribution;
import dev.plasticity.registry.server.VersionStore.Insertion;
import dev.plasticity.registry.server.VersionStore.Move;
import dev.plasticity.registry.server.VersionStore.Rejection;
import dev.plasticity.registry.server.VersionStore.RejectionOutcome;
import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.ChangeCause;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.RegistryChange;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the registry does, independent of HTTP: registers models, stores versions with their
 * artifacts (numbering them 1, 2, … per model, once per trigger id), moves aliases (promote,
 * rollback, any named alias), archives versions, answers lookups and the history, and tells the
 * {@link ChangeAnnouncer} when it changed something. Every change names who made it ({@code
 * actor}: the token's name, {@code anonymous} on a registry without tokens) and why. Bad input
 * raises {@link IllegalArgumentException}, an unregistered model {@link UnknownModelException}, a
 * move the lifecycle forbids {@link LifecycleConflictException}. Thread-safe.
 */
final class Registry {
  private static final Logger log = LoggerFactory.getLogger(Registry.class);
  private static final int MAX_NAME_LENGTH = 255;
  private static final int MAX_REASON_LENGTH = 4096;
  private static final AvroSerde<ModelVersion> AVRO = AvroSerde.of(ModelVersion.class);

  private final VersionStore store;
  private final ArtifactStore artifacts;
  private final ChangeAnnouncer announcer;
  private final Clock clock;
  private final long maxArtifactBytes;
  private final RegistryMetrics metrics;
  private final Object[] artifactLocks = new Object[64];

  /** @param maxArtifactBytes uploads beyond this many bytes are refused ({@link ArtifactTooLargeException}) */
  Registry(VersionStore store, ArtifactStore artifacts, ChangeAnnouncer announcer, Clock clock, long maxArtifactBytes) {
    this(store, artifacts, announcer, clock, maxArtifactBytes, RegistryMetrics.NONE);
  }

  /** @param metrics counts the versions stored and rejected */
  Registry(VersionStore store, ArtifactStore artifacts, ChangeAnnouncer announcer, Clock clock, long maxArtifactBytes,
      RegistryMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.artifacts = artifacts;
    this.announcer = announcer;
    this.clock = clock;
    this.maxArtifactBytes = maxArtifactBytes;
    for (int i = 0; i < artifactLocks.length; i++) {
      artifactLocks[i] = new Object();
    }
  }

  /** The result of an upload: the version and whether this upload created it. */
  record Registration(ModelVersion version, boolean created) {}

  /** Registers a model name; returns false if it already was. */
  boolean ensureModel(String model) {
    checkModelName(model);
    boolean created = store.insertModel(model, clock.millis());
    if (created) {
      log.info("registered model {}", model);
    }
    return created;
  }

  /** The result of {@link #define}: the definition on record and whether this call stored it. */
  record Defined(ModelDefinition definition, boolean stored) {}

  /**
   * Stores {@code model}'s definition from its JSON ({@link ModelDefinition}), registering the model
   * when it is not yet. The definition must keep every rule ({@link ModelDefinition#validate()}),
   * name the model of the path (or no model), and agree with the champion when the model has one:
   * the same numeric features, and at least as many classes. A definition may be replaced until
   * the model's first version is stored; after that only the same definition is accepted again.
   *
   * @throws IllegalArgumentException naming the rule the definition breaks
   * @throws DefinitionConflictException when the model has versions and another definition
   */
  Defined define(String model, String json) {
    checkModelName(model);
    ModelDefinition definition = parseDefinition(model, json).validate();
    champion(model).ifPresent(champion -> agreesWithChampion(definition, champion));
    String canonical;
    try {
      canonical = RegistryJson.mapper().writeValueAsString(definition);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the definition cannot be written as JSON: " + e.getOriginalMessage());
    }
    return switch (store.define(model, canonical, clock.millis())) {
      case STORED -> {
        log.info("defined model {}: {}", model, canonical);
        yield new Defined(definition, true);
      }
      case UNCHANGED -> new Defined(definition, false);
      case CONFLICT -> throw new DefinitionConflictException("model '" + model + "' already has versions and another"
          + " definition; a definition is fixed once a version is trained from it (its networks take its features):"
          + " define a model under a new name, or send the stored definition (GET /api/models/{model}/definition)");
    };
  }

  /** The definition of {@code model}, if it has one. */
  Optional<ModelDefinition> definition(String model) {
    checkModelName(model);
    return store.definition(model).map(json -> {
      try {
        return RegistryJson.mapper().readValue(json, ModelDefinition.class);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("the stored definition of " + model + " is not readable: " + e.getMessage(), e);
      }
    });
  }

  private static ModelDefinition parseDefinition(String model, String json) {
    if (json == null || json.isBlank()) {
      throw new IllegalArgumentException("the body is empty; send the model's definition as JSON");
    }
    ModelDefinition definition;
    try {
      definition = RegistryJson.mapper().readValue(json, ModelDefinition.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not a readable model definition: " + e.getOriginalMessage());
    }
    if (definition == null) {
      throw new IllegalArgumentException("the body is JSON null; expected a model definition object");
    }
    if (definition.name() != null && !definition.name().equals(model)) {
      throw new IllegalArgumentException("name: the definition names model '" + definition.name()
          + "' but the path names '" + model + "'");
    }
    return new ModelDefinition(model, definition.classes(), definition.features(), definition.constraints(),
        definition.policy(), definition.drift());
  }

  /** A definition given to a model that is served already must describe the champion's inputs and labels. */
  private static void agreesWithChampion(ModelDefinition definition, ModelVersion champion) {
    List<String> inputs = champion.getArchitecture().getInputFeatures();
    List<String> numeric = definition.features().numeric();
    if (!numeric.isEmpty() && !new java.util.HashSet<>(numeric).equals(new java.util.HashSet<>(inputs))) {
      throw new IllegalArgumentException("features.numeric: the champion v" + champion.getVersion() + " takes "
          + inputs + "; a definition of a served model declares the same numeric features, got " + numeric);
    }
    if (definition.classes().count() < champion.getArchitecture().getNumClasses()) {
      throw new IllegalArgumentException("classes.count: the champion v" + champion.getVersion() + " predicts "
          + champion.getArchitecture().getNumClasses() + " classes; a definition declares at least as many, got "
          + definition.classes().count());
    }
  }

  List<ModelSummary> models() {
    return store.models();
  }

  /**
   * Stores a new version of {@code model} from its metadata (JSON of a {@link ModelVersion}) and
   * artifact bytes. The version number, artifact location and checksum are assigned here; a
   * checksum in the metadata must match the bytes, and the artifact must hold exactly the
   * parameters of the architecture's network ({@link ServableModel}). If a version of the model
   * already came from the same {@code lineage.triggerId}, that version is returned and nothing is
   * stored. When this returns, the artifact and the version are on disk. An artifact this upload
   * stored that no version ends up referring to (a race for the trigger id lost, a failure) is
   * deleted again.
   *
   * @throws ArtifactTooLargeException past the configured artifact size
   */
  Registration register(String model, String metadataJson, InputStream artifact, String actor) {
    checkModelName(model);
    ModelVersion metadata = parseMetadata(model, metadataJson);
    if (artifact == null) {
      throw new IllegalArgumentException("the upload has no 'artifact' part: send the model bytes as multipart part 'artifact'");
    }
    String triggerId = metadata.getLineage().getTriggerId();
    if (!store.modelExists(model)) {
      throw new UnknownModelException(model);
    }
    if (triggerId != null) {
      Optional<ModelVersion> existing = store.versionForTrigger(model, triggerId);
      if (existing.isPresent()) {
        return alreadyRegistered(existing.get(), triggerId);
      }
    }
    Upload upload = artifacts.receive(artifact, maxArtifactBytes);
    try {
      String announced = metadata.getArtifactSha256();
      if (announced != null && !announced.isEmpty() && !announced.toLowerCase(Locale.ROOT).equals(upload.sha256())) {
        throw new IllegalArgumentException("metadata.artifactSha256 " + announced + " does not match the "
            + upload.size() + " bytes uploaded, which hash to " + upload.sha256());
      }
      checkServable(metadata, upload);
    } catch (RuntimeException e) {
      artifacts.discard(upload);
      throw e;
    }
    Insertion insertion;
    StoredArtifact stored;
    synchronized (lockFor(upload.sha256())) { // storing, referencing and removing one artifact happen one at a time
      stored = artifacts.store(upload);
      boolean referenced = false;
      try {
        long createdAt = metadata.getCreatedAt() != 0 ? metadata.getCreatedAt() : clock.millis();
        insertion = store.insertVersion(model, triggerId, number ->
            ModelVersion.newBuilder(metadata)
                .setVersion(number)
                .setArtifactUri(artifactLocation(model, number))
                .setArtifactSha256(stored.sha256())
                .setCreatedAt(createdAt)
                .setAssignment(null)
                .build(), registeredBy(metadata, actor));
        referenced = insertion.created();
      } finally {
        if (!referenced) {
          removeIfUnreferenced(stored.sha256());
        }
      }
    }
    ModelVersion version = insertion.version();
    if (!insertion.created()) {
      return alreadyRegistered(version, triggerId);
    }
    log.info("stored {} v{} ({}, {} bytes, sha256 {}, trigger {})", model, version.getVersion(),
        version.getAlias(), stored.size(), stored.sha256(), triggerId);
    metrics.versionRegistered(model, version.getAlias());
    announcer.changed(model);
    return new Registration(version, true);
  }

  /** A version's registration takes its alias through the trainer's gate when it records one, else as registered. */
  private Attribution registeredBy(ModelVersion metadata, String actor) {
    var gate = metadata.getLineage().getGate();
    return gate != null
        ? new Attribution(actor, ChangeCause.GATE, gate.getVerdict(), clock.millis())
        : new Attribution(actor, ChangeCause.REGISTRATION, "registered as " + metadata.getAlias(), clock.millis());
  }

  /**
   * Makes {@code version} the champion: every server swaps it in. The move is recorded as the
   * operator's ({@link ChangeCause#OPERATOR}) or, for {@link ChangeCause#RECALL}, as a recall.
   */
  Move promote(String model, int version, String actor, ChangeCause cause, String reason) {
    return moveAlias(model, Aliases.CHAMPION, version, actor, cause, reason);
  }

  /** Points {@code alias} at {@code version}; an unknown alias name is created. */
  Move moveAlias(String model, String alias, int version, String actor, ChangeCause cause, String reason) {
    checkModelName(model);
    checkAlias(alias);
    Move move = store.moveAlias(model, alias, version, new Attribution(actor, cause, checkReason(reason), clock.millis()));
    move.change().ifPresent(change -> {
      log.info("{}: alias {} now points at v{} ({} by {}: {})", model, alias, version, cause, actor, reason);
      announcer.changed(model);
    });
    return move;
  }

  /**
   * Moves the champion back to the version that served before it ({@link VersionStore#rollback}).
   *
   * @param automatic whether live verification asked for it ({@link ChangeCause#AUTOMATIC_ROLLBACK})
   */
  Move rollback(String model, String actor, boolean automatic, String reason) {
    checkModelName(model);
    ChangeCause cause = automatic ? ChangeCause.AUTOMATIC_ROLLBACK : ChangeCause.ROLLBACK;
    Move move = store.rollback(model, new Attribution(actor, cause, checkReason(reason), clock.millis()));
    log.warn("{}: champion rolled back to v{} ({} by {}: {})", model, move.version(), cause, actor, reason);
    announcer.changed(model);
    return move;
  }

  /**
   * Rolls back {@code version} when it is still the champion ({@link VersionStore#rollback(String,
   * java.util.OptionalInt, Attribution)}): live verification found it worse than its predecessor.
   * Recorded as {@link ChangeCause#AUTOMATIC_ROLLBACK} with the verdict as reason.
   */
  Move rollbackLost(String model, int version, String actor, String reason) {
    checkModelName(model);
    Move move = store.rollback(model, java.util.OptionalInt.of(version),
        new Attribution(actor, ChangeCause.AUTOMATIC_ROLLBACK, checkReason(reason), clock.millis()));
    log.warn("{}: v{} lost live verification, champion rolled back to v{} (by {}: {})", model, version,
        move.version(), actor, reason);
    announcer.changed(model);
    return move;
  }

  /**
   * Makes a past champion the champion again for a trigger whose window it fits better than the
   * serving version ({@link VersionStore#recall}, {@link ChangeCause#RECALL}), only while {@code
   * replacing} (when given) is still the champion.
   */
  Move recall(String model, int version, java.util.OptionalInt replacing, String actor, String reason) {
    checkModelName(model);
    Move move = store.recall(model, version, replacing, new Attribution(actor, ChangeCause.RECALL, checkReason(reason),
        clock.millis()));
    move.change().ifPresent(change -> {
      log.info("{}: v{} recalled as champion (by {}: {})", model, version, actor, reason);
      announcer.changed(model);
    });
    return move;
  }

  /** Removes {@code alias}; the champion cannot be removed. Empty when it was not set. */
  Optional<RegistryChange> removeAlias(String model, String alias, String actor, String reason) {
    checkModelName(model);
    checkAlias(alias);
    Optional<RegistryChange> change = store.removeAlias(model, alias,
        new Attribution(actor, ChangeCause.OPERATOR, checkReason(reason), clock.millis()));
    change.ifPresent(c -> announcer.changed(model));
    return change;
  }

  /** Archives a version that is not the champion; empty when it was archived already. */
  Optional<RegistryChange> archive(String model, int version, String actor, String reason) {
    checkModelName(model);
    Optional<RegistryChange> change = store.archive(model, version,
        new Attribution(actor, ChangeCause.OPERATOR, checkReason(reason), clock.millis()));
    change.ifPresent(c -> {
      log.info("{} v{} archived by {}: {}", model, version, actor, reason);
      announcer.changed(model);
    });
    return change;
  }

  /** Every alias of {@code model} and its version. */
  Map<String, Integer> aliases(String model) {
    requireModel(model);
    return store.aliases(model);
  }

  /** The version {@code alias} points at, if set. */
  Optional<ModelVersion> alias(String model, String alias) {
    requireModel(model);
    checkAlias(alias);
    return store.alias(model, alias);
  }

  /** {@code model}'s changes after change number {@code after}, oldest first, at most {@code limit}. */
  List<RegistryChange> history(String model, long after, int limit) {
    requireModel(model);
    return store.history(model, after, limit);
  }

  /** The change that made the champion of time {@code at} (epoch millis); empty before the first. */
  Optional<RegistryChange> championAt(String model, long at) {
    requireModel(model);
    return store.championAt(model, at);
  }

  private void requireModel(String model) {
    checkModelName(model);
    if (!store.modelExists(model)) {
      throw new UnknownModelException(model);
    }
  }

  /** An alias name follows {@link Aliases#NAME}. */
  static void checkAlias(String alias) {
    if (alias == null || !Aliases.NAME.matcher(alias).matches()) {
      throw new IllegalArgumentException("an alias is " + Aliases.NAME_RULE + ", got '" + alias + "'");
    }
    if (Aliases.PREVIOUS.equals(alias)) {
      throw new IllegalArgumentException("'" + Aliases.PREVIOUS + "' is reserved: it stamps the predictions of the"
          + " champion before a swap while its successor is verified");
    }
  }

  private static String checkReason(String reason) {
    if (reason != null && reason.length() > MAX_REASON_LENGTH) {
      throw new IllegalArgumentException("a reason may have at most " + MAX_REASON_LENGTH + " characters, got "
          + reason.length());
    }
    return reason == null || reason.isBlank() ? null : reason;
  }

  /**
   * Records that a server could not serve {@code model} v{@code version}. The first report is kept.
   * When the version was the champion being served, the newest champion not rejected is announced
   * again.
   *
   * @return the rejection on record and whether this call recorded it
   * @throws UnknownModelException when the model is not registered
   * @throws java.util.NoSuchElementException when the model has no such version
   */
  RejectionOutcome reject(String model, int version, String reason, String actor) {
    checkModelName(model);
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a rejection needs a non-blank 'reason' saying why the version cannot be served");
    }
    if (reason.length() > MAX_REASON_LENGTH) {
      throw new IllegalArgumentException("a rejection reason may have at most " + MAX_REASON_LENGTH
          + " characters, got " + reason.length());
    }
    if (!store.modelExists(model)) {
      throw new UnknownModelException(model);
    }
    RejectionOutcome outcome = store.reject(model, version,
            new Attribution(actor, ChangeCause.REJECTION, reason, clock.millis()))
        .orElseThrow(() -> new java.util.NoSuchElementException(model + " has no version " + version));
    if (outcome.created()) {
      log.warn("{} v{} was reported unservable: {}", model, version, reason);
      metrics.rejected(model);
      outcome.reinstated().ifPresent(champion -> log.info("{} v{} is the champion again; announcing it", model, champion));
      announcer.changed(model);
    }
    return outcome;
  }

  /** The rejection on record for a version, if any. */
  Optional<Rejection> rejection(String model, int version) {
    checkModelName(model);
    return store.rejection(model, version);
  }

  boolean modelExists(String model) {
    return store.modelExists(model);
  }

  /** {@code model}'s versions in order; archived ones only when {@code withArchived}. */
  List<ModelVersion> versions(String model, boolean withArchived) {
    return store.versions(model, withArchived);
  }

  Optional<ModelVersion> version(String model, int version) {
    return store.version(model, version);
  }

  Optional<ModelVersion> versionForTrigger(String model, String triggerId) {
    return store.versionForTrigger(model, triggerId);
  }

  Optional<ModelVersion> champion(String model) {
    return store.champion(model);
  }

  /** The artifact of a version, if the version exists. */
  Optional<StoredArtifact> artifact(String model, int version) {
    return store.version(model, version).map(v -> artifacts.find(v.getArtifactSha256())
        .orElseThrow(() -> new IllegalStateException("the artifact of " + model + " v" + version
            + " (sha256 " + v.getArtifactSha256() + ") is missing from the artifact store")));
  }

  boolean healthy() {
    return store.healthy();
  }

  private static Registration alreadyRegistered(ModelVersion version, String triggerId) {
    log.info("trigger {} already produced {} v{}; nothing stored", triggerId, version.getModel(), version.getVersion());
    return new Registration(version, false);
  }

  /** Reads and validates the metadata part; fields the registry assigns may be absent. */
  private static ModelVersion parseMetadata(String model, String json) {
    if (json == null || json.isBlank()) {
      throw new IllegalArgumentException("the upload has no 'metadata' part: send the ModelVersion JSON as multipart part 'metadata'");
    }
    ModelVersion metadata;
    try {
      metadata = RegistryJson.mapper().readValue(json, ModelVersion.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("metadata is not readable ModelVersion JSON: " + e.getOriginalMessage());
    }
    if (metadata == null) {
      throw new IllegalArgumentException("metadata is JSON null; expected a ModelVersion object");
    }
    if (metadata.getModel() != null && !model.equals(metadata.getModel().toString())) {
      throw new IllegalArgumentException("metadata.model '" + metadata.getModel()
          + "' does not match the model in the path '" + model + "'");
    }
    String alias = metadata.getAlias() == null ? null : metadata.getAlias().toString();
    if (!VersionStore.CHAMPION.equals(alias) && !VersionStore.CHALLENGER.equals(alias)) {
      throw new IllegalArgumentException("metadata.alias must be 'champion' or 'challenger', got " + alias);
    }
    if (metadata.getLineage() == null) {
      throw new IllegalArgumentException("metadata.lineage is required (its fields may be null)");
    }
    String triggerId = metadata.getLineage().getTriggerId();
    if (triggerId != null && (triggerId.isEmpty() || triggerId.length() > MAX_NAME_LENGTH)) {
      throw new IllegalArgumentException("metadata.lineage.triggerId must be 1 to " + MAX_NAME_LENGTH
          + " characters, got " + triggerId.length());
    }
    if (metadata.getArchitecture() == null) {
      throw new IllegalArgumentException("metadata.architecture is required: it rebuilds the network");
    }
    metadata.setModel(model);
    if (metadata.getArtifactUri() == null) {
      metadata.setArtifactUri("");
    }
    if (metadata.getArtifactSha256() == null) {
      metadata.setArtifactSha256("");
    }
    try {
      AVRO.serialize(null, metadata); // everything Kafka consumers will need is there
    } catch (RuntimeException e) { // Avro names the missing or mistyped field
      throw new IllegalArgumentException("metadata is not a complete ModelVersion: " + e.getMessage());
    }
    ServableModel.checkArchitecture(metadata.getArchitecture());
    return metadata;
  }

  /**
   * Where a version's artifact is, relative to the registry's base URL: clients resolve it against
   * the registry they talk to, so a registry that moved keeps serving what it stored.
   */
  static String artifactLocation(String model, int version) {
    return "api/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
        + "/versions/" + version + "/artifact";
  }

  /** The artifact's parameters must be the architecture's, so what is registered can be served. */
  private static void checkServable(ModelVersion metadata, Upload upload) {
    List<ParameterFile.StoredParameter> parameters;
    try {
      parameters = ParameterFile.read(upload.temp());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read the received artifact", e);
    }
    ServableModel.checkParameters(metadata.getArchitecture(), parameters);
  }

  private Object lockFor(String sha256) {
    return artifactLocks[Math.floorMod(sha256.hashCode(), artifactLocks.length)];
  }

  private void removeIfUnreferenced(String sha256) {
    try {
      if (!store.artifactReferenced(sha256)) {
        artifacts.delete(sha256);
        log.info("removed artifact {}: no version refers to it", sha256);
      }
    } catch (RuntimeException e) {
      log.warn("could not check whether artifact {} is still referenced; it stays", sha256, e);
    }
  }

  /** A model name follows {@link Aliases#NAME}. */
  static void checkModelName(String model) {
    if (model == null || !Aliases.NAME.matcher(model).matches()) {
      throw new IllegalArgumentException("a model name is " + Aliases.NAME_RULE + ", got '"
          + (model == null ? null : model.length() > 140 ? model.substring(0, 140) + "…" : model.replaceAll("\\p{Cntrl}", "?")) + "'");
    }
  }
}
