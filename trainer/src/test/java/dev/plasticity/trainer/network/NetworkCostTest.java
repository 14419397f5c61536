package dev.plasticity.trainer.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.schemas.Architecture;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkCostTest {
  private static Architecture network(int inputs, List<Integer> hidden, int classes, String normalization,
      boolean residual) {
    List<String> features = java.util.stream.IntStream.range(0, inputs).mapToObj(i -> "x" + i).toList();
    List<Double> zeros = features.stream().map(f -> 0.0).toList();
    return Architecture.newBuilder().setInputFeatures(features).setFeatureMeans(zeros).setFeatureStds(zeros)
        .setHiddenUnits(hidden).setNumClasses(classes).setNormalization(normalization).setResidual(residual)
        .build();
  }

  @Test
  void countsTheDefaultNetworkByHand() {
    Architecture today = network(3, List.of(32, 32), 2, "none", false);
    // (3*32 + 32) + (32*32 + 32) + (32*2 + 2)
    assertThat(NetworkCost.parameters(today)).isEqualTo(128 + 1056 + 66).isEqualTo(1250);
    // 3*32 + 32*32 + 32*2
    assertThat(NetworkCost.multiplyAdds(today)).isEqualTo(96 + 1024 + 64).isEqualTo(1184);
  }

  @Test
  void normalisationAddsAScaleAndShiftPerUnitAndNoMultiplyAdds() {
    for (String normalization : List.of("batch", "layer")) {
      Architecture normalised = network(3, List.of(8, 8), 2, normalization, false);
      // linear (3*8 + 8) + (8*8 + 8) + (8*2 + 2) = 122, plus 2 * 8 per normalised layer
      assertThat(NetworkCost.parameters(normalised)).isEqualTo(122 + 16 + 16);
      assertThat(NetworkCost.multiplyAdds(normalised)).isEqualTo(24 + 64 + 16);
    }
  }

  @Test
  void skipConnectionsCostNothing() {
    Architecture plain = network(10, List.of(64, 64, 64, 16), 5, "none", false);
    Architecture residual = network(10, List.of(64, 64, 64, 16), 5, "none", true);
    // (10*64 + 64) + 2 * (64*64 + 64) + (64*16 + 16) + (16*5 + 5)
    assertThat(NetworkCost.parameters(residual)).isEqualTo(NetworkCost.parameters(plain))
        .isEqualTo(704 + 2 * 4160 + 1040 + 85);
    assertThat(NetworkCost.multiplyAdds(residual)).isEqualTo(640 + 2 * 4096 + 1024 + 80);
  }

  @Test
  void aNetworkWithoutHiddenLayersIsOneLinearMap() {
    Architecture logistic = network(4, List.of(), 3, "none", false);
    assertThat(NetworkCost.parameters(logistic)).isEqualTo(4 * 3 + 3);
    assertThat(NetworkCost.multiplyAdds(logistic)).isEqualTo(12);
  }

  @Test
  void anExpertsNetworkCostsItsGateAndTopKLargestExpertsPerRow() {
    Architecture experts = Architecture.newBuilder(network(3, List.of(), 2, "none", false)).setFamily("experts")
        .setExperts(List.of(dev.plasticity.schemas.Expert.newBuilder().setHiddenUnits(List.of(8)).build(),
            dev.plasticity.schemas.Expert.newBuilder().setHiddenUnits(List.of(32)).build(),
            dev.plasticity.schemas.Expert.newBuilder().setHiddenUnits(List.of(16)).build()))
        .setTopK(1).build();
    long gate = 3 * 3 + 3;
    long[] each = {3 * 8 + 8 + 8 * 2 + 2, 3 * 32 + 32 + 32 * 2 + 2, 3 * 16 + 16 + 16 * 2 + 2};
    assertThat(NetworkCost.gateParameters(experts)).isEqualTo(gate);
    assertThat(NetworkCost.expertParameters(experts)).containsExactly(each);
    // a row runs the gate and one expert: the constraint holds the largest
    assertThat(NetworkCost.parameters(experts)).isEqualTo(gate + each[1]);
    assertThat(NetworkCost.multiplyAdds(experts)).isEqualTo(3 * 3 + 3 * 32 + 32 * 2);
    assertThat(NetworkCost.totalParameters(experts)).isEqualTo(gate + each[0] + each[1] + each[2]);
    Architecture topTwo = Architecture.newBuilder(experts).setTopK(2).build();
    assertThat(NetworkCost.parameters(topTwo)).isEqualTo(gate + each[1] + each[2]);
  }
}
