package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.plasticity.ops.generators.SeaGenerator;
import org.junit.jupiter.api.Test;

class SeaGeneratorTest {
  @Test
  void theSameSeedGivesTheSameStream() {
    SeaGenerator a = new SeaGenerator(7, 3, 4, 100, 0.1);
    SeaGenerator b = new SeaGenerator(7, 3, 4, 100, 0.1);
    for (int i = 0; i < 500; i++) {
      assertThat(a.next()).isEqualTo(b.next());
    }
  }

  @Test
  void onlyTheLabellingFunctionChangesAtTheDrift() {
    SeaGenerator sea = new SeaGenerator(1, 3, 4, 50_000, 0.0);
    int positivesBefore = 0;
    int positivesAfter = 0;
    double meanX1Before = 0;
    double meanX1After = 0;
    for (int i = 0; i < 100_000; i++) {
      SeaGenerator.Example e = sea.next();
      assertThat(e.afterDrift()).isEqualTo(i >= 50_000);
      double sum = e.features().get("x1") + e.features().get("x2");
      assertThat(e.label()).isEqualTo(sum <= (e.afterDrift() ? 9.5 : 7.0) ? 1 : 0);
      if (e.afterDrift()) {
        positivesAfter += e.label();
        meanX1After += e.features().get("x1") / 50_000;
      } else {
        positivesBefore += e.label();
        meanX1Before += e.features().get("x1") / 50_000;
      }
    }
    // P(x1 + x2 <= t) = t^2 / 200 for t <= 10
    assertThat(positivesBefore / 50_000.0).isCloseTo(49 / 200.0, within(0.01));
    assertThat(positivesAfter / 50_000.0).isCloseTo(90.25 / 200.0, within(0.01));
    assertThat(meanX1After).isCloseTo(meanX1Before, within(0.1));
  }

  @Test
  void flipsTheConfiguredShareOfLabels() {
    SeaGenerator sea = new SeaGenerator(3, 1, 1, Long.MAX_VALUE, 0.1);
    int flipped = 0;
    for (int i = 0; i < 50_000; i++) {
      SeaGenerator.Example e = sea.next();
      int clean = e.features().get("x1") + e.features().get("x2") <= 8.0 ? 1 : 0;
      flipped += e.label() != clean ? 1 : 0;
    }
    assertThat(flipped / 50_000.0).isCloseTo(0.1, within(0.01));
  }
}
