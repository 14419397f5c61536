package dev.plasticity.ops.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.plasticity.generators.Instance;
import dev.plasticity.generators.SeaGenerator;
import org.junit.jupiter.api.Test;

class SeaStreamTest {
  @Test
  void theSameSeedGivesTheSameStream() {
    SeaStream a = new SeaStream(7, 3, 4, 100, 0.1);
    SeaStream b = new SeaStream(7, 3, 4, 100, 0.1);
    for (int i = 0; i < 500; i++) {
      assertThat(a.next()).isEqualTo(b.next());
    }
  }

  @Test
  void beforeTheDriftItIsMoasSeaGeneratorEventForEvent() {
    SeaStream stream = new SeaStream(5, 3, 4, 1_000, 0.1);
    SeaGenerator moa = new SeaGenerator(3, false, 10, 5);
    for (int i = 0; i < 1_000; i++) {
      SeaStream.Example e = stream.next();
      Instance expected = moa.next();
      assertThat(new double[] {e.features().get("x1"), e.features().get("x2"), e.features().get("x3")})
          .containsExactly(expected.features());
      assertThat(e.label()).isEqualTo(expected.label());
    }
  }

  @Test
  void onlyTheLabellingFunctionChangesAtTheDrift() {
    SeaStream sea = new SeaStream(1, 3, 4, 50_000, 0.0);
    int belowBefore = 0;
    int belowAfter = 0;
    double meanX1Before = 0;
    double meanX1After = 0;
    for (int i = 0; i < 100_000; i++) {
      SeaStream.Example e = sea.next();
      assertThat(e.index()).isEqualTo(i);
      assertThat(e.afterDrift()).isEqualTo(i >= 50_000);
      double sum = e.features().get("x1") + e.features().get("x2");
      boolean below = sum <= (e.afterDrift() ? 9.5 : 7.0);
      assertThat(e.label()).as("MOA's SEA labels 0 at or below the threshold").isEqualTo(below ? 0 : 1);
      if (e.afterDrift()) {
        belowAfter += below ? 1 : 0;
        meanX1After += e.features().get("x1") / 50_000;
      } else {
        belowBefore += below ? 1 : 0;
        meanX1Before += e.features().get("x1") / 50_000;
      }
    }
    // P(x1 + x2 <= t) = t^2 / 200 for t <= 10
    assertThat(belowBefore / 50_000.0).isCloseTo(49 / 200.0, within(0.01));
    assertThat(belowAfter / 50_000.0).isCloseTo(90.25 / 200.0, within(0.01));
    assertThat(meanX1After).isCloseTo(meanX1Before, within(0.1));
  }

  @Test
  void flipsTheConfiguredShareOfLabels() {
    SeaStream sea = new SeaStream(3, 1, 1, Long.MAX_VALUE, 0.1);
    int flipped = 0;
    for (int i = 0; i < 50_000; i++) {
      SeaStream.Example e = sea.next();
      int clean = e.features().get("x1") + e.features().get("x2") <= 8.0 ? 0 : 1;
      flipped += e.label() != clean ? 1 : 0;
    }
    assertThat(flipped / 50_000.0).isCloseTo(0.1, within(0.01));
  }

  @Test
  void noiseThatIsNotAWholePercentageIsRefusedNamingTheRule() {
    assertThatThrownBy(() -> new SeaStream(1, 3, 4, 10, 0.125))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole percentage");
  }
}
