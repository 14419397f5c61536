package dev.plasticity.trainer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.plasticity.registry.client.ClassProbabilities;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.network.NetworkCost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

public class SearchSpaceTest {
  /** Three SEA features, their scaling and two classes: what every candidate shares. */
  public static final Architecture INPUTS = Architecture.newBuilder()
      .setInputFeatures(List.of("x1", "x2", "x3"))
      .setFeatureMeans(List.of(5.0, 5.0, 5.0))
      .setFeatureStds(List.of(2.9, 2.9, 2.9))
      .setHiddenUnits(List.of())
      .setNumClasses(2)
      .build();

  /** Every option of every dimension, at widths small enough to build them all in a few seconds. */
  private static final SearchSpace EVERY_OPTION = new SearchSpace(1, 3, List.of(4, 6), ModelFormat.ACTIVATIONS,
      ModelFormat.NORMALIZATIONS, List.of(0.0, 0.5), List.of(false, true));

  @Test
  void theSameSeedSamplesTheSameDescriptors() {
    SearchSpace space = SearchSpace.tabular();
    Random a = new Random(7);
    Random b = new Random(7);
    List<Architecture> one = new ArrayList<>();
    List<Architecture> two = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      one.add(space.sample(a, INPUTS));
      two.add(space.sample(b, INPUTS));
    }
    assertThat(two).isEqualTo(one);
    assertThat(new HashSet<>(one)).hasSizeGreaterThan(40);
    assertThat(space.sample(new Random(8), INPUTS)).isNotEqualTo(one.get(0));
  }

  @Test
  void samplesOnlyCanonicalDescriptorsOfTheSpaceWithTheGivenInputs() {
    SearchSpace space = SearchSpace.tabular();
    Random random = new Random(3);
    for (int i = 0; i < 500; i++) {
      Architecture candidate = space.sample(random, INPUTS);
      assertThat(space.contains(candidate)).as(ModelFormat.describe(candidate)).isTrue();
      assertThat(candidate.getInputFeatures()).isEqualTo(INPUTS.getInputFeatures());
      assertThat(candidate.getNumClasses()).isEqualTo(2);
      if (candidate.getResidual()) {
        assertThat(IntStream.range(0, candidate.getHiddenUnits().size())
            .anyMatch(layer -> ModelFormat.hasSkipConnection(candidate, layer))).isTrue();
      }
    }
  }

  @Test
  void enumeratesExactlyItsSizeInDistinctDescriptors() {
    // depth 1: 2 networks; depth 2: 2 without and 2 x 2 with equal neighbours; depth 3: 2 + 6 x 2
    SearchSpace space = new SearchSpace(1, 3, List.of(4, 6), List.of("relu"), List.of("none"), List.of(0.0),
        List.of(false, true));
    assertThat(space.size()).isEqualTo(2 + 2 + 4 + 2 + 12);
    assertThat(EVERY_OPTION.size()).isEqualTo(22L * 5 * 3 * 2);
    List<Architecture> all = EVERY_OPTION.enumerate(INPUTS);
    assertThat(all).hasSize((int) EVERY_OPTION.size()).doesNotHaveDuplicates();
    assertThat(all).allMatch(EVERY_OPTION::contains);
    assertThat(SearchSpace.tabular().size()).isEqualTo(
        (4 + (12 + 4 * 2) + (36 + 28 * 2) + (108 + 148 * 2)) * 5L * 3 * 3);
  }

  @Test
  void aConsumerRebuildsAndLoadsEveryArchitectureTheSpaceCanProduce() throws Exception {
    float[][] rows = {{0.1f, -1.2f, 0.7f}, {1.5f, 0.3f, -0.4f}};
    for (Architecture candidate : EVERY_OPTION.enumerate(INPUTS)) {
      Engine.getInstance().setRandomSeed(5);
      byte[] artifact;
      float[][] before;
      try (Model model = ModelFormat.newModel("m", candidate);
          Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
        before = predictor.predict(rows);
        artifact = ModelFormat.saveParameters(model);
        long trainable = 0;
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
          if (parameter.getValue().requiresGradient()) {
            trainable += parameter.getValue().getArray().size();
          }
        }
        assertThat(NetworkCost.parameters(candidate)).as(ModelFormat.describe(candidate)).isEqualTo(trainable);
      }
      try (Model loaded = ModelFormat.load("m", candidate, artifact);
          Predictor<float[][], float[][]> predictor = loaded.newPredictor(new ClassProbabilities())) {
        assertThat(predictor.predict(rows)).as(ModelFormat.describe(candidate)).isDeepEqualTo(before);
      }
    }
  }

  @Test
  void invalidSpacesNameTheRule() {
    assertThatThrownBy(() -> new SearchSpace(0, 2, List.of(8), List.of("relu"), List.of("none"), List.of(0.0),
        List.of(false))).hasMessageContaining("1 <= minDepth <= maxDepth");
    assertThatThrownBy(() -> new SearchSpace(1, 2, List.of(), List.of("relu"), List.of("none"), List.of(0.0),
        List.of(false))).hasMessageContaining("widths needs at least one choice");
    assertThatThrownBy(() -> new SearchSpace(1, 2, List.of(8), List.of("swish"), List.of("none"), List.of(0.0),
        List.of(false))).hasMessageContaining("unknown activation 'swish'");
    assertThatThrownBy(() -> new SearchSpace(1, 2, List.of(8), List.of("relu"), List.of("group"), List.of(0.0),
        List.of(false))).hasMessageContaining("unknown normalization 'group'");
    assertThatThrownBy(() -> new SearchSpace(1, 2, List.of(8), List.of("relu"), List.of("none"), List.of(1.0),
        List.of(false))).hasMessageContaining("dropout rates must be in [0, 1)");
    assertThatThrownBy(() -> new SearchSpace(1, 2, List.of(8, 8), List.of("relu"), List.of("none"), List.of(0.0),
        List.of(false))).hasMessageContaining("widths must not repeat a choice");
    assertThatThrownBy(() -> new SearchSpace(1, 8, List.of(16, 32, 64, 128), ModelFormat.ACTIVATIONS,
        ModelFormat.NORMALIZATIONS, List.of(0.0), List.of(false, true)).enumerate(INPUTS))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("sample it");
  }
}
