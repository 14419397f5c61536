package dev.plasticity.registry.server;

import ai.djl.Model;
import ai.djl.engine.Engine;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Metadata and artifacts for registry tests. */
final class TestVersions {
  private TestVersions() {}

  /** Metadata as a trainer sends it: no version, URI, checksum or creation time. */
  static ModelVersion metadata(String model, String alias, String triggerId) {
    return ModelVersion.newBuilder()
        .setModel(model)
        .setVersion(0)
        .setAlias(alias)
        .setArchitecture(architecture(List.of(16, 8)))
        .setMetrics(Map.of("accuracy", 0.91))
        .setArtifactUri("")
        .setArtifactSha256("")
        .setLineage(Lineage.newBuilder().setTriggerId(triggerId).setStrategy("retrain").build())
        .setReference(ReferenceStatistics.newBuilder().setSampleCount(100)
            .setFeatures(List.of(new FeatureReference("x1", 100L, 0.0, 1.0, -3.0, 3.0, List.of(-3.0, 0.0, 3.0))))
            .setLabelDistribution(List.of(0.5, 0.5)).setErrorRate(0.09).setErrorSampleCount(50).build())
        .setCreatedAt(0)
        .build();
  }

  /**
   * A real artifact for {@link #metadata}'s architecture: the parameters of the network
   * {@code ModelFormat} builds, initialised from a seed derived from {@code content}, so different
   * contents give different bytes and the same content the same bytes.
   */
  static byte[] artifact(String content) {
    return artifact(architecture(List.of(16, 8)), content);
  }

  /** A real artifact for {@code architecture}, seeded by {@code content}. */
  static synchronized byte[] artifact(Architecture architecture, String content) {
    return ARTIFACTS.computeIfAbsent(architecture + "|" + content, key -> {
      Engine.getInstance().setRandomSeed(content.hashCode());
      try (Model model = ModelFormat.newModel("test", architecture)) {
        return ModelFormat.saveParameters(model);
      }
    }).clone();
  }

  private static final Map<String, byte[]> ARTIFACTS = new HashMap<>();

  /** Two inputs, the given hidden widths, two classes (relu, no normalisation). */
  static Architecture architecture(List<Integer> hiddenUnits) {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1", "x2")).setFeatureMeans(List.of(0.0, 1.0)).setFeatureStds(List.of(1.0, 2.0))
        .setHiddenUnits(hiddenUnits).setNumClasses(2).build();
  }

  /** Bytes that are not a parameter file. */
  static byte[] text(String content) {
    return content.getBytes(StandardCharsets.UTF_8);
  }

  static String uniqueModel(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String h2InMemoryUrl() {
    return "jdbc:h2:mem:registry-" + UUID.randomUUID() + ";MODE=PostgreSQL;LOCK_TIMEOUT=10000";
  }

  /** A server on a fresh in-memory database, without Kafka. */
  static RegistryConfig.Builder inMemory(Path artifactDir) {
    return RegistryConfig.builder().jdbc(h2InMemoryUrl(), "sa", "").artifactDir(artifactDir);
  }
}
