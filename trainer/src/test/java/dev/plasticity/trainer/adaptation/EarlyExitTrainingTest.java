package dev.plasticity.trainer.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.trainer.AdaptationSettings;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.Strategies;
import dev.plasticity.trainer.Strategy;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkCost;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyExitTrainingTest {
  @Test
  void meetsAComputeBudgetThatTheServingNetworkMissesAtFullDepth() {
    SeaParent sea = SeaParent.trained(5);
    // the serving [16, 16] network needs 336 multiply-adds per row; the budget allows 320
    ConstraintCheck check = new ConstraintCheck(List.of(new Constraint.MaxMultiplyAdds(320)), LatencyProbe.standard());
    assertThat(NetworkCost.multiplyAdds(sea.architecture())).isEqualTo(336);
    assertThat(check.checkAtFullDepth(sea.architecture()).passed()).isFalse();

    Strategy.Adapted adapted = EarlyExitTraining.STANDARD.adapt(sea.asParent(), sea.newWindow(), List.of(),
        sea.architecture(), check, sea.config(), AdaptationSettings.DEFAULTS, (e, n, a) -> { });

    assertThat(adapted.result()).as(adapted.note()).isNotNull();
    assertThat(adapted.candidate().passed()).isTrue();
    assertThat(adapted.candidate().figures().multiplyAdds()).isLessThanOrEqualTo(320);
    assertThat(adapted.candidate().summary()).contains("expected at exit confidence");
    assertThat(adapted.result().architecture().getEarlyExits()).isTrue();
    assertThat(adapted.result().architecture().getExitConfidence())
        .isEqualTo(adapted.metrics().get("exit_confidence"));
    assertThat(adapted.metrics().get("exit_mean_layers")).isLessThan(2.0);
    assertThat(adapted.metrics().get("exit_share_layers_1") + adapted.metrics().get("exit_share_layers_2"))
        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(adapted.result().heldOutAccuracy())
        .isGreaterThanOrEqualTo(adapted.metrics().get("exit_full_depth_accuracy") - 0.005);
    assertThat(adapted.result().heldOutAccuracy()).isGreaterThan(0.9);
    assertThat(SeaParent.accuracy(adapted.result().architecture(), adapted.result().artifact(),
        sea.newWindow().heldOut())).isEqualTo(adapted.result().heldOutAccuracy());
  }

  @Test
  void refusesWithoutTrainingWhenNotEvenTheFirstExitFitsTheBudget() {
    SeaParent sea = SeaParent.trained(5);
    ConstraintCheck check = new ConstraintCheck(List.of(new Constraint.MaxMultiplyAdds(50)), LatencyProbe.standard());
    Strategy.Adapted adapted = EarlyExitTraining.STANDARD.adapt(sea.asParent(), sea.newWindow(), List.of(),
        sea.architecture(), check, sea.config(), AdaptationSettings.DEFAULTS, (e, n, a) -> { });
    assertThat(adapted.result()).isNull();
    assertThat(adapted.note()).contains("at best, every row leaving at the first exit").contains("exceed the limit of 50");
  }

  @Test
  void isTheEarlyExitStrategyOfTheStandardTable() {
    assertThat(Strategies.STANDARD.parse("early-exit")).isEqualTo(EarlyExitTraining.STANDARD);
    assertThat(EarlyExitTraining.STANDARD.explain()).contains("calibrated on held-out events");
  }
}
