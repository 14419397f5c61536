package dev.plasticity.registry.server;

import static dev.plasticity.registry.server.TestVersions.artifact;
import static dev.plasticity.registry.server.TestVersions.metadata;
import static dev.plasticity.registry.server.TestVersions.uniqueModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.registry.client.AliasMove;
import dev.plasticity.registry.client.ModelDefinition;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.client.RegistryException;
import dev.plasticity.registry.client.RegistryJson;
import dev.plasticity.registry.client.Sha256;
import dev.plasticity.schemas.DriftConfig;
import dev.plasticity.schemas.ModelVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The registry's HTTP contract, exercised through {@link RegistryClient} against a real server on
 * the database a subclass provides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RegistryContractTest {
  RegistryServer server;
  RegistryClient client;
  Path artifactDir;

  /** A config (without Kafka) on the database under test, artifacts under {@code artifactDir}. */
  abstract RegistryConfig.Builder database(Path artifactDir) throws Exception;

  @BeforeAll
  void startServer() throws Exception {
    artifactDir = Files.createTempDirectory("registry-artifacts");
    server = RegistryServer.start(database(artifactDir).build());
    client = new RegistryClient(server.baseUri());
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void storesADefinitionAndRegistersItsModel() {
    String model = uniqueModel("fraud");
    ModelDefinition definition = new ModelDefinition(model, new ModelDefinition.Classes(2, List.of("ok", "fraud")),
        new ModelDefinition.Features(List.of("amount", "age"), List.of("country")),
        new ModelDefinition.Constraints(50_000L, null, 2_000L, 20_000L), "CONCEPT=retrain",
        DriftConfig.newBuilder().setWindowSize(1000).setConceptDetector("ADWIN").build());

    ModelDefinition stored = client.define(definition);

    assertThat(stored).isEqualTo(definition);
    assertThat(client.definition(model)).contains(definition);
    assertThat(client.define(definition)).as("the same definition again").isEqualTo(definition);
    assertThat(client.versions(model)).as("the model is registered").isEmpty();
  }

  @Test
  void aModelRegisteredWithoutADefinitionHasNoneAndCanBeGivenOne() {
    String model = uniqueModel("plain");
    client.ensureModel(model);

    assertThat(client.definition(model)).isEmpty();
    assertThat(client.definition(uniqueModel("never-registered"))).isEmpty();
    ModelDefinition definition = new ModelDefinition(model, ModelDefinition.Classes.of(3), null, null, null, null);
    assertThat(client.define(definition)).isEqualTo(definition);
    assertThat(client.definition(model)).contains(definition);
  }

  @Test
  void refusesABadDefinitionNamingTheRule() {
    String model = uniqueModel("bad");
    ModelDefinition oneClass = new ModelDefinition(model, ModelDefinition.Classes.of(1),
        new ModelDefinition.Features(List.of("x", "x"), List.of()), null, null, null);

    assertThatThrownBy(() -> client.define(oneClass)).isInstanceOf(RegistryException.class)
        .hasMessageContaining("400").hasMessageContaining("classes.count")
        .hasMessageContaining("'x' appears more than once");
    assertThat(client.definition(model)).isEmpty();
  }

  @Test
  void aDefinitionIsFixedOnceAVersionExistsAndMustAgreeWithTheChampion() {
    String model = uniqueModel("fixed");
    client.ensureModel(model);
    client.register(metadata(model, "champion", "t-def"), artifact("weights"));

    ModelDefinition otherFeatures = new ModelDefinition(model, ModelDefinition.Classes.of(2),
        new ModelDefinition.Features(List.of("x1", "x3"), List.of()), null, null, null);
    assertThatThrownBy(() -> client.define(otherFeatures)).hasMessageContaining("400")
        .hasMessageContaining("features.numeric: the champion v1 takes [x1, x2]");

    ModelDefinition agreeing = new ModelDefinition(model, ModelDefinition.Classes.of(2),
        new ModelDefinition.Features(List.of("x2", "x1"), List.of()), null, null, null);
    assertThat(client.define(agreeing)).isEqualTo(agreeing);
    ModelDefinition changed = new ModelDefinition(model, ModelDefinition.Classes.of(3),
        new ModelDefinition.Features(List.of("x2", "x1"), List.of()), null, null, null);
    assertThatThrownBy(() -> client.define(changed)).hasMessageContaining("409").hasMessageContaining("already has versions");
    assertThat(client.definition(model)).contains(agreeing);
  }

  @Test
  void aDefinitionMayChangeUntilTheFirstVersion() {
    String model = uniqueModel("draft");
    client.define(new ModelDefinition(model, ModelDefinition.Classes.of(2), null, null, null, null));
    ModelDefinition corrected = new ModelDefinition(model, ModelDefinition.Classes.of(4), null, null, "", null);

    assertThat(client.define(corrected)).isEqualTo(corrected);
    assertThat(client.definition(model)).contains(corrected);
  }

  @Test
  void storesNumbersAndServesVersionsWithTheirArtifacts() {
    String model = uniqueModel("sea");
    client.ensureModel(model);
    client.ensureModel(model); // idempotent

    ModelVersion first = client.register(metadata(model, "champion", "t-1"), artifact("weights one"));
    ModelVersion second = client.register(metadata(model, "challenger", null), artifact("weights two"));

    assertThat(first.getVersion()).isEqualTo(1);
    assertThat(second.getVersion()).isEqualTo(2);
    assertThat(first.getArtifactSha256()).isEqualTo(Sha256.hex(artifact("weights one")));
    assertThat(first.getArtifactUri()).isEqualTo("api/models/" + model + "/versions/1/artifact");
    assertThat(first.getCreatedAt()).isPositive();
    assertThat(first.getLineage().getTriggerId()).isEqualTo("t-1");
    assertThat(first.getArchitecture().getHiddenUnits()).containsExactly(16, 8);

    assertThat(client.versions(model)).containsExactly(first, second);
    assertThat(client.version(model, 2)).contains(second);
    assertThat(client.version(model, 3)).isEmpty();
    assertThat(client.versionForTrigger(model, "t-1")).contains(first);
    assertThat(client.versionForTrigger(model, "t-unknown")).isEmpty();
    assertThat(client.champion(model)).contains(first);
    assertThat(client.downloadVerified(second)).isEqualTo(artifact("weights two"));

    ModelVersion third = client.register(metadata(model, "champion", null), artifact("weights three"));
    assertThat(client.champion(model)).contains(third);
  }

  @Test
  void aRejectedChampionIsNotServedAndItsNumberIsNotIssuedAgain() {
    String model = uniqueModel("rejected");
    client.ensureModel(model);
    ModelVersion first = client.register(metadata(model, "champion", "t-1"), artifact("served"));
    client.register(metadata(model, "champion", "t-2"), artifact("refused"));

    client.reportRejection(model, 2, "could not load v2");
    client.reportRejection(model, 2, "a later report");
    ModelVersion third = client.register(metadata(model, "challenger", "t-3"), artifact("after"));

    assertThat(client.champion(model)).contains(first);
    assertThat(client.rejection(model, 2)).contains("could not load v2");
    assertThat(client.rejection(model, 1)).isEmpty();
    assertThat(third.getVersion()).isEqualTo(3);
  }

  @Test
  void promoteAndRollbackMoveTheChampionAndTheHistoryRecordsEachMove() {
    String model = uniqueModel("lifecycle");
    client.ensureModel(model);
    client.register(metadata(model, "champion", "t-1"), artifact("lifecycle one"));
    client.register(metadata(model, "champion", "t-2"), artifact("lifecycle two"));
    client.register(metadata(model, "challenger", "t-3"), artifact("lifecycle three"));

    AliasMove promoted = client.promote(model, 3, "canary looked fine");
    assertThat(promoted.changed()).isTrue();
    assertThat(client.champion(model).orElseThrow().getVersion()).isEqualTo(3);
    assertThat(client.promote(model, 3, "again").changed()).as("already the champion").isFalse();

    assertThat(client.rollback(model, "error rate up", false).version()).isEqualTo(2);
    assertThat(client.rollback(model, "still bad", false).version()).as("the stack pops again").isEqualTo(1);
    assertThat(client.aliases(model)).containsEntry("champion", 1).containsEntry("challenger", 3);
    assertThatThrownBy(() -> client.rollback(model, "nothing left", false))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(409));

    assertThat(client.history(model, 0, 100)).extracting(c -> c.getKind() + " " + c.getAlias() + " v" + c.getVersion()
        + " " + c.getCause()).containsExactly(
            "REGISTERED null v1 REGISTRATION", "ALIAS_SET champion v1 REGISTRATION",
            "REGISTERED null v2 REGISTRATION", "ALIAS_SET champion v2 REGISTRATION",
            "REGISTERED null v3 REGISTRATION", "ALIAS_SET challenger v3 REGISTRATION",
            "ALIAS_SET champion v3 OPERATOR", "ALIAS_SET champion v2 ROLLBACK", "ALIAS_SET champion v1 ROLLBACK");
    assertThat(client.history(model, 0, 100).get(6).getReason()).isEqualTo("canary looked fine");
  }

  @Test
  void archivedVersionsLeaveTheListTakeNoAliasAndTheChampionCannotBeArchived() {
    String model = uniqueModel("archive");
    client.ensureModel(model);
    client.register(metadata(model, "champion", "t-1"), artifact("archive one"));
    client.register(metadata(model, "challenger", "t-2"), artifact("archive two"));
    client.moveAlias(model, "shadow", 2, "mirror it");

    assertThatThrownBy(() -> client.archive(model, 1, "old"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(client.archive(model, 2, "superseded").changed()).isTrue();
    assertThat(client.archive(model, 2, "twice").changed()).isFalse();

    assertThat(client.versions(model)).extracting(ModelVersion::getVersion).containsExactly(1);
    assertThat(client.versionsWithArchived(model)).extracting(ModelVersion::getVersion).containsExactly(1, 2);
    assertThat(client.aliases(model)).containsOnlyKeys("champion");
    assertThatThrownBy(() -> client.promote(model, 2, "bring it back"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(client.version(model, 2)).as("its metadata stays readable").isPresent();
  }

  @Test
  void artifactDownloadAnnouncesItsChecksum() throws Exception {
    String model = uniqueModel("checksum");
    client.ensureModel(model);
    ModelVersion metadata = metadata(model, "champion", null);
    metadata.setArchitecture(TestVersions.architecture(List.of(1024, 768)));
    byte[] bytes = TestVersions.artifact(metadata.getArchitecture(), "large"); // ~3 MB: past in-memory and default body limits
    ModelVersion stored = client.register(metadata, bytes);

    HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(client.artifactLocation(stored)).build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/octet-stream"));
    assertThat(response.headers().firstValue("X-Artifact-SHA256")).contains(Sha256.hex(bytes));
    assertThat(response.body()).isEqualTo(bytes);
  }

  @Test
  void listsModelsWithTheirLatestAndChampionVersions() throws Exception {
    String model = uniqueModel("listed");
    client.ensureModel(model);
    client.register(metadata(model, "champion", null), artifact("a"));
    client.register(metadata(model, "challenger", null), artifact("b"));

    HttpResponse<String> response = get("/api/models");

    List<Map<String, Object>> models = RegistryJson.mapper().readValue(response.body(),
        RegistryJson.mapper().getTypeFactory().constructCollectionType(List.class, Map.class));
    assertThat(models).filteredOn(m -> model.equals(m.get("name"))).singleElement()
        .satisfies(m -> {
          assertThat(m).containsEntry("latestVersion", 2).containsEntry("championVersion", 1);
          assertThat(((Number) m.get("createdAt")).longValue()).isPositive();
        });
  }

  @Test
  void aRetriedRegistrationWithTheSameTriggerCreatesNoSecondVersion() {
    String model = uniqueModel("retry");
    client.ensureModel(model);

    ModelVersion first = client.register(metadata(model, "champion", "t-42"), artifact("weights"));
    ModelVersion retried = client.register(metadata(model, "champion", "t-42"), artifact("weights"));

    assertThat(retried).isEqualTo(first);
    assertThat(client.versions(model)).containsExactly(first);
  }

  @Test
  void concurrentRegistrationsWithTheSameTriggerCollapseIntoOneVersion() throws Exception {
    String model = uniqueModel("race");
    client.ensureModel(model);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ModelVersion>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return client.register(metadata(model, "champion", "t-race"), artifact("weights"));
        }));
        // and versions without a trigger, racing for numbers
        results.add(pool.submit(() -> {
          go.await();
          return client.register(metadata(model, "challenger", null), artifact("other"));
        }));
      }
      go.countDown();
      List<ModelVersion> versions = new ArrayList<>();
      for (Future<ModelVersion> result : results) {
        versions.add(result.get());
      }

      assertThat(versions).filteredOn(v -> "champion".equals(v.getAlias())).extracting(ModelVersion::getVersion)
          .hasSize(threads).containsOnly(versions.stream().filter(v -> "champion".equals(v.getAlias()))
              .findFirst().orElseThrow().getVersion());
      assertThat(client.versions(model)).extracting(ModelVersion::getVersion)
          .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, threads + 1).boxed().toList());
      assertThat(client.versions(model)).filteredOn(v -> "champion".equals(v.getAlias())).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void uploadingToAnUnregisteredModelIsNotFoundWithAMessage() {
    String model = uniqueModel("unknown");

    assertThatThrownBy(() -> client.register(metadata(model, "champion", null), artifact("w")))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("404")
        .hasMessageContaining("model '" + model + "' is not registered")
        .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(404));
    assertThatThrownBy(() -> client.versions(model)).hasMessageContaining("404");
    assertThat(client.champion(model)).isEmpty();
  }

  @Test
  void aChecksumInTheMetadataThatDoesNotMatchTheUploadIsRejected() {
    String model = uniqueModel("corrupt");
    client.ensureModel(model);
    ModelVersion metadata = metadata(model, "champion", "t-bad");
    metadata.setArtifactSha256(Sha256.hex(artifact("what the trainer meant to send")));

    assertThatThrownBy(() -> client.register(metadata, artifact("what arrived")))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("400")
        .hasMessageContaining("does not match");
    assertThat(client.versions(model)).isEmpty();

    metadata.setArtifactSha256(Sha256.hex(artifact("what arrived")));
    assertThat(client.register(metadata, artifact("what arrived")).getVersion()).isEqualTo(1);
  }

  @Test
  void uploadsWithoutAnArtifactOrWithUnreadableMetadataAreBadRequests() throws Exception {
    String model = uniqueModel("malformed");
    client.ensureModel(model);
    String metadata = RegistryJson.mapper().writeValueAsString(metadata(model, "champion", null));

    HttpResponse<String> noArtifact = postMultipart(model, Map.of("metadata", metadata));
    HttpResponse<String> unreadable = postMultipart(model, Map.of("metadata", "{not json", "artifact", "w"));
    HttpResponse<String> badAlias = postMultipart(model,
        Map.of("metadata", metadata.replace("\"champion\"", "\"served\""), "artifact", "w"));
    HttpResponse<String> badVersion = get("/api/models/" + model + "/versions/first");

    assertThat(noArtifact.statusCode()).isEqualTo(400);
    assertThat(noArtifact.body()).contains("\"error\"", "artifact");
    assertThat(unreadable.statusCode()).isEqualTo(400);
    assertThat(unreadable.body()).contains("not readable ModelVersion JSON");
    assertThat(badAlias.statusCode()).isEqualTo(400);
    assertThat(badAlias.body()).contains("champion", "challenger");
    assertThat(badVersion.statusCode()).isEqualTo(400);
    assertThat(client.versions(model)).isEmpty();
  }

  @Test
  void healthAnswersWhenTheDatabaseDoes() throws Exception {
    HttpResponse<String> health = get("/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("up");
    HttpResponse<String> noRoute = get("/api/nowhere");
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(noRoute.body()).contains("\"error\"");
  }

  HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUri() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postMultipart(String model, Map<String, String> parts) throws Exception {
    String boundary = "test-boundary";
    StringBuilder body = new StringBuilder();
    parts.forEach((name, value) -> body.append("--").append(boundary).append("\r\n")
        .append("Content-Disposition: form-data; name=\"").append(name).append('"')
        .append(name.equals("artifact") ? "; filename=\"a.bin\"" : "").append("\r\n\r\n")
        .append(value).append("\r\n"));
    body.append("--").append(boundary).append("--\r\n");
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.baseUri() + "/api/models/" + model + "/versions"))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
