package dev.plasticity.trainer.run;

import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.Strategy;
import java.util.Optional;

/**
 * The simpler strategy a run falls back to when its strategy throws while training (a numeric
 * accident such as DJL's "Gradient values are all zeros", a domain classifier that cannot be
 * trained, an input it cannot use): a domain adaptation or a search falls back to fine-tuning
 * every layer of the serving version, a fine-tune to retraining a fresh network, and a retraining
 * to nothing, so the trigger fails only when the simplest strategy fails too. Without a serving
 * version everything falls back to retraining. Stateless.
 */
final class Fallback {
  private static final Strategy FINE_TUNE_ALL = new Strategy.FineTune(FineTuneScope.ALL);
  private static final Strategy RETRAIN = new Strategy.Retrain();

  private Fallback() {}

  /** The strategy to try after {@code failed} threw; empty when there is none simpler. */
  static Optional<Strategy> after(Strategy failed, boolean versionServes) {
    return failed.match(new Strategy.Cases<>() {
      @Override
      public Optional<Strategy> retrain(Strategy.Retrain retrain) {
        return Optional.empty();
      }

      @Override
      public Optional<Strategy> fineTune(Strategy.FineTune fineTune) {
        return Optional.of(RETRAIN);
      }

      @Override
      public Optional<Strategy> search(Strategy.Search search) {
        return Optional.of(versionServes ? FINE_TUNE_ALL : RETRAIN);
      }

      @Override
      public Optional<Strategy> adapt(Strategy.DomainAdaptation adaptation) {
        return Optional.of(versionServes ? FINE_TUNE_ALL : RETRAIN);
      }
    });
  }
}
