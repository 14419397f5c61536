package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault report lists every catalogued case, with the last run's checks where a fragment records them. */
class FaultReportTest {
  @TempDir Path dir;

  @Test
  void everyCaseIsListedWithTheChecksAndCountsItsFragmentRecorded() throws Exception {
    Path fragments = dir.resolve("faults");
    Files.createDirectories(fragments);
    Files.writeString(fragments.resolve("trainer-sigterm.json"), """
        {"case": "trainer-sigterm", "test": "TrainerShutdownTest#x", "recordedAt": "2026-01-01T00:00:00Z",
         "checks": [{"check": "exit status after SIGTERM", "expected": 143, "observed": 143}],
         "counts": {"members left": 0}}
        """);

    FaultReport.write(List.of(fragments, dir.resolve("absent")), dir.resolve("reports"), "test machine");

    JsonNode report = new ObjectMapper().readTree(dir.resolve("reports/faults.json").toFile());
    assertThat(report.get("command").asText()).isEqualTo(FaultReport.COMMAND);
    assertThat(report.get("cases")).hasSize(FaultCatalogue.CASES.size());
    JsonNode sigterm = find(report, "trainer-sigterm");
    assertThat(sigterm.get("lastRun").get("checks").get(0).get("observed").asInt()).isEqualTo(143);
    assertThat(sigterm.get("lastRun").get("counts").get("members left").asInt()).isZero();
    assertThat(find(report, "trainer-killed-mid-run").get("lastRun").asText()).isEqualTo("not run");
    String md = Files.readString(dir.resolve("reports/faults.md"));
    assertThat(md).contains(FaultReport.COMMAND).contains("| exit status after SIGTERM | 143 | 143 |");
    FaultCatalogue.CASES.forEach(c -> assertThat(md).contains("\n## " + c.id() + "\n"));
  }

  @Test
  void aFragmentOfACaseTheCatalogueDoesNotListIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("faults"));
    Files.writeString(dir.resolve("faults/unlisted.json"), "{\"case\": \"unlisted\"}");

    assertThatThrownBy(() -> FaultReport.write(List.of(dir.resolve("faults")), dir.resolve("reports"), "m"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'unlisted', which FaultCatalogue does not list");
  }

  @Test
  void everyCaseOfThisModuleNamesATestMethodThatExistsAndTheFaultsProfileRunsEveryCase() throws Exception {
    String pom = Files.readString(Path.of("..", "..", "pom.xml"));
    for (FaultCatalogue.FaultCase c : FaultCatalogue.CASES) {
      String[] test = c.test().split("#");
      if (c.module().equals("ops/launcher")) {
        Class<?> type = Class.forName(getClass().getPackageName() + "." + test[0]);
        assertThat(Arrays.stream(type.getDeclaredMethods()).map(java.lang.reflect.Method::getName))
            .as("test methods of %s", test[0]).contains(test[1]);
      } else {
        assertThat(Path.of("..", "..", c.module())).as("the module of %s", c.id()).isDirectory();
      }
      assertThat(pom).as("the tests of the parent's faults profile").containsPattern("<test>[^<]*\\b" + test[0] + "\\b");
    }
  }

  private static JsonNode find(JsonNode report, String id) {
    for (JsonNode c : report.get("cases")) {
      if (c.get("case").asText().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no case " + id);
  }
}
