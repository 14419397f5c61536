package dev.plasticity.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.NetworkFamily;
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

  @Test
  void adaptationsThatContinueOneMlpRetrainWhenAnExpertsNetworkServes() {
    assertThat(Fallback.forFamily(Strategy.parse("ewc"), NetworkFamily.EXPERTS)).contains(Strategy.parse("retrain"));
    assertThat(Fallback.forFamily(Strategy.parse("distill"), NetworkFamily.EXPERTS))
        .contains(Strategy.parse("retrain"));
    assertThat(Fallback.forFamily(Strategy.parse("grow-expert"), NetworkFamily.EXPERTS)).isEmpty();
    assertThat(Fallback.forFamily(Strategy.parse("incremental"), NetworkFamily.EXPERTS)).isEmpty();
    assertThat(Fallback.forFamily(Strategy.parse("importance-weighting"), NetworkFamily.EXPERTS)).isEmpty();
    assertThat(Fallback.forFamily(Strategy.parse("fine-tune:head"), NetworkFamily.EXPERTS)).isEmpty();
    assertThat(Fallback.forFamily(Strategy.parse("search:evolution"), NetworkFamily.EXPERTS)).isEmpty();
    assertThat(Fallback.forFamily(Strategy.parse("ewc"), NetworkFamily.MLP)).isEmpty();
  }
}
