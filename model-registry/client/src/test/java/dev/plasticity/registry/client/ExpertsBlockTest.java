package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.Expert;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpertsBlockTest {
  private static Architecture experts(int topK, List<List<Integer>> widths) {
    return Architecture.newBuilder()
        .setFamily("experts")
        .setInputFeatures(List.of("x1", "x2", "x3"))
        .setFeatureMeans(List.of(0.0, 0.0, 0.0))
        .setFeatureStds(List.of(1.0, 1.0, 1.0))
        .setHiddenUnits(List.of())
        .setNumClasses(2)
        .setExperts(widths.stream().map(w -> Expert.newBuilder().setHiddenUnits(w).build()).toList())
        .setTopK(topK)
        .build();
  }

  private static float[][] rows(int n, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[n][3];
    for (float[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) (random.nextGaussian() * 3);
      }
    }
    return rows;
  }

  /** The inference forward of {@code model} on {@code rows}: scores and per-row active parameters. */
  private static float[][] forward(Model model, float[][] rows) {
    try (NDManager batch = model.getNDManager().newSubManager()) {
      NDList out = model.getBlock().forward(new ParameterStore(batch, false), new NDList(batch.create(rows)), false);
      return new float[][] {out.get(0).toFloatArray(), out.get(1).toFloatArray()};
    }
  }

  private static float[] gateScores(Model model, float[][] rows) {
    ExpertsBlock block = (ExpertsBlock) model.getBlock();
    try (NDManager batch = model.getNDManager().newSubManager()) {
      return block.gate().forward(new ParameterStore(batch, false), new NDList(batch.create(rows)), false)
          .get(0).toFloatArray();
    }
  }

  @Test
  void describesItsExpertsTopKAndGate() {
    assertThat(ModelFormat.describe(experts(1, List.of(List.of(32), List.of(32), List.of(32)))))
        .isEqualTo("experts 3 x [32] relu, top-1, gate [] -> 2");
    assertThat(ModelFormat.describe(experts(2, List.of(List.of(32), List.of(16)))))
        .isEqualTo("experts [32], [16] relu, top-2, gate [] -> 2");
  }

  @Test
  void eachRowUsesTheGateAndOnlyItsTopKExpertsParameters() {
    ModelFormat.engine().setRandomSeed(3);
    Architecture architecture = experts(1, List.of(List.of(8), List.of(16), List.of(4, 4)));
    float[][] rows = rows(64, 1);
    try (Model model = ModelFormat.newModel("m", architecture)) {
      ExpertsBlock block = (ExpertsBlock) model.getBlock();
      long gate = 3 * 3 + 3;
      long[] expert = {3 * 8 + 8 + 8 * 2 + 2, 3 * 16 + 16 + 16 * 2 + 2, 3 * 4 + 4 + 4 * 4 + 4 + 4 * 2 + 2};
      assertThat(block.gateParameters()).isEqualTo(gate);
      for (int e = 0; e < 3; e++) {
        assertThat(block.expertParameters(e)).isEqualTo(expert[e]);
      }
      float[][] out = forward(model, rows);
      float[] gateScores = gateScores(model, rows);
      int[] routed = new int[3];
      for (int r = 0; r < rows.length; r++) {
        int chosen = ClassProbabilities.argmax(java.util.Arrays.copyOfRange(gateScores, r * 3, r * 3 + 3));
        routed[chosen]++;
        assertThat((long) out[1][r]).isEqualTo(gate + expert[chosen]);
      }
      assertThat(routed).as("rows routed to each expert").satisfies(counts -> assertThat(
          java.util.Arrays.stream(counts).filter(c -> c > 0).count()).isGreaterThan(1));
    }
  }

  @Test
  void aTopOneRowGetsItsExpertsProbabilitiesUnchanged() throws Exception {
    ModelFormat.engine().setRandomSeed(5);
    Architecture architecture = experts(1, List.of(List.of(8), List.of(8)));
    float[][] rows = rows(32, 2);
    try (Model model = ModelFormat.newModel("m", architecture)) {
      ExpertsBlock block = (ExpertsBlock) model.getBlock();
      float[] gateScores = gateScores(model, rows);
      float[][] mixed;
      try (Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
        mixed = predictor.predict(rows);
      }
      for (int e = 0; e < 2; e++) {
        // the expert on its own, as the mlp it is built as
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        block.expert(e).saveParameters(new DataOutputStream(bytes));
        try (Model alone = ModelFormat.load("e", ModelFormat.expertNetwork(architecture, e), bytes.toByteArray());
            Predictor<float[][], float[][]> predictor = alone.newPredictor(new ClassProbabilities())) {
          float[][] own = predictor.predict(rows);
          for (int r = 0; r < rows.length; r++) {
            if (ClassProbabilities.argmax(new float[] {gateScores[2 * r], gateScores[2 * r + 1]}) == e) {
              assertThat(mixed[r][0]).isCloseTo(own[r][0], within(1e-5f));
              assertThat(mixed[r][1]).isCloseTo(own[r][1], within(1e-5f));
            }
          }
        }
      }
    }
  }

  @Test
  void topTwoOfTwoMixesBothExpertsByTheGatesSoftmax() {
    ModelFormat.engine().setRandomSeed(9);
    Architecture architecture = experts(2, List.of(List.of(8), List.of(4)));
    float[][] rows = rows(16, 3);
    try (Model model = ModelFormat.newModel("m", architecture)) {
      float[][] inference = forward(model, rows);
      float[] training;
      try (NDManager batch = model.getNDManager().newSubManager()) {
        // training mode runs every expert on every row with the gate's full softmax: the same mixture when k = K
        training = model.getBlock().forward(new ParameterStore(batch, false), new NDList(batch.create(rows)), true)
            .get(0).toFloatArray();
      }
      for (int i = 0; i < training.length; i++) {
        assertThat(inference[0][i]).isCloseTo(training[i], within(1e-4f));
      }
      ExpertsBlock block = (ExpertsBlock) model.getBlock();
      assertThat(inference[1][0]).isEqualTo(
          (float) (block.gateParameters() + block.expertParameters(0) + block.expertParameters(1)));
    }
  }

  @Test
  void aSavedExpertsModelLoadsBackWithIdenticalOutputs() {
    ModelFormat.engine().setRandomSeed(11);
    Architecture architecture = experts(1, List.of(List.of(8), List.of(8), List.of(6)));
    float[][] rows = rows(40, 4);
    byte[] artifact;
    float[][] before;
    try (Model model = ModelFormat.newModel("m", architecture)) {
      before = forward(model, rows);
      artifact = ModelFormat.saveParameters(model);
    }
    try (Model loaded = ModelFormat.load("m", architecture, artifact)) {
      assertThat(forward(loaded, rows)).isDeepEqualTo(before);
    }
    assertThatThrownBy(() -> ModelFormat.load("m", experts(1, List.of(List.of(8), List.of(8))), artifact))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
  }

  @Test
  void anMlpArtifactLoadsIntoAnExpertUnchanged() throws Exception {
    ModelFormat.engine().setRandomSeed(13);
    Architecture architecture = experts(1, List.of(List.of(8)));
    Architecture mlp = ModelFormat.expertNetwork(architecture, 0);
    float[][] rows = rows(8, 5);
    byte[] artifact;
    float[][] own;
    try (Model model = ModelFormat.newModel("mlp", mlp);
        Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
      artifact = ModelFormat.saveParameters(model);
      own = predictor.predict(rows);
    }
    try (Model model = ModelFormat.newModel("m", architecture);
        Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
      ((ExpertsBlock) model.getBlock()).expert(0).loadParameters(model.getNDManager(),
          new DataInputStream(new ByteArrayInputStream(artifact)));
      float[][] mixed = predictor.predict(rows); // one expert, top-1: the mlp itself
      for (int r = 0; r < rows.length; r++) {
        assertThat(mixed[r][0]).isCloseTo(own[r][0], within(1e-6f));
        assertThat(mixed[r][1]).isCloseTo(own[r][1], within(1e-6f));
      }
    }
  }

  @Test
  void invalidExpertsArchitecturesNameTheRule() {
    assertThatThrownBy(() -> ModelFormat.buildBlock(experts(1, List.of())))
        .hasMessageContaining("at least 1 expert");
    assertThatThrownBy(() -> ModelFormat.buildBlock(experts(0, List.of(List.of(8)))))
        .hasMessageContaining("topK must be from 1 to its number of experts (1), was 0");
    assertThatThrownBy(() -> ModelFormat.buildBlock(experts(3, List.of(List.of(8), List.of(8)))))
        .hasMessageContaining("topK must be from 1 to its number of experts (2), was 3");
    assertThatThrownBy(() -> ModelFormat.buildBlock(experts(1, List.of(List.of(8), List.of(0)))))
        .hasMessageContaining("expert 1's hidden layer widths must be positive");
    Architecture mlpWithExperts = Architecture.newBuilder(experts(1, List.of(List.of(8)))).setFamily("mlp").build();
    assertThatThrownBy(() -> ModelFormat.buildBlock(mlpWithExperts))
        .hasMessageContaining("an mlp has no experts and a topK of 0");
    Architecture unknown = Architecture.newBuilder(experts(1, List.of(List.of(8)))).setFamily("tree").build();
    assertThatThrownBy(() -> ModelFormat.buildBlock(unknown))
        .hasMessageContaining("unsupported network family 'tree'; supported: [mlp, experts]");
  }
}
