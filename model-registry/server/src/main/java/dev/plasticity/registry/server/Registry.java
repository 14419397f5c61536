package dev.plasticity.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.registry.server.ArtifactStore.StoredArtifact;
import dev.plasticity.registry.server.ArtifactStore.Upload;
import dev.plasticity.registry.server.VersionStore.Insertion;
import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.ModelVersion;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the registry does, independent of HTTP: registers models, stores versions with their
 * artifacts (numbering them 1, 2, … per model, once per trigger id), answers lookups, and tells
 * the {@link ChampionAnnouncer} about new champions. Bad input raises
 * {@link IllegalArgumentException}, an unregistered model {@link UnknownModelException}.
 * Thread-safe.
 */
final class Registry {
  private static final Logger log = LoggerFactory.getLogger(Registry.class);
  private static final int MAX_NAME_LENGTH = 255;
  private static final AvroSerde<ModelVersion> AVRO = AvroSerde.of(ModelVersion.class);

  private final VersionStore store;
  private final ArtifactStore artifacts;
  private final ChampionAnnouncer announcer;
  private final Supplier<String> publicBaseUrl;
  private final Clock clock;

  /** @param publicBaseUrl base of artifact URIs, e.g. {@code http://registry:8081} (read per upload) */
  Registry(VersionStore store, ArtifactStore artifacts, ChampionAnnouncer announcer,
      Supplier<String> publicBaseUrl, Clock clock) {
    this.store = store;
    this.artifacts = artifacts;
    this.announcer = announcer;
    this.publicBaseUrl = publicBaseUrl;
    this.clock = clock;
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

  List<ModelSummary> models() {
    return store.models();
  }

  /**
   * Stores a new version of {@code model} from its metadata (JSON of a {@link ModelVersion}) and
   * artifact bytes. The version number, artifact URI and checksum are assigned here; a checksum in
   * the metadata must match the bytes. If a version of the model already came from the same
   * {@code lineage.triggerId}, that version is returned and nothing is stored.
   */
  Registration register(String model, String metadataJson, InputStream artifact) {
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
    Upload upload = artifacts.receive(artifact);
    String announced = metadata.getArtifactSha256();
    if (announced != null && !announced.isEmpty() && !announced.toLowerCase(Locale.ROOT).equals(upload.sha256())) {
      artifacts.discard(upload);
      throw new IllegalArgumentException("metadata.artifactSha256 " + announced + " does not match the "
          + upload.size() + " bytes uploaded, which hash to " + upload.sha256());
    }
    StoredArtifact stored = artifacts.store(upload);
    long createdAt = metadata.getCreatedAt() != 0 ? metadata.getCreatedAt() : clock.millis();
    Insertion insertion = store.insertVersion(model, triggerId, number ->
        ModelVersion.newBuilder(metadata)
            .setVersion(number)
            .setArtifactUri(artifactUri(model, number))
            .setArtifactSha256(stored.sha256())
            .setCreatedAt(createdAt)
            .build());
    ModelVersion version = insertion.version();
    if (!insertion.created()) {
      return alreadyRegistered(version, triggerId);
    }
    log.info("stored {} v{} ({}, {} bytes, sha256 {}, trigger {})", model, version.getVersion(),
        version.getAlias(), stored.size(), stored.sha256(), triggerId);
    if (VersionStore.CHAMPION.equals(version.getAlias())) {
      announcer.championStored(version);
    }
    return new Registration(version, true);
  }

  boolean modelExists(String model) {
    return store.modelExists(model);
  }

  List<ModelVersion> versions(String model) {
    return store.versions(model);
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
    return metadata;
  }

  private String artifactUri(String model, int version) {
    String base = publicBaseUrl.get();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "/api/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
        + "/versions/" + version + "/artifact";
  }

  private static void checkModelName(String model) {
    if (model == null || model.isBlank() || model.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("a model name must be 1 to " + MAX_NAME_LENGTH + " characters, not blank");
    }
    if (model.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("a model name must not contain control characters");
    }
  }
}
