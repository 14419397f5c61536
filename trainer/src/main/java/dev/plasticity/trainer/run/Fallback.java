package dev.plasticity.trainer.run;

import dev.plasticity.registry.client.NetworkFamily;
import dev.plasticity.trainer.FineTuneScope;
import dev.plasticity.trainer.Strategy;
import java.util.Optional;

/**
 * The simpler strategy a run falls back to when its strategy throws while training (a numeric
 * accident such as DJL's "Gradient values are all zeros", a domain classifier that cannot be
 * trained, an input it cannot use): a domain adaptation or a search falls back to fine-tuning
 * every layer of the serving version, a fine-tune to retraining a fresh network, and a retraining
 * to nothing, so the trigger fails only when the simplest strategy fails too. Without a serving
 * version everything falls back to retraining.
 *
 * <p>A strategy that continues the serving version's network (a fine-tune or a domain adaptation)
 * cannot reuse its weights when the run's inputs differ from that version's (it chose other label
 * lags, or other levels to read its features against): such a run retrains from fresh weights before it starts ({@link #forLayout}). A
 * search needs no fallback: each candidate whose inputs differ from the champion's starts fresh.
 * Stateless.
 */
final class Fallback {
  private static final Strategy FINE_TUNE_ALL = new Strategy.FineTune(FineTuneScope.ALL);
  private static final Strategy RETRAIN = new Strategy.Retrain();

  private Fallback() {}

  /**
   * The strategy to train with instead of {@code planned} when the run's inputs differ from the
   * serving version's ({@code sameInputs} false); empty when {@code planned} can run as it is.
   */
  static Optional<Strategy> forLayout(Strategy planned, boolean sameInputs) {
    return continuesServing(planned) && !sameInputs ? Optional.of(RETRAIN) : Optional.empty();
  }

  /**
   * The strategy to train with instead of {@code planned} when the serving version's network is of
   * {@code family}: a domain adaptation that cannot adapt an experts network ({@link
   * Strategy.DomainAdaptation#adaptsExperts()}: EWC, distillation) retrains; empty when {@code
   * planned} can run as it is. A fine-tune of an experts network trains its gate and experts (or
   * its gate alone), and a search starts from scratch.
   */
  static Optional<Strategy> forFamily(Strategy planned, NetworkFamily family) {
    return switch (family) {
      case MLP -> Optional.empty();
      case EXPERTS -> planned.match(new Strategy.Cases<>() {
        @Override
        public Optional<Strategy> retrain(Strategy.Retrain retrain) {
          return Optional.empty();
        }

        @Override
        public Optional<Strategy> fineTune(Strategy.FineTune fineTune) {
          return Optional.empty();
        }

        @Override
        public Optional<Strategy> search(Strategy.Search search) {
          return Optional.empty();
        }

        @Override
        public Optional<Strategy> adapt(Strategy.DomainAdaptation adaptation) {
          return adaptation.adaptsExperts() ? Optional.empty() : Optional.of(RETRAIN);
        }
      });
    };
  }

  /**
   * Whether {@code strategy} continues the serving version's network (a fine-tune or a domain
   * adaptation), and so needs that version's input layout; a retraining or a search starts its own.
   */
  static boolean continuesServing(Strategy strategy) {
    return strategy.match(new Strategy.Cases<>() {
      @Override
      public Boolean retrain(Strategy.Retrain retrain) {
        return false;
      }

      @Override
      public Boolean fineTune(Strategy.FineTune fineTune) {
        return true;
      }

      @Override
      public Boolean search(Strategy.Search search) {
        return false;
      }

      @Override
      public Boolean adapt(Strategy.DomainAdaptation adaptation) {
        return true;
      }
    });
  }

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
