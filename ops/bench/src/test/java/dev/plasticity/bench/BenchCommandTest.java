package dev.plasticity.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The command a report prints runs its benchmark alone: every other one of the pom's is skipped. */
class BenchCommandTest {
  @Test
  void namesEveryBenchmarkThePomCanSkip() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher m = Pattern.compile("<bench\\.skip\\.([a-z]+)>").matcher(pom);
    List<String> skippable = new ArrayList<>();
    while (m.find()) {
      skippable.add(m.group(1));
    }

    assertThat(BenchCommand.BENCHMARKS).containsExactlyInAnyOrderElementsOf(skippable);
  }

  @Test
  void skipsEveryOtherBenchmark() {
    String command = BenchCommand.only("prequential");

    assertThat(command).startsWith("mvn -B -Pbench -pl ops/bench -am package -DskipTests ")
        .doesNotContain("bench.skip.prequential");
    for (String other : BenchCommand.BENCHMARKS) {
      if (!other.equals("prequential")) {
        assertThat(command).contains("-Dbench.skip." + other + "=true");
      }
    }
    assertThatThrownBy(() -> BenchCommand.only("nope")).hasMessageContaining("unknown benchmark 'nope'");
  }
}
