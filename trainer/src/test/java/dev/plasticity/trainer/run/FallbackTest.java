package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.trainer.Strategy;
import org.junit.jupiter.api.Test;

/** The chain of simpler strategies a run falls back to. */
class FallbackTest {
  @Test
  void anAdaptationOrSearchFallsBackToFineTuningAllThenToRetrainingThenToNothing() {
    assertThat(Fallback.after(Strategy.parse("importance-weighting"), true)).contains(Strategy.parse("fine-tune:all"));
    assertThat(Fallback.after(Strategy.parse("search:evolution"), true)).contains(Strategy.parse("fine-tune:all"));
    assertThat(Fallback.after(Strategy.parse("fine-tune:all"), true)).contains(Strategy.parse("retrain"));
    assertThat(Fallback.after(Strategy.parse("fine-tune:head"), true)).contains(Strategy.parse("retrain"));
    assertThat(Fallback.after(Strategy.parse("retrain"), true)).isEmpty();
  }

  @Test
  void withNoVersionServingEverythingFallsBackToRetraining() {
    assertThat(Fallback.after(Strategy.parse("search:random"), false)).contains(Strategy.parse("retrain"));
    assertThat(Fallback.after(Strategy.parse("ewc"), false)).contains(Strategy.parse("retrain"));
  }
}
