package dev.plasticity.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * Every schema as it is now must read what every committed version of it wrote (backward), and
 * every committed version must read what it writes now (forward), so producers and consumers can
 * be upgraded in any order. Reads the history with {@code git}; skipped where there is no
 * repository (e.g. a source archive).
 */
class SchemaHistoryCompatibilityTest {
  private static final String AVRO_DIR = "src/main/avro/";
  /** Types other schemas name: parsed first, as the avro-maven-plugin's imports are. */
  private static final List<String> SHARED = List.of("DataWindow", "Architecture", "ReferenceStatistics", "DriftConfig");

  @Test
  void everyCommittedSchemaVersionStaysCompatibleBothWays() throws Exception {
    assumeTrue(insideGitRepository(), "no git repository");
    List<String> commits = git("log", "--format=%H", "--", AVRO_DIR).lines().toList();
    assumeTrue(!commits.isEmpty(), "no committed schema history");

    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (String commit : commits) {
      for (Map.Entry<String, Schema> old : schemasAt(commit).entrySet()) {
        Schema now = SpecificData.get().getSchema(Class.forName("dev.plasticity.schemas." + old.getKey()));
        SchemaCompatibility.SchemaPairCompatibility backward =
            SchemaCompatibility.checkReaderWriterCompatibility(now, old.getValue());
        SchemaCompatibility.SchemaPairCompatibility forward =
            SchemaCompatibility.checkReaderWriterCompatibility(old.getValue(), now);
        if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
          problems.add(old.getKey() + " cannot read what " + commit.substring(0, 7) + " wrote: "
              + describe(backward));
        }
        if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
          problems.add(old.getKey() + " of " + commit.substring(0, 7) + " cannot read what is written now: "
              + describe(forward));
        }
        checked++;
      }
    }
    assertThat(checked).isPositive();
    assertThat(problems).as("new fields need defaults; fields are never removed or retyped").isEmpty();
  }

  private static List<String> describe(SchemaCompatibility.SchemaPairCompatibility pair) {
    return pair.getResult().getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
        .toList();
  }

  /** Top-level record schemas at {@code commit}, by file name. */
  private static Map<String, Schema> schemasAt(String commit) throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    for (String path : git("ls-tree", "--name-only", commit, AVRO_DIR).lines().toList()) {
      if (path.endsWith(".avsc")) {
        names.add(path.substring(path.lastIndexOf('/') + 1, path.length() - ".avsc".length()));
      }
    }
    names.sort((a, b) -> Integer.compare(rank(a), rank(b)));
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> schemas = new LinkedHashMap<>();
    for (String name : names) {
      schemas.put(name, parser.parse(git("show", commit + ":./" + AVRO_DIR + name + ".avsc")));
    }
    return schemas;
  }

  private static int rank(String name) {
    int shared = SHARED.indexOf(name);
    return shared >= 0 ? shared : SHARED.size();
  }

  private static boolean insideGitRepository() {
    try {
      return git("rev-parse", "--is-inside-work-tree").strip().equals("true");
    } catch (IOException | IllegalStateException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String git(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
