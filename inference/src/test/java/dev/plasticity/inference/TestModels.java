package dev.plasticity.inference;

import ai.djl.Model;
import ai.djl.engine.Engine;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Seeded models, metadata and waiting for the tests. */
final class TestModels {
  private TestModels() {}

  static Architecture architecture() {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1", "x2", "x3"))
        .setFeatureMeans(List.of(5.0, 5.0, 5.0))
        .setFeatureStds(List.of(2.9, 2.9, 2.9))
        .setHiddenUnits(List.of(16, 8))
        .setNumClasses(2)
        .build();
  }

  static Map<String, Double> event(double x1, double x2, double x3) {
    return Map.of("x1", x1, "x2", x2, "x3", x3);
  }

  /** A freshly initialised network with weights from {@code seed}. */
  static Model network(String name, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    return ModelFormat.newModel(name, architecture());
  }

  /** The parameters of {@link #network(String, long)}: an artifact. */
  static byte[] artifact(long seed) {
    try (Model model = network("artifact", seed)) {
      return ModelFormat.saveParameters(model);
    }
  }

  static ServingModel serving(String model, int version) {
    return new ServingModel(model, version, architecture(), network(model + "-v" + version, version), 2);
  }

  /** Champion metadata as a trainer uploads it: the registry assigns version, URI and checksum. */
  static ModelVersion champion(String model, String triggerId) {
    return ModelVersion.newBuilder()
        .setModel(model)
        .setVersion(0)
        .setAlias("champion")
        .setArchitecture(architecture())
        .setMetrics(Map.of("accuracy", 0.9))
        .setArtifactUri("")
        .setArtifactSha256("")
        .setLineage(Lineage.newBuilder().setTriggerId(triggerId).setStrategy("retrain").build())
        .setReference(ReferenceStatistics.newBuilder().setSampleCount(100)
            .setFeatures(List.of(new FeatureReference("x1", 100L, 5.0, 2.9, 0.0, 10.0, List.of(0.0, 5.0, 10.0))))
            .setLabelDistribution(List.of(0.5, 0.5)).setErrorRate(0.1).setErrorSampleCount(50).build())
        .setCreatedAt(0)
        .build();
  }

  /** Waits (bounded, for liveness only) until {@code condition} holds. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("gave up waiting until " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }
}
