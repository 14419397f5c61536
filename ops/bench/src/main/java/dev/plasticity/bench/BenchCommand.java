package dev.plasticity.bench;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The Maven command that runs one benchmark of the {@code bench} profile alone, as a report prints
 * it: every other benchmark's {@code bench.skip.NAME} set. The one list of the benchmarks' skip
 * names, so a benchmark added to {@code ops/bench/pom.xml} is added here and every report's command
 * leaves it out.
 */
final class BenchCommand {
  /** The {@code bench.skip.NAME} names of {@code ops/bench/pom.xml}, in its order. */
  static final List<String> BENCHMARKS = List.of("detectors", "throughput", "scaling", "search", "adaptation",
      "prequential", "inferencebatch", "scoringapp", "metastart", "earlyexits", "recall");
  /** The benchmarks the pom skips unless asked ({@code -Dbench.skip.NAME=false}). */
  static final List<String> OFF_BY_DEFAULT = List.of("scaling");

  private BenchCommand() {}

  /**
   * The command that runs only benchmark {@code name}, from the repository root.
   *
   * @throws IllegalArgumentException when {@code name} is not one of {@link #BENCHMARKS}
   */
  static String only(String name) {
    if (!BENCHMARKS.contains(name)) {
      throw new IllegalArgumentException("unknown benchmark '" + name + "'; known: " + BENCHMARKS);
    }
    return "mvn -B -Pbench -pl ops/bench -am package -DskipTests " + BENCHMARKS.stream().filter(b -> !b.equals(name))
        .map(b -> "-Dbench.skip." + b + "=true").collect(Collectors.joining(" "))
        + (OFF_BY_DEFAULT.contains(name) ? " -Dbench.skip." + name + "=false" : "");
  }
}
