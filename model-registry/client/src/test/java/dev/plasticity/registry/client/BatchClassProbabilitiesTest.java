package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchClassProbabilitiesTest {
  private static Architecture architecture() {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("a", "b", "c"))
        .setFeatureMeans(List.of(0.0, 1.0, -1.0))
        .setFeatureStds(List.of(1.0, 2.0, 0.5))
        .setHiddenUnits(List.of(8))
        .setNumClasses(3)
        .setLabelLags(2)
        .build();
  }

  private static List<Map<String, Double>> events(long seed, int n) {
    Random random = new Random(seed);
    List<Map<String, Double>> events = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      Map<String, Double> event = new HashMap<>();
      for (String name : List.of("a", "b", "c")) {
        event.put(name, random.nextGaussian() * 3);
      }
      events.add(event);
    }
    return events;
  }

  @Test
  void batchProbabilitiesAgreeWithTheEnginesSoftmaxOfTheRowByRowTranslator() throws Exception {
    Architecture arch = architecture();
    InputEncoder encoder = InputEncoder.of(arch);
    List<Map<String, Double>> events = events(9, 40);
    int[] recentLabels = {1};
    float[][] rows = new float[events.size()][];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = ModelFormat.encode(arch, events.get(r), recentLabels);
    }
    Engine.getInstance().setRandomSeed(5);
    try (Model model = ModelFormat.newModel("m", arch);
        Predictor<float[][], float[][]> byRow = model.newPredictor(new ClassProbabilities());
        Predictor<float[], float[]> batched = model.newPredictor(new BatchClassProbabilities(encoder.width()))) {
      float[][] expected = byRow.predict(rows);

      float[] flat = batched.predict(encoder.encode(events, recentLabels, null));

      assertThat(flat).hasSize(rows.length * 3);
      for (int r = 0; r < rows.length; r++) {
        assertThat(Arrays.copyOfRange(flat, r * 3, r * 3 + 3)).containsExactly(expected[r], within(2e-7f));
        assertThat(BatchClassProbabilities.argmax(flat, r * 3, 3)).isEqualTo(ClassProbabilities.argmax(expected[r]));
      }
    }
  }

  @Test
  void softmaxOfExtremeScoresStaysFiniteAndSumsToOne() {
    float[] scores = {1000f, -1000f, 0f, 3f, 3f, 3f, -80f, -81f, -82f};

    BatchClassProbabilities.softmaxRows(scores, 3);

    assertThat(Arrays.copyOfRange(scores, 0, 3)).containsExactly(1f, 0f, 0f);
    assertThat(Arrays.copyOfRange(scores, 3, 6)).containsExactly(1f / 3, 1f / 3, 1f / 3);
    assertThat(scores[6] + scores[7] + scores[8]).isCloseTo(1f, within(1e-6f));
    assertThat(scores[6]).isGreaterThan(scores[7]);
  }

  @Test
  void aBufferThatIsNotAWholeNumberOfRowsIsRefused() {
    BatchClassProbabilities translator = new BatchClassProbabilities(4);

    assertThatThrownBy(() -> translator.processInput(null, new float[6]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a batch of rows 4 wide holds a multiple of 4 values, had 6");
    assertThatThrownBy(() -> new BatchClassProbabilities(0)).hasMessageContaining("at least one column");
  }
}
