package dev.plasticity.trainer.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.network.NetworkWeights.Layer;
import dev.plasticity.trainer.network.NetworkWeights.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class Net2NetTest {
  private static final Offset<Float> SAME = Offset.offset(1e-5f);

  static Architecture network(List<Integer> hidden, String activation, String normalization, boolean residual) {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1", "x2", "x3"))
        .setFeatureMeans(List.of(5.0, 5.0, 5.0))
        .setFeatureStds(List.of(2.9, 2.9, 2.9))
        .setHiddenUnits(hidden)
        .setActivation(activation)
        .setNormalization(normalization)
        .setResidual(residual)
        .setDropout(0.2)
        .setNumClasses(3)
        .build();
  }

  /**
   * A parent as if trained: seeded weights, and normalisation values drawn at random (fresh ones are
   * the identity, which would hide a mistake in how they are copied).
   */
  static NetworkWeights parent(Architecture architecture, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    try (Model model = ModelFormat.newModel("parent", architecture)) {
      NetworkWeights weights = NetworkWeights.read(architecture, model.getBlock());
      Random random = new Random(seed);
      List<Layer> hidden = new ArrayList<>();
      for (Layer layer : weights.hidden()) {
        Norm norm = layer.norm();
        if (norm != null) {
          norm = new Norm(draw(random, norm.gamma().length, 0.5, 2), draw(random, norm.gamma().length, -1, 1),
              norm.batch() ? draw(random, norm.gamma().length, -0.5, 0.5) : null,
              norm.batch() ? draw(random, norm.gamma().length, 0.3, 3) : null);
        }
        hidden.add(new Layer(layer.linear(), norm));
      }
      return new NetworkWeights(hidden, weights.output());
    }
  }

  private static float[] draw(Random random, int n, double low, double high) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (low + (high - low) * random.nextDouble());
    }
    return values;
  }

  static float[][] rows(int seed) {
    Random random = new Random(seed);
    float[][] rows = new float[32][3];
    for (float[] row : rows) {
      for (int f = 0; f < row.length; f++) {
        row[f] = (float) (2 * random.nextGaussian());
      }
    }
    return rows;
  }

  /** Class scores in inference mode: dropout off, batch normalisation on its running statistics. */
  static float[] scores(Architecture architecture, NetworkWeights weights, float[][] rows) {
    try (Model model = ModelFormat.newModel("scores", architecture)) {
      weights.writeTo(architecture, model.getBlock());
      return scores(model, rows);
    }
  }

  static float[] scores(Model model, float[][] rows) {
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(manager.create(rows)),
          false);
      return out.get(0).toFloatArray(); // the scores; a network with early exits returns more after them
    }
  }

  private static void assertSameFunction(Architecture parent, NetworkWeights weights, Net2Net.Grown grown) {
    float[][] rows = rows(11);
    float[] before = scores(parent, weights, rows);
    float[] after = scores(grown.architecture(), grown.weights(), rows);
    assertThat(after).as(ModelFormat.describe(parent) + " grown to " + ModelFormat.describe(grown.architecture()))
        .containsExactly(before, SAME);
  }

  @Test
  void aWidenedNetworkGivesTheParentsOutputsForEveryActivationWithoutAndWithBatchNorm() {
    for (String normalization : List.of("none", "batch")) {
      for (String activation : ModelFormat.ACTIVATIONS) {
        Architecture architecture = network(List.of(6, 5), activation, normalization, false);
        NetworkWeights weights = parent(architecture, 1);
        Net2Net.Grown wider = Net2Net.widen(architecture, weights, List.of(9, 11), new Random(4));
        assertThat(wider.architecture().getHiddenUnits()).containsExactly(9, 11);
        assertSameFunction(architecture, weights, wider);
      }
    }
  }

  @Test
  void aLayerNormalisedLayerWidensExactlyToAMultipleOfItsWidth() {
    Architecture architecture = network(List.of(4, 5), "gelu", "layer", false);
    NetworkWeights weights = parent(architecture, 2);
    assertSameFunction(architecture, weights, Net2Net.widen(architecture, weights, List.of(8, 15), new Random(4)));
    assertThatThrownBy(() -> Net2Net.widen(architecture, weights, List.of(6, 5), new Random(4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("widens only to a multiple of 4, not to 6");
  }

  @Test
  void aRunOfLayersJoinedBySkipsWidensTogetherAndPreservesTheFunction() {
    for (String normalization : ModelFormat.NORMALIZATIONS) {
      Architecture architecture = network(List.of(6, 6, 6, 4), "tanh", normalization, true);
      NetworkWeights weights = parent(architecture, 3);
      assertSameFunction(architecture, weights,
          Net2Net.widen(architecture, weights, List.of(12, 12, 12, 8), new Random(5)));
    }
  }

  @Test
  void aWideningThatWouldRemoveOrAddASkipIsRefused() {
    Architecture architecture = network(List.of(6, 6, 4), "relu", "none", true);
    NetworkWeights weights = parent(architecture, 3);
    assertThatThrownBy(() -> Net2Net.widen(architecture, weights, List.of(6, 10, 4), new Random(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would remove the skip connection into hidden layer 1")
        .hasMessageContaining("widens together");
    assertThatThrownBy(() -> Net2Net.widen(architecture, weights, List.of(6, 6, 6), new Random(5)))
        .hasMessageContaining("would add the skip connection into hidden layer 2");
    assertThatThrownBy(() -> Net2Net.widen(architecture, weights, List.of(6, 6, 3), new Random(5)))
        .hasMessageContaining("only grows layers: hidden layer 2 would shrink from 4 to 3");
  }

  @Test
  void aDeepenedReluNetworkGivesTheParentsOutputsWithoutAndWithBatchNorm() {
    for (String normalization : List.of("none", "batch")) {
      Architecture architecture = network(List.of(6, 5), "relu", normalization, false);
      NetworkWeights weights = parent(architecture, 4);
      for (int after = 0; after < 2; after++) {
        Net2Net.Grown deeper = Net2Net.deepen(architecture, weights, after);
        assertThat(deeper.architecture().getHiddenUnits()).hasSize(3);
        assertSameFunction(architecture, weights, deeper);
      }
    }
  }

  @Test
  void aResidualNetworkDeepensWithAZeroBodyForEveryActivationWithZeroAtZero() {
    for (String normalization : ModelFormat.NORMALIZATIONS) {
      for (String activation : List.of("relu", "tanh", "gelu", "selu")) {
        Architecture architecture = network(List.of(6, 6, 4), activation, normalization, true);
        NetworkWeights weights = parent(architecture, 5);
        Net2Net.Grown deeper = Net2Net.deepen(architecture, weights, 2);
        assertThat(ModelFormat.hasSkipConnection(deeper.architecture(), 3)).isTrue();
        assertSameFunction(architecture, weights, deeper);
      }
    }
  }

  @Test
  void deepeningsThatCannotPreserveTheFunctionAreRefusedNamingTheRule() {
    Architecture tanh = network(List.of(6, 5), "tanh", "none", false);
    assertThatThrownBy(() -> Net2Net.deepen(tanh, parent(tanh, 6), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only under relu, since relu(relu(x)) = relu(x); tanh(tanh(x)) != tanh(x)");
    Architecture layerNorm = network(List.of(6, 5), "relu", "layer", false);
    assertThatThrownBy(() -> Net2Net.deepen(layerNorm, parent(layerNorm, 6), 1))
        .hasMessageContaining("re-standardises each row over the layer");
    Architecture sigmoid = network(List.of(6, 5), "sigmoid", "none", true);
    assertThatThrownBy(() -> Net2Net.deepen(sigmoid, parent(sigmoid, 6), 1))
        .hasMessageContaining("f(0) = 0; sigmoid(0) = 1/2");
    Architecture relu = network(List.of(6, 5), "relu", "none", false);
    assertThatThrownBy(() -> Net2Net.deepen(relu, parent(relu, 6), -1))
        .hasMessageContaining("never after the input");
  }

  @Test
  void wideningThenDeepeningComposes() {
    Architecture architecture = network(List.of(6, 5), "relu", "batch", false);
    NetworkWeights weights = parent(architecture, 7);
    Net2Net.Grown wider = Net2Net.widen(architecture, weights, List.of(8, 7), new Random(1));
    Net2Net.Grown deeper = Net2Net.deepen(wider.architecture(), wider.weights(), 0);
    Net2Net.Grown again = Net2Net.widen(deeper.architecture(), deeper.weights(), List.of(8, 12, 7), new Random(2));
    assertThat(again.architecture().getHiddenUnits()).containsExactly(8, 12, 7);
    assertSameFunction(architecture, weights, again);
  }

  @Test
  void theSameSeedGrowsTheSameNetwork() {
    Architecture architecture = network(List.of(6, 5), "relu", "batch", false);
    NetworkWeights weights = parent(architecture, 8);
    float[][] rows = rows(3);
    Net2Net.Grown one = Net2Net.widen(architecture, weights, List.of(10, 9), new Random(42));
    Net2Net.Grown two = Net2Net.widen(architecture, weights, List.of(10, 9), new Random(42));
    Net2Net.Grown other = Net2Net.widen(architecture, weights, List.of(10, 9), new Random(43));
    for (int k = 0; k < 2; k++) {
      assertThat(two.weights().hidden().get(k).linear().weight())
          .isDeepEqualTo(one.weights().hidden().get(k).linear().weight());
    }
    assertThat(java.util.Arrays.deepEquals(other.weights().hidden().get(1).linear().weight(),
        one.weights().hidden().get(1).linear().weight())).isFalse();
    assertThat(scores(two.architecture(), two.weights(), rows))
        .containsExactly(scores(one.architecture(), one.weights(), rows));
  }
}
