package dev.plasticity.trainer.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.Constraint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyExitCostTest {
  private static Architecture network(boolean exits) {
    return Architecture.newBuilder().setInputFeatures(List.of("x1", "x2", "x3"))
        .setFeatureMeans(List.of(0.0, 0.0, 0.0)).setFeatureStds(List.of(1.0, 1.0, 1.0))
        .setHiddenUnits(List.of(16, 16)).setNumClasses(2).setEarlyExits(exits).setExitConfidence(0.9).build();
  }

  @Test
  void aNetworkWithExitsCostsAtFullDepthWhatItsRowsCostThroughEveryHead() {
    // 3*16 + 16*16 + 16*2 = 336 without exits; the exit head after the first layer adds 16*2
    assertThat(NetworkCost.multiplyAdds(network(false))).isEqualTo(336);
    assertThat(NetworkCost.multiplyAdds(network(true))).isEqualTo(368);
    assertThat(NetworkCost.parameters(network(true))).isEqualTo(NetworkCost.parameters(network(false)) + 16 * 2 + 2);
    // half the rows leave after the first layer (3*16 + 16*2 = 80)
    ExitShares half = new ExitShares(List.of(0.5, 0.5), "half and half");
    assertThat(NetworkCost.expectedMultiplyAdds(network(true), half)).isEqualTo((80 + 368) / 2);
  }

  @Test
  void aMultiplyAddBudgetMissedAtFullDepthIsMetWhereRowsLeaveEarly() {
    ConstraintCheck check = new ConstraintCheck(List.of(new Constraint.MaxMultiplyAdds(300)), LatencyProbe.standard());
    assertThat(check.checkAtFullDepth(network(true)).passed()).isFalse();
    assertThat(check.check(network(true)).passed()).isFalse();
    ConstraintCheck.Result expected = check.check(network(true), new ExitShares(List.of(0.5, 0.5), "half and half"));
    assertThat(expected.passed()).isTrue();
    assertThat(expected.summary()).contains("224 multiply-adds").contains("multiply-adds and latency expected half and half");
    assertThat(check.check(network(true), ExitShares.firstExit(network(true))).summary())
        .contains("at best, every row leaving at the first exit");
  }

  @Test
  void theExpectedLatencyIsTheMixtureOfEachExitsTimings() {
    List<long[]> timings = List.of(new long[] {10, 10, 10, 10}, new long[] {100, 100, 100, 100});
    assertThat(LatencyProbe.weightedRank(timings, List.of(0.6, 0.4), 0.5)).isEqualTo(10);
    assertThat(LatencyProbe.weightedRank(timings, List.of(0.6, 0.4), 0.99)).isEqualTo(100);
    assertThat(LatencyProbe.weightedRank(timings, List.of(0.995, 0.005), 0.99)).isEqualTo(10);
    ConstraintCheck ticking = new ConstraintCheck(
        List.of(new Constraint.MaxLatency(Duration.ofMillis(1), Duration.ofMillis(2))),
        LatencyProbes.ticking(Duration.ofMillis(1)));
    ConstraintCheck.Result result = ticking.check(network(true), new ExitShares(List.of(0.5, 0.5), "half and half"));
    assertThat(result.passed()).isTrue();
    assertThat(result.figures().latency().orElseThrow().calls()).isEqualTo(40); // both exits timed
  }

  @Test
  void eachExitIsTimedAsANetworkDoingExactlyItsRowsWork() {
    Architecture three = Architecture.newBuilder(network(true)).setHiddenUnits(List.of(16, 16, 16)).build();
    assertThat(LatencyProbe.exitingAt(three, 0).getExitConfidence()).isEqualTo(0.0);
    assertThat(LatencyProbe.exitingAt(three, 1).getHiddenUnits()).containsExactly(16, 16);
    assertThat(LatencyProbe.exitingAt(three, 1).getExitConfidence()).isGreaterThan(1.0);
    assertThat(LatencyProbe.exitingAt(three, 2).getHiddenUnits()).containsExactly(16, 16, 16);
  }

  @Test
  void sharesMustFitTheNetworksExits() {
    ConstraintCheck check = new ConstraintCheck(List.of(), LatencyProbe.standard());
    assertThatThrownBy(() -> check.check(network(false), new ExitShares(List.of(0.5, 0.5), "x")))
        .hasMessageContaining("only to a network with early exits");
    assertThatThrownBy(() -> check.check(network(true), new ExitShares(List.of(0.2, 0.3, 0.5), "x")))
        .hasMessageContaining("needs 2 exit shares");
    assertThatThrownBy(() -> new ExitShares(List.of(0.2, 0.3), "x")).hasMessageContaining("sum to 1");
  }
}
