package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.registry.server.RegistryConfig;
import dev.plasticity.registry.server.RegistryServer;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.FeatureReference;
import dev.plasticity.schemas.Lineage;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.ReferenceStatistics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code plasticity model promote|rollback|alias|unalias|archive|history|served} against a real
 * registry: each moves what it says, prints it, and a refusal exits 1 with the registry's reason.
 */
class LifecycleCommandsTest {
  @TempDir Path registryDir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int plasticity(String... args) {
    out.reset();
    err.reset();
    CommandLine commandLine = Plasticity.commandLine();
    for (CommandLine sub : commandLine.getSubcommands().get("model").getSubcommands().values()) {
      if (sub.getCommand() instanceof LifecycleCommands.RegistryCommand command) {
        command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
      }
    }
    return commandLine.execute(args);
  }

  @Test
  void promoteRollbackAliasesArchiveAndHistoryFromTheCommandLine() {
    try (RegistryServer server = RegistryServer.start(RegistryConfig.builder().dataDir(registryDir).build())) {
      String registry = server.baseUri().toString();
      RegistryClient client = new RegistryClient(server.baseUri());
      client.ensureModel("churn");
      for (int i = 1; i <= 3; i++) {
        client.register(version("churn", i == 3 ? "challenger" : "champion", "t-" + i, i), artifact(i));
      }

      assertThat(plasticity("model", "promote", "churn", "3", "--reason", "canary passed", "--registry", registry)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("churn: champion is v3 (was v2)");
      assertThat(plasticity("model", "rollback", "churn", "--reason", "alerts", "--registry", registry)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("churn: rolled back to v2 (from v3)");
      assertThat(plasticity("model", "alias", "churn", "shadow", "3", "--registry", registry)).isZero();
      assertThat(plasticity("model", "unalias", "churn", "shadow", "--registry", registry)).isZero();
      assertThat(plasticity("model", "archive", "churn", "2", "--registry", registry)).as("the champion").isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("409").contains("is the champion and cannot be archived");
      assertThat(plasticity("model", "alias", "churn", "bad alias", "3", "--registry", registry)).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("400").contains("an alias is");
      assertThat(plasticity("model", "archive", "churn", "1", "--reason", "never again", "--registry", registry)).isZero();
      assertThat(client.aliases("churn")).isEqualTo(Map.of("champion", 2, "challenger", 3));

      assertThat(plasticity("model", "history", "churn", "--registry", registry)).isZero();
      String history = out.toString(StandardCharsets.UTF_8);
      assertThat(history).contains("champion -> v3", "canary passed", "ROLLBACK", "shadow removed (v3)",
          "v1 archived", "never again");
      assertThat(plasticity("model", "served", "churn", "--registry", registry)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("churn at ").contains(": v2, champion since");
      assertThat(plasticity("model", "served", "churn", "--at", "2001-01-01T00:00:00Z", "--registry", registry))
          .as("before any champion").isEqualTo(1);
    }
  }

  private static final Architecture ARCHITECTURE = Architecture.newBuilder().setInputFeatures(List.of("x1", "x2"))
      .setFeatureMeans(List.of(0.0, 0.0)).setFeatureStds(List.of(1.0, 1.0)).setHiddenUnits(List.of(4))
      .setNumClasses(2).build();

  private static byte[] artifact(int seed) {
    ModelFormat.engine().setRandomSeed(seed);
    try (Model network = ModelFormat.newModel("lifecycle", ARCHITECTURE)) {
      return ModelFormat.saveParameters(network);
    }
  }

  private static ModelVersion version(String model, String alias, String trigger, int seed) {
    return ModelVersion.newBuilder().setModel(model).setVersion(0).setAlias(alias).setArchitecture(ARCHITECTURE)
        .setMetrics(Map.of("accuracy", 0.5 + seed / 100.0)).setArtifactUri("").setArtifactSha256("")
        .setLineage(Lineage.newBuilder().setTriggerId(trigger).setStrategy("retrain").build())
        .setReference(ReferenceStatistics.newBuilder().setSampleCount(1)
            .setFeatures(List.of(new FeatureReference("x1", 1L, 0.0, 1.0, -1.0, 1.0, List.of(-1.0, 0.0, 1.0))))
            .setLabelDistribution(List.of(0.5, 0.5)).setErrorRate(0.5).setErrorSampleCount(1).build())
        .setCreatedAt(0).build();
  }
}
