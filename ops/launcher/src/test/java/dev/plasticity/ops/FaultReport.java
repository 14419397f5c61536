package dev.plasticity.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plasticity.testkit.FaultRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Gathers the fault suite's fragments ({@link FaultRecord}, one {@code target/faults/<case>.json}
 * per case, in the module whose test ran it) into {@code faults.json} and {@code faults.md}: every
 * case of {@link FaultCatalogue}, what it asserts, where it runs, and the checks and counts of the
 * run that wrote its fragment. A case without a fragment is listed as not run; a fragment of a case
 * the catalogue does not list is refused.
 *
 * <pre>{@code
 * FaultReport --out REPORTS --fragments DIR [--fragments DIR ...]
 * }</pre>
 */
final class FaultReport {
  static final String COMMAND = "mvn -B -Pfaults -pl ops/launcher -am verify";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private FaultReport() {}

  public static void main(String[] args) throws IOException {
    Path out = null;
    List<Path> fragments = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[i + 1]);
        case "--fragments" -> fragments.add(Path.of(args[i + 1]));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null || fragments.isEmpty() || args.length % 2 != 0) {
      throw new IllegalArgumentException("usage: FaultReport --out REPORTS --fragments DIR [--fragments DIR ...]");
    }
    write(fragments, out, machine());
  }

  /** Writes {@code faults.json} and {@code faults.md} under {@code out} from the fragments in {@code fragmentDirs}. */
  static void write(List<Path> fragmentDirs, Path out, String machine) throws IOException {
    Map<String, JsonNode> runs = fragments(fragmentDirs);
    ObjectNode report = JSON.createObjectNode();
    report.put("command", COMMAND);
    report.put("machine", machine);
    ArrayNode cases = report.putArray("cases");
    for (FaultCatalogue.FaultCase c : FaultCatalogue.CASES) {
      ObjectNode node = cases.addObject();
      node.put("case", c.id());
      node.put("fault", c.fault());
      node.put("test", c.test());
      node.put("module", c.module());
      node.put("build", c.build().describe());
      node.set("asserts", JSON.valueToTree(c.asserts()));
      JsonNode run = runs.get(c.id());
      if (run == null) {
        node.put("lastRun", "not run");
      } else {
        ObjectNode last = node.putObject("lastRun");
        last.set("recordedAt", run.get("recordedAt"));
        last.set("checks", run.get("checks"));
        last.set("counts", run.get("counts"));
      }
    }
    Files.createDirectories(out);
    JSON.writeValue(out.resolve("faults.json").toFile(), report);
    Files.writeString(out.resolve("faults.md"), markdown(report), StandardCharsets.UTF_8);
  }

  /** The fragments under {@code dirs} by case id; a missing directory holds none. */
  private static Map<String, JsonNode> fragments(List<Path> dirs) throws IOException {
    Map<String, JsonNode> runs = new TreeMap<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> listed = Files.list(dir)) {
        files = listed.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
      }
      for (Path file : files) {
        JsonNode run = JSON.readTree(file.toFile());
        String id = run.path("case").asText();
        if (FaultCatalogue.find(id).isEmpty()) {
          throw new IllegalStateException(file + " records the fault case '" + id + "', which FaultCatalogue does not"
              + " list: add it there, with what it asserts");
        }
        if (runs.put(id, run) != null) {
          throw new IllegalStateException("two fragments record the fault case '" + id + "'; the second is " + file);
        }
      }
    }
    return runs;
  }

  static String markdown(JsonNode report) {
    StringBuilder md = new StringBuilder();
    md.append("# Fault suite\n\n");
    md.append("Each fault is injected into real processes on a real broker (and, for the database, a real PostgreSQL);\n")
        .append("what each case asserts, and the checks and counts its test recorded in the last run.\n")
        .append("How the system behaves and how to recover: [docs/faults.md](../faults.md).\n\n");
    md.append("Regenerate: `").append(report.get("command").asText()).append("` (runs the suite's tests and rewrites")
        .append(" this file and `faults.json`; a case skipped in that run, such as the database outage without a PostgreSQL,")
        .append(" is listed as not run). Machine: ").append(report.get("machine").asText()).append(".\n\n");
    md.append("| case | fault | test | runs in | last run |\n| --- | --- | --- | --- | --- |\n");
    for (JsonNode c : report.get("cases")) {
      JsonNode last = c.get("lastRun");
      String run = last.isObject() ? checksHeld(last) + (checksHeld(last) == 1 ? " check" : " checks") + " held, " + last.get("recordedAt").asText() : last.asText();
      md.append("| [").append(c.get("case").asText()).append("](#").append(c.get("case").asText()).append(") | ")
          .append(cell(c.get("fault").asText())).append(" | `").append(c.get("test").asText()).append("` (")
          .append(c.get("module").asText()).append(") | ").append(c.get("build").asText()).append(" | ")
          .append(cell(run)).append(" |\n");
    }
    for (JsonNode c : report.get("cases")) {
      md.append("\n## ").append(c.get("case").asText()).append("\n\n");
      String fault = c.get("fault").asText();
      md.append(Character.toUpperCase(fault.charAt(0))).append(fault.substring(1)).append(". `").append(c.get("test").asText()).append("` in ")
          .append(c.get("module").asText()).append(", ").append(c.get("build").asText()).append(".\n\n");
      md.append("Asserts:\n\n");
      for (JsonNode a : c.get("asserts")) {
        md.append("- ").append(a.asText()).append("\n");
      }
      JsonNode last = c.get("lastRun");
      if (!last.isObject()) {
        md.append("\nLast run: ").append(last.asText()).append(".\n");
        continue;
      }
      md.append("\nLast run (").append(last.get("recordedAt").asText()).append("):\n\n");
      md.append("| check | expected | observed |\n| --- | --- | --- |\n");
      for (JsonNode check : last.get("checks")) {
        md.append("| ").append(cell(check.get("check").asText())).append(" | ")
            .append(check.has("expected") ? cell(check.get("expected").asText()) : "").append(" | ")
            .append(cell(check.get("observed").asText())).append(" |\n");
      }
      if (last.get("counts").size() > 0) {
        md.append("\n| count | value |\n| --- | --- |\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = last.get("counts").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> count = it.next();
          md.append("| ").append(cell(count.getKey())).append(" | ").append(count.getValue().asText()).append(" |\n");
        }
      }
    }
    return md.toString();
  }

  private static int checksHeld(JsonNode last) {
    return last.get("checks").size();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  private static String machine() {
    return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }
}
