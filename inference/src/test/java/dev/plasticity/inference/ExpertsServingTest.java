package dev.plasticity.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.plasticity.registry.client.ExpertsBlock;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.Expert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpertsServingTest {
  private static Architecture experts() {
    return Architecture.newBuilder(TestModels.architecture())
        .setFamily("experts")
        .setHiddenUnits(List.of())
        .setExperts(List.of(Expert.newBuilder().setHiddenUnits(List.of(16)).build(),
            Expert.newBuilder().setHiddenUnits(List.of(4)).build(),
            Expert.newBuilder().setHiddenUnits(List.of(8, 8)).build()))
        .setTopK(1)
        .build();
  }

  private static List<Map<String, Double>> events(int n) {
    Random random = new Random(17);
    List<Map<String, Double>> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(TestModels.event(random.nextDouble() * 30 - 10, random.nextDouble() * 30 - 10,
          random.nextDouble() * 30 - 10));
    }
    return events;
  }

  @Test
  void servesAnExpertsVersionAndReportsTheParametersEachRowUsed() {
    ModelFormat.engine().setRandomSeed(21);
    Architecture architecture = experts();
    Model network = ModelFormat.newModel("experts-v1", architecture);
    List<Map<String, Double>> events = events(200);
    // what each row should cost: the gate and the one expert its gate score puts first
    ExpertsBlock block = (ExpertsBlock) network.getBlock();
    double expected = 0;
    try (NDManager scratch = network.getNDManager().newSubManager()) {
      float[][] rows = events.stream().map(e -> ModelFormat.encode(architecture, e)).toArray(float[][]::new);
      float[] gate = block.gate().forward(new ParameterStore(scratch, false), new NDList(scratch.create(rows)), false)
          .get(0).toFloatArray();
      for (int r = 0; r < rows.length; r++) {
        int best = 0;
        for (int e = 1; e < 3; e++) {
          best = gate[r * 3 + e] > gate[r * 3 + best] ? e : best;
        }
        expected += block.gateParameters() + block.expertParameters(best);
      }
    }
    expected /= events.size();
    long all = block.gateParameters() + block.expertParameters(0) + block.expertParameters(1)
        + block.expertParameters(2);
    try (HotSwapPredictor predictor = new HotSwapPredictor("experts")) {
      ServingModel serving = new ServingModel("experts", 1, architecture, network, 2);
      serving.warmUp(2);
      predictor.swap(serving);
      assertThat(predictor.activeParametersPerRow()).as("nothing predicted yet").isEmpty();
      List<Prediction> predictions = predictor.predictBatch(events);
      assertThat(predictions).hasSize(200).allSatisfy(p -> {
        assertThat(p.activeParameters()).isPresent();
        assertThat(p.modelVersion()).isEqualTo(1);
        assertThat(p.probabilities()[0] + p.probabilities()[1]).isCloseTo(1f, within(1e-5f));
      });
      assertThat(predictor.activeParametersPerRow()).hasValueCloseTo(expected, within(1e-6));
      assertThat(predictor.activeParametersPerRow().getAsDouble()).isLessThan(all);
    }
  }

  @Test
  void anMlpVersionReportsNoActiveParameters() {
    try (HotSwapPredictor predictor = new HotSwapPredictor("m")) {
      predictor.swap(TestModels.serving("m", 1));
      assertThat(predictor.predict(TestModels.event(1, 2, 3)).activeParameters()).isEmpty();
      assertThat(predictor.activeParametersPerRow()).isEmpty();
    }
  }
}
