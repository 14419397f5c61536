package dev.plasticity.trainer.network;

import static dev.plasticity.trainer.network.Net2NetTest.network;
import static dev.plasticity.trainer.network.Net2NetTest.parent;
import static dev.plasticity.trainer.network.Net2NetTest.rows;
import static dev.plasticity.trainer.network.Net2NetTest.scores;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.network.WeightInheritance.Inherited;
import dev.plasticity.trainer.network.WeightInheritance.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class WeightInheritanceTest {
  /** The champion as the registry hands it over: rebuilt from its descriptor and artifact. */
  private static Model champion(Architecture architecture, int seed) {
    NetworkWeights weights = parent(architecture, seed);
    try (Model built = ModelFormat.newModel("built", architecture)) {
      weights.writeTo(architecture, built.getBlock());
      return ModelFormat.load("champion", architecture, ModelFormat.saveParameters(built));
    }
  }

  @Test
  void aCandidateThatDeepensAndWidensTheChampionStartsExactlyWhereTheChampionWas() {
    Architecture champion = network(List.of(6, 5), "relu", "batch", false);
    Architecture candidate = Architecture.newBuilder(champion).setHiddenUnits(List.of(8, 8, 5)).setDropout(0.0).build();
    float[][] rows = rows(21);
    try (Model model = champion(champion, 1);
        Inherited start = WeightInheritance.inherit("challenger", champion, model, candidate, 42)) {
      assertThat(start.lineage().kind()).isEqualTo(Kind.FUNCTION_PRESERVING);
      assertThat(start.lineage().steps())
          .containsExactly("deepen: identity layer after hidden layer 1", "widen [6, 5, 5] to [8, 8, 5]");
      assertThat(scores(start.model(), rows)).containsExactly(scores(model, rows), Offset.offset(1e-5f));
    }
  }

  @Test
  void aChampionWithEarlyExitsIsInheritedAsItsFullDepthNetwork() {
    Architecture champion = Architecture.newBuilder(network(List.of(6, 5), "relu", "none", false))
        .setEarlyExits(true).setExitConfidence(2.0).build(); // every row at full depth
    Architecture candidate = Architecture.newBuilder(champion).setEarlyExits(false).setExitConfidence(1.0)
        .setHiddenUnits(List.of(8, 5)).setDropout(0.0).build();
    float[][] rows = rows(21);
    Engine.getInstance().setRandomSeed(4);
    try (Model model = ModelFormat.newModel("champion", champion);
        Inherited start = WeightInheritance.inherit("challenger", champion, model, candidate, 42)) {
      assertThat(start.lineage().kind()).isEqualTo(Kind.FUNCTION_PRESERVING);
      assertThat(scores(start.model(), rows)).containsExactly(scores(model, rows), Offset.offset(1e-5f));
    }
  }

  @Test
  void newFeatureScalingIsFoldedIntoTheFirstLayerExactlyOnRawValues() {
    Architecture champion = network(List.of(6, 5), "tanh", "none", false);
    Architecture candidate = Architecture.newBuilder(champion).setFeatureMeans(List.of(4.0, 7.5, -1.0))
        .setFeatureStds(List.of(1.5, 0.0, 6.0)).setHiddenUnits(List.of(6, 9)).build();
    try (Model model = champion(champion, 2);
        Inherited start = WeightInheritance.inherit("challenger", champion, model, candidate, 42)) {
      assertThat(start.lineage().kind()).isEqualTo(Kind.FUNCTION_PRESERVING);
      assertThat(start.lineage().steps().get(0)).startsWith("re-standardise inputs");
      Map<String, Double> event = Map.of("x1", 3.0, "x2", 8.0, "x3", 0.5);
      float[][] before = {ModelFormat.encode(champion, event)};
      float[][] after = {ModelFormat.encode(candidate, event)};
      assertThat(scores(start.model(), after)).containsExactly(scores(model, before), Offset.offset(1e-5f));
    }
  }

  @Test
  void anotherShapeInheritsTheOverlappingSliceExactlyAndKeepsTheRestFresh() {
    Architecture champion = network(List.of(6, 5), "relu", "batch", false);
    Architecture candidate = network(List.of(4, 8, 7), "gelu", "batch", false);
    try (Model model = champion(champion, 3);
        Inherited start = WeightInheritance.inherit("challenger", champion, model, candidate, 42)) {
      NetworkWeights parent = NetworkWeights.read(champion, model.getBlock());
      NetworkWeights child = NetworkWeights.read(candidate, start.model().getBlock());
      NetworkWeights fresh;
      Engine.getInstance().setRandomSeed(42);
      try (Model same = ModelFormat.newModel("fresh", candidate)) {
        fresh = NetworkWeights.read(candidate, same.getBlock());
      }
      assertThat(start.lineage().kind()).isEqualTo(Kind.SHAPEWISE);
      // layer 0: rows 0-3 of 6, all 3 inputs; layer 1: rows 0-4 of 5, columns 0-3 of 6; layer 2: fresh
      for (int o = 0; o < 4; o++) {
        assertThat(child.hidden().get(0).linear().weight()[o]).containsExactly(parent.hidden().get(0).linear().weight()[o]);
      }
      for (int o = 0; o < 8; o++) {
        float[] row = child.hidden().get(1).linear().weight()[o];
        float[] expected = o < 5 ? parent.hidden().get(1).linear().weight()[o] : fresh.hidden().get(1).linear().weight()[o];
        assertThat(Arrays.copyOf(row, 4)).containsExactly(Arrays.copyOf(expected, 4));
        assertThat(Arrays.copyOfRange(row, 4, 6))
            .containsExactly(Arrays.copyOfRange(fresh.hidden().get(1).linear().weight()[o], 4, 6));
      }
      assertThat(child.hidden().get(1).norm().runningVar()).startsWith(parent.hidden().get(1).norm().runningVar())
          .endsWith(Arrays.copyOfRange(fresh.hidden().get(1).norm().runningVar(), 5, 8));
      assertThat(child.hidden().get(2).linear().weight()).isDeepEqualTo(fresh.hidden().get(2).linear().weight());
      // output: 3 classes x columns 0-4 of 7
      for (int o = 0; o < 3; o++) {
        assertThat(child.output().weight()[o]).startsWith(parent.output().weight()[o]);
      }
      // layer 0: 4*3 + 4, batch norm 4 * 4; layer 1: 5*4 + 5, batch norm 4 * 5; output 3*5 + 3
      assertThat(start.lineage().inheritedValues()).isEqualTo(16 + 16 + 25 + 20 + 18);
    }
  }

  @Test
  void aCandidateReadingOtherFeaturesStartsFresh() {
    Architecture champion = network(List.of(6), "relu", "none", false);
    Architecture candidate = Architecture.newBuilder(champion).setInputFeatures(List.of("x1", "x2", "x4")).build();
    try (Model model = champion(champion, 4);
        Inherited start = WeightInheritance.inherit("challenger", champion, model, candidate, 42)) {
      assertThat(start.lineage().kind()).isEqualTo(Kind.FRESH);
      assertThat(start.lineage().inheritedValues()).isZero();
      assertThat(start.lineage().steps().get(0)).contains("[x1, x2, x4]");
    }
  }

  @Test
  void aLaggedChampionRescaledAndWidenedKeepsItsFunctionLagInputsIncluded() {
    Architecture champion = Architecture.newBuilder(network(List.of(6, 5), "tanh", "none", false)).setLabelLags(2)
        .build();
    Architecture candidate = Architecture.newBuilder(champion).setFeatureMeans(List.of(4.0, 7.5, -1.0))
        .setFeatureStds(List.of(1.5, 2.0, 6.0)).setHiddenUnits(List.of(6, 9)).build();
    try (Model model = champion(champion, 6);
        Inherited start = WeightInheritance.inherit("challenger", champion, model, candidate, 42)) {
      assertThat(start.lineage().kind()).isEqualTo(Kind.FUNCTION_PRESERVING);
      Map<String, Double> event = Map.of("x1", 3.0, "x2", 8.0, "x3", 0.5);
      int[] previous = {1, 0};
      float[][] before = {ModelFormat.encode(champion, event, previous)};
      float[][] after = {ModelFormat.encode(candidate, event, previous)};
      assertThat(scores(start.model(), after)).containsExactly(scores(model, before), Offset.offset(1e-5f));
    }
  }

  @Test
  void aCandidateWithOtherLabelLagsStartsFresh() {
    Architecture champion = network(List.of(6), "relu", "none", false);
    Architecture candidate = Architecture.newBuilder(champion).setLabelLags(1).build();
    try (Model model = champion(champion, 7);
        Inherited start = WeightInheritance.inherit("challenger", champion, model, candidate, 42)) {
      assertThat(start.lineage().kind()).isEqualTo(Kind.FRESH);
      assertThat(start.lineage().steps().get(0)).contains("1 label lags, the champion").endsWith("and 0 label lags");
    }
  }

  @Test
  void aCandidateReadingOtherLevelsStartsFresh() {
    Architecture champion = network(List.of(6), "relu", "none", false);
    Architecture candidate = Architecture.newBuilder(champion).setLevelSpan(300)
        .setFeatureLevels(List.of(0.0, 0.0, 0.0)).build();
    try (Model model = champion(champion, 7);
        Inherited start = WeightInheritance.inherit("challenger", champion, model, candidate, 42)) {
      assertThat(start.lineage().kind()).isEqualTo(Kind.FRESH);
      assertThat(start.lineage().steps().get(0)).contains("0 label lags, relative to levels over 300 events, the"
          + " champion").endsWith("and 0 label lags");
    }
  }

  @Test
  void aGrowthNet2NetRefusesFallsBackToShapewiseInheritance() {
    Architecture champion = network(List.of(6, 5), "tanh", "none", false);
    Architecture deeper = Architecture.newBuilder(champion).setHiddenUnits(List.of(6, 6, 5)).build();
    try (Model model = champion(champion, 5);
        Inherited start = WeightInheritance.inherit("challenger", champion, model, deeper, 42)) {
      assertThat(start.lineage().kind()).isEqualTo(Kind.SHAPEWISE);
    }
  }

  @Test
  void theSameSeedInheritsTheSameNetwork() {
    Architecture champion = network(List.of(6, 5), "relu", "batch", false);
    Architecture candidate = Architecture.newBuilder(champion).setHiddenUnits(List.of(12, 5, 5)).build();
    Architecture other = network(List.of(7, 3), "relu", "none", false);
    float[][] rows = rows(5);
    try (Model model = champion(champion, 6);
        Inherited one = WeightInheritance.inherit("one", champion, model, candidate, 9);
        Inherited two = WeightInheritance.inherit("two", champion, model, candidate, 9);
        Inherited three = WeightInheritance.inherit("three", champion, model, other, 9);
        Inherited four = WeightInheritance.inherit("four", champion, model, other, 9)) {
      assertThat(two.lineage()).isEqualTo(one.lineage());
      assertThat(ModelFormat.saveParameters(two.model())).isEqualTo(ModelFormat.saveParameters(one.model()));
      assertThat(ModelFormat.saveParameters(four.model())).isEqualTo(ModelFormat.saveParameters(three.model()));
      assertThat(scores(one.model(), rows)).containsExactly(scores(model, rows), Offset.offset(1e-5f));
    }
  }
}
