package dev.plasticity.inference.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JoinSettingsTest {
  @Test
  void defaultsToADayAndFiveMinutesAndWaitsHalfAMinuteForAPrediction() {
    assertThat(JoinSettings.defaults())
        .isEqualTo(new JoinSettings(Duration.ofHours(24), Duration.ofMinutes(5), Duration.ofSeconds(30)));
    assertThat(new JoinSettings(Duration.ofHours(1), Duration.ZERO).predictionWait()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void refusesANegativePredictionWaitAndAcceptsNone() {
    assertThatThrownBy(() -> JoinSettings.defaults().withPredictionWait(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prediction wait must be zero or positive");
    assertThat(JoinSettings.defaults().withPredictionWait(Duration.ZERO).predictionWait()).isZero();
  }

  @Test
  void refusesAWindowThatIsNotPositive() {
    assertThatThrownBy(() -> JoinSettings.defaults().withWindow(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("join window must be positive");
  }

  @Test
  void refusesANegativeGrace() {
    assertThatThrownBy(() -> JoinSettings.defaults().withGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grace period must be zero or positive");
  }

  @Test
  void refusesAWaitTooLongToCount() {
    assertThatThrownBy(() -> new JoinSettings(Duration.ofMillis(Long.MAX_VALUE), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must fit in a long");
  }

  @Test
  void acceptsNoGrace() {
    assertThat(JoinSettings.defaults().withGrace(Duration.ZERO).waitMillis()).isEqualTo(Duration.ofHours(24).toMillis());
  }
}
