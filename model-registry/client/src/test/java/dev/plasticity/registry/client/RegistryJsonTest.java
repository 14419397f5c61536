package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.PartitionRange;
import dev.plasticity.schemas.ReferenceStatistics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryJsonTest {
  static ModelVersion sample() {
    return ModelVersion.newBuilder()
        .setModel("sea")
        .setVersion(2)
        .setAlias("champion")
        .setArchitecture(Architecture.newBuilder()
            .setInputFeatures(List.of("x1")).setFeatureMeans(List.of(0.0)).setFeatureStds(List.of(1.0))
            .setHiddenUnits(List.of(8)).setNumClasses(2).build())
        .setMetrics(Map.of("accuracy", 0.97))
        .setArtifactUri("http://localhost/a")
        .setArtifactSha256("ab")
        .setLineage(Lineage.newBuilder().setParentVersion(1).setTriggerId("t-1").setStrategy("retrain")
            .setWindow(DataWindow.newBuilder().setTopic("t").setStartTime(1).setEndTime(2).setEventCount(3)
                .setOffsets(List.of(new PartitionRange(0, 10L, 12L))).build())
            .build())
        .setReference(ReferenceStatistics.newBuilder().setSampleCount(3)
            .setFeatures(List.of(new FeatureReference("x1", 3L, 0.5, 0.1, 0.0, 1.0, List.of(0.0, 1.0))))
            .setLabelDistribution(List.of(0.4, 0.6)).setErrorRate(0.03).setErrorSampleCount(100).build())
        .setCreatedAt(123)
        .build();
  }

  @Test
  void writesAvroRecordsAsPlainJsonAndReadsThemBack() throws Exception {
    String json = RegistryJson.mapper().writeValueAsString(sample());
    assertThat(json).contains("\"model\":\"sea\"", "\"parentVersion\":1").doesNotContain("schema");
    assertThat(RegistryJson.mapper().readValue(json, ModelVersion.class)).isEqualTo(sample());
  }

  @Test
  void aFieldTheJsonLacksReadsAsItsAvroDefault() throws Exception {
    // an architecture stored before normalization and residual existed
    String json = "{\"inputFeatures\":[\"x1\"],\"featureMeans\":[0.0],\"featureStds\":[1.0],"
        + "\"hiddenUnits\":[8],\"numClasses\":2}";
    Architecture read = RegistryJson.mapper().readValue(json, Architecture.class);
    assertThat(read.getFamily()).isEqualTo("mlp");
    assertThat(read.getActivation()).isEqualTo("relu");
    assertThat(read.getNormalization()).isEqualTo("none");
    assertThat(read.getResidual()).isFalse();
    assertThat(read).isEqualTo(Architecture.newBuilder().setInputFeatures(List.of("x1")).setFeatureMeans(List.of(0.0))
        .setFeatureStds(List.of(1.0)).setHiddenUnits(List.of(8)).setNumClasses(2).build());
  }
}
