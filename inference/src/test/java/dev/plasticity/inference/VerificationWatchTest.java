package dev.plasticity.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VerificationWatchTest {
  @Test
  void watchesTheOutgoingChampionForItsEventsThenEnds() {
    VerificationWatch watch = new VerificationWatch(10);

    assertThat(watch.started(1)).isEmpty();
    assertThat(watch.watched()).isEqualTo(OptionalInt.of(1));
    assertThat(watch.scored(1, 4)).isFalse();
    assertThat(watch.remaining()).isEqualTo(6);
    assertThat(watch.scored(1, 6)).as("the tenth event ends the watch").isTrue();
    assertThat(watch.watched()).isEmpty();
    assertThat(watch.remaining()).isZero();
    assertThat(watch.scored(1, 3)).as("a version whose watch ended is not counted again").isFalse();
  }

  @Test
  void aSwapDuringTheWatchEndsItAndWatchesTheNewestOutgoingVersionForAFullWatch() {
    VerificationWatch watch = new VerificationWatch(10);
    watch.started(1);
    watch.scored(1, 7);

    assertThat(watch.started(2)).as("v1 stops being watched: release it").isEqualTo(OptionalInt.of(1));
    assertThat(watch.watched()).isEqualTo(OptionalInt.of(2));
    assertThat(watch.remaining()).isEqualTo(10);
    assertThat(watch.scored(1, 5)).as("events v1 scored in a batch that began before the swap").isFalse();
    assertThat(watch.remaining()).isEqualTo(10);
    assertThat(watch.scored(2, 12)).isTrue();
  }

  @Test
  void aWatchOfZeroEventsIsOffAndANegativeOneIsRefused() {
    VerificationWatch off = new VerificationWatch(0);

    assertThat(off.enabled()).isFalse();
    assertThat(off.started(1)).isEmpty();
    assertThat(off.watched()).isEmpty();
    assertThatThrownBy(() -> new VerificationWatch(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 (off) or more events");
    assertThatThrownBy(() -> new VerificationWatch(5).scored(1, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
