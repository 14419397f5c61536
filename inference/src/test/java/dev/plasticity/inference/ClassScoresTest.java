package dev.plasticity.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import dev.plasticity.registry.client.ClassProbabilities;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassScoresTest {
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
  void aBatchsProbabilitiesAgreeWithTheEnginesSoftmaxOfTheRowByRowTranslator() throws Exception {
    Architecture arch = architecture();
    List<Map<String, Double>> events = events(9, 40);
    int[] recentLabels = {1};
    float[][] rows = new float[events.size()][];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = ModelFormat.encode(arch, events.get(r), recentLabels);
    }
    Engine.getInstance().setRandomSeed(5);
    byte[] artifact;
    try (Model model = ModelFormat.newModel("m", arch)) {
      artifact = ModelFormat.saveParameters(model);
    }
    ServingModel serving = new ServingModel("m", 1, arch, ModelFormat.load("m", arch, artifact), 1);
    try (Model model = ModelFormat.load("m", arch, artifact);
        Predictor<float[][], float[][]> byRow = model.newPredictor(new ClassProbabilities())) {
      float[][] expected = byRow.predict(rows);

      List<Prediction> batch = serving.predict(events, recentLabels, null);

      assertThat(batch).hasSize(rows.length);
      for (int r = 0; r < rows.length; r++) {
        assertThat(batch.get(r).probabilities()).containsExactly(expected[r], within(2e-7f));
        assertThat(batch.get(r).label()).isEqualTo(ClassProbabilities.argmax(expected[r]));
      }
    } finally {
      serving.retire();
    }
  }

  @Test
  void softmaxOfExtremeScoresStaysFiniteAndSumsToOne() {
    float[] scores = {1000f, -1000f, 0f, 3f, 3f, 3f, -80f, -81f, -82f};

    assertThat(ClassScores.probabilities(scores, 0, 3)).containsExactly(1f, 0f, 0f);
    assertThat(ClassScores.probabilities(scores, 3, 3)).containsExactly(1f / 3, 1f / 3, 1f / 3);
    float[] low = ClassScores.probabilities(scores, 6, 3);
    assertThat(low[0] + low[1] + low[2]).isCloseTo(1f, within(1e-6f));
    assertThat(low[0]).isGreaterThan(low[1]);
  }

  @Test
  void theLabelIsTheFirstLargestProbabilityEvenWhenScoresAlmostTieOrAreNotNumbers() {
    Random random = new Random(3);
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      float top = (float) (random.nextGaussian() * (i % 2 == 0 ? 1e-3 : 20));
      float[] row = {top, Math.nextUp(top), top + (float) (random.nextGaussian() * 1e-3)};
      if (i % 3 == 0) {
        row[1] = top; // an exact tie
      }
      rows.add(row);
    }
    rows.add(new float[] {Float.NaN, 1f, 2f});
    rows.add(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY});
    rows.add(new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, 0f});
    rows.add(new float[] {1e-45f, 0f, 2e-45f});
    int roundedToATie = 0;
    for (float[] row : rows) {
      int exact = ClassScores.argmax(ClassScores.probabilities(row, 0, 3));

      assertThat(ClassScores.label(row, 0, 3)).as("label of %s", Arrays.toString(row)).isEqualTo(exact);
      roundedToATie += exact != ClassScores.argmax(row) ? 1 : 0;
    }
    assertThat(roundedToATie).as("rows whose top score is not their first largest probability").isPositive();
  }

  @Test
  void aClearTopScoreIsTheLabelOfARowInsideABatch() {
    float[] scores = {0f, 5f, -2f, 9f, 1f, 1f, 7f, 7.5f, 7.5f};

    assertThat(ClassScores.label(scores, 0, 3)).isEqualTo(1);
    assertThat(ClassScores.label(scores, 3, 3)).isZero();
    assertThat(ClassScores.label(scores, 6, 3)).as("the first of two equal top scores").isEqualTo(1);
  }
}
