package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.schemas.ModelVersion;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's rules without HTTP: numbering, stamping, validation, announcing champions. */
class RegistryTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

  @TempDir Path artifactDir;
  private VersionStore store;
  private final List<String> announced = new ArrayList<>();
  private Registry registry;

  @BeforeEach
  void open() {
    store = VersionStore.open(TestVersions.h2InMemoryUrl(), "sa", "");
    registry = new Registry(store, new ArtifactStore(artifactDir), announced::add, CLOCK, 1024 * 1024);
    registry.ensureModel("sea");
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void stampsCreationTimeFromTheClockAndRecordsEachRegistrationWithItsAliasMove() throws Exception {
    ModelVersion champion = register(metadata("sea", "champion", null), "one").version();
    register(metadata("sea", "challenger", null), "two");

    assertThat(champion.getCreatedAt()).isEqualTo(CLOCK.millis());
    assertThat(champion.getArtifactUri()).isEqualTo("api/models/sea/versions/1/artifact");
    assertThat(announced).containsExactly("sea", "sea");
    assertThat(store.unpublishedChanges(10))
        .extracting(c -> c.getKind() + " " + c.getAlias() + " v" + c.getVersion() + " " + c.getActor())
        .containsExactly("REGISTERED null v1 tester", "ALIAS_SET champion v1 tester",
            "REGISTERED null v2 tester", "ALIAS_SET challenger v2 tester");
    assertThat(store.champion("sea")).contains(champion);
  }

  @Test
  void keepsACreationTimeTheTrainerSet() throws Exception {
    ModelVersion metadata = metadata("sea", "challenger", null);
    metadata.setCreatedAt(1234L);

    assertThat(register(metadata, "w").version().getCreatedAt()).isEqualTo(1234L);
  }

  @Test
  void rejectsMetadataThatCouldNotBePublishedNamingTheMissingField() throws Exception {
    ModelVersion metadata = metadata("sea", "champion", null);
    metadata.setArchitecture(null);

    assertThatThrownBy(() -> register(metadata, "w"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("architecture");
    assertThat(registry.versions("sea", true)).isEmpty();
  }

  @Test
  void rejectsMetadataForAnotherModel() {
    assertThatThrownBy(() -> register(metadata("river", "champion", null), "w"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.model 'river' does not match the model in the path 'sea'");
  }

  @Test
  void aModelIsRegisteredOnce() {
    assertThat(registry.ensureModel("lake")).isTrue();
    assertThat(registry.ensureModel("lake")).isFalse();
    assertThatThrownBy(() -> registry.ensureModel(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  private Registry.Registration register(ModelVersion metadata, String bytes) throws Exception {
    return registry.register("sea", RegistryJson.mapper().writeValueAsString(metadata),
        new ByteArrayInputStream(artifact(bytes)), "tester");
  }
}
