package dev.plasticity.ops.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencySampleTest {
  @Test
  void percentilesAreNearestRankInMilliseconds() {
    LatencySample sample = new LatencySample();
    for (int ms = 100; ms >= 1; ms--) { // out of order on purpose
      sample.record(ms * 1_000_000L);
    }
    assertThat(sample.size()).isEqualTo(100);
    assertThat(sample.percentileMillis(50)).isEqualTo(50.0);
    assertThat(sample.percentileMillis(99)).isEqualTo(99.0);
    assertThat(sample.percentileMillis(100)).isEqualTo(100.0);
    assertThat(sample.percentileMillis(0.5)).isEqualTo(1.0);
  }

  @Test
  void aSingleSampleIsEveryPercentile() {
    LatencySample sample = new LatencySample();
    sample.record(2_500_000L);
    assertThat(sample.percentileMillis(50)).isEqualTo(2.5);
    assertThat(sample.percentileMillis(99)).isEqualTo(2.5);
  }

  @Test
  void withoutSamplesThePercentileIsNotANumber() {
    assertThat(new LatencySample().percentileMillis(50)).isNaN();
  }

  @Test
  void refusesNegativeLatenciesAndPercentilesOutOfRange() {
    LatencySample sample = new LatencySample();
    assertThatThrownBy(() -> sample.record(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be negative");
    assertThatThrownBy(() -> sample.percentileMillis(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(0, 100]");
    assertThatThrownBy(() -> sample.percentileMillis(101)).isInstanceOf(IllegalArgumentException.class);
  }
}
