package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.CategoricalFeature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CategoricalInputsTest {
  private static Architecture architecture(int labelLags) {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x", "y"))
        .setFeatureMeans(List.of(1.0, -2.0))
        .setFeatureStds(List.of(2.0, 0.5))
        .setHiddenUnits(List.of(8))
        .setNumClasses(3)
        .setLabelLags(labelLags)
        .setCategoricalFeatures(List.of(
            new CategoricalFeature("colour", List.of("red", "green", "blue")),
            new CategoricalFeature("shape", List.of("round"))))
        .build();
  }

  @Test
  void eachCategoricalFeatureIsOneHotAfterTheNumericInputsWithAnUnknownColumnLast() {
    Architecture a = architecture(0);

    float[] green = ModelFormat.encode(a, Map.of("x", 3.0, "y", -1.0), Map.of("colour", "green", "shape", "round"));
    float[] unseen = ModelFormat.encode(a, Map.of("x", 3.0, "y", -1.0), Map.of("colour", "purple"));

    // x, y | red green blue unknown | round unknown
    assertThat(green).containsExactly(1f, 2f, 0f, 1f, 0f, 0f, 1f, 0f);
    assertThat(unseen).containsExactly(1f, 2f, 0f, 0f, 0f, 1f, 0f, 1f);
    assertThat(InputLayout.of(a).width()).isEqualTo(8);
    assertThat(ModelFormat.encode(a, Map.of("x", 3.0, "y", -1.0)))
        .as("an event without categorical features reads every one as unknown").isEqualTo(
            ModelFormat.encode(a, Map.of("x", 3.0, "y", -1.0), Map.of()));
  }

  @Test
  void labelLagsComeAfterTheCategoricalColumns() {
    Architecture a = architecture(2);

    float[] row = ModelFormat.encode(a, Map.of("x", 1.0, "y", -2.0), Map.of("colour", "blue", "shape", "round"),
        new int[] {2, 0}, null);

    // x, y | red green blue unknown | round unknown | lag 1: 0 0 1 | lag 2: 1 0 0
    assertThat(row).containsExactly(0f, 0f, 0f, 0f, 1f, 0f, 1f, 0f, 0f, 0f, 1f, 1f, 0f, 0f);
    assertThat(InputLayout.of(a).lagsStart()).isEqualTo(8);
  }

  @Test
  void aBatchOfMapsEncodesEveryRowAsTheSingleRowEncodingAndColumnsReadCategoriesAsUnknown() {
    Architecture a = architecture(1);
    InputEncoder encoder = InputEncoder.of(a);
    Random random = new Random(7);
    List<String> colours = List.of("red", "green", "blue", "pink");
    List<Map<String, Double>> numeric = new ArrayList<>();
    List<Map<String, String>> categorical = new ArrayList<>();
    for (int r = 0; r < 20; r++) {
      numeric.add(Map.of("x", random.nextGaussian(), "y", random.nextGaussian()));
      Map<String, String> c = new HashMap<>();
      if (r % 3 != 0) {
        c.put("colour", colours.get(random.nextInt(colours.size())));
      }
      if (r % 2 == 0) {
        c.put("shape", "round");
      }
      categorical.add(c);
    }
    int[] labels = {1};

    float[] batch = encoder.encode(numeric, categorical, labels, null);
    float[] columns = encoder.encode(FeatureColumns.of(List.of("x", "y"),
        numeric.stream().mapToDouble(m -> m.get("x")).toArray(), numeric.stream().mapToDouble(m -> m.get("y")).toArray()),
        labels, null);
    float[] maps = encoder.encode(numeric, labels, null);

    int width = encoder.width();
    for (int r = 0; r < numeric.size(); r++) {
      float[] row = java.util.Arrays.copyOfRange(batch, r * width, (r + 1) * width);
      assertThat(row).isEqualTo(ModelFormat.encode(a, numeric.get(r), categorical.get(r), labels, null));
      float[] unknown = ModelFormat.encode(a, numeric.get(r), Map.of(), labels, null);
      assertThat(java.util.Arrays.copyOfRange(columns, r * width, (r + 1) * width)).isEqualTo(unknown);
      assertThat(java.util.Arrays.copyOfRange(maps, r * width, (r + 1) * width)).isEqualTo(unknown);
    }
    assertThatThrownBy(() -> encoder.encode(numeric, categorical.subList(0, 3), labels, null))
        .hasMessageContaining("one categorical map per event: 20 events, 3 maps");
  }

  @Test
  void aNetworkBuiltForCategoricalFeaturesTakesTheirEncodedRows() throws Exception {
    Architecture a = architecture(0);
    try (Model model = ModelFormat.newModel("categorical", a);
        Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
      float[][] out = predictor.predict(new float[][] {
          ModelFormat.encode(a, Map.of("x", 0.0, "y", 0.0), Map.of("colour", "red"))});
      assertThat(out[0]).hasSize(3);
    }
  }

  @Test
  void repeatedNamesOrValuesAndNamesOfNumericFeaturesAreRefusedNamingTheRule() {
    Architecture twice = Architecture.newBuilder(architecture(0)).setCategoricalFeatures(List.of(
        new CategoricalFeature("colour", List.of("red")), new CategoricalFeature("colour", List.of("blue")))).build();
    Architecture clash = Architecture.newBuilder(architecture(0))
        .setCategoricalFeatures(List.of(new CategoricalFeature("x", List.of("a")))).build();
    Architecture repeated = Architecture.newBuilder(architecture(0))
        .setCategoricalFeatures(List.of(new CategoricalFeature("colour", List.of("red", "red")))).build();

    assertThatThrownBy(() -> ModelFormat.buildBlock(twice)).hasMessageContaining("name 'colour' twice");
    assertThatThrownBy(() -> InputEncoder.of(clash))
        .hasMessageContaining("'x' is both a numeric input feature and a categorical one");
    assertThatThrownBy(() -> ModelFormat.encode(repeated, Map.of("x", 0.0, "y", 0.0), Map.of()))
        .hasMessageContaining("holds 'red' twice");
  }

  @Test
  void categoricalFeaturesTravelThroughTheRegistryJson() throws Exception {
    Architecture a = architecture(1);
    String json = RegistryJson.mapper().writeValueAsString(a);

    assertThat(json).contains("\"categoricalFeatures\":[{\"name\":\"colour\",\"vocabulary\":[\"red\",\"green\",\"blue\"]}");
    assertThat(RegistryJson.mapper().readValue(json, Architecture.class)).isEqualTo(a);
    String before = "{\"inputFeatures\":[\"x1\"],\"featureMeans\":[0.0],\"featureStds\":[1.0],"
        + "\"hiddenUnits\":[8],\"numClasses\":2}";
    assertThat(RegistryJson.mapper().readValue(before, Architecture.class).getCategoricalFeatures()).isEmpty();
  }
}
