package dev.plasticity.streamjobs;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import dev.plasticity.streamjobs.drift.SeaData;
import java.util.List;
import java.util.Map;

/** Model versions and events for the job tests. */
final class Fixtures {
  static final long T0 = 1_700_000_000_000L;

  private Fixtures() {}

  static ModelVersion version(String model, int version, String alias, ReferenceStatistics reference) {
    return ModelVersion.newBuilder()
        .setModel(model)
        .setVersion(version)
        .setAlias(alias)
        .setArchitecture(Architecture.newBuilder()
            .setInputFeatures(List.of(SeaData.FEATURES))
            .setFeatureMeans(List.of(5.0, 5.0, 5.0))
            .setFeatureStds(List.of(2.9, 2.9, 2.9))
            .setHiddenUnits(List.of(16))
            .setNumClasses(2)
            .build())
        .setMetrics(Map.of("accuracy", 1 - reference.getErrorRate()))
        .setArtifactUri("file:///models/" + model + "/" + version)
        .setArtifactSha256("0".repeat(64))
        .setLineage(Lineage.newBuilder().build())
        .setReference(reference)
        .setCreatedAt(T0)
        .build();
  }

  static ModelVersion champion(String model, int version) {
    return version(model, version, "champion", SeaData.oldConceptReference());
  }

  /** The i-th point as an event for {@code model}, predicted by {@code version} (null: no prediction). */
  static LabelledEvent event(String model, int i, SeaData.Point p, Integer version) {
    return LabelledEvent.newBuilder()
        .setEventId(model + "-" + i)
        .setModel(model)
        .setEventTime(T0 + i * 100L)
        .setFeatures(p.features())
        .setLabel(p.label())
        .setPrediction(version == null ? null : p.prediction())
        .setPredictionVersion(version)
        .build();
  }
}
