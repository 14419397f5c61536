package dev.plasticity.registry.server;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        .setArchitecture(Architecture.newBuilder()
            .setInputFeatures(List.of("x1", "x2")).setFeatureMeans(List.of(0.0, 1.0)).setFeatureStds(List.of(1.0, 2.0))
            .setHiddenUnits(List.of(16, 8)).setNumClasses(2).build())
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

  static byte[] artifact(String content) {
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
