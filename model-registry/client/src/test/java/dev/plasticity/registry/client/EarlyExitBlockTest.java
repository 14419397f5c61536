package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.plasticity.schemas.Architecture;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EarlyExitBlockTest {
  private static Architecture architecture(List<Integer> hidden, boolean exits, double confidence) {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1", "x2", "x3"))
        .setFeatureMeans(List.of(0.0, 0.0, 0.0))
        .setFeatureStds(List.of(1.0, 1.0, 1.0))
        .setHiddenUnits(hidden)
        .setNumClasses(3)
        .setEarlyExits(exits)
        .setExitConfidence(confidence)
        .build();
  }

  private static float[][] rows(int n, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[n][3];
    for (float[] row : rows) {
      for (int i = 0; i < 3; i++) {
        row[i] = (float) (random.nextGaussian() * 2);
      }
    }
    return rows;
  }

  /** Scores and active parameters of {@code artifact} loaded with {@code architecture}, in inference mode. */
  private static NDList infer(Architecture architecture, byte[] artifact, float[][] rows, NDManager into) {
    try (Model model = ModelFormat.load("m", architecture, artifact)) {
      NDList out = model.getBlock().forward(new ParameterStore(model.getNDManager(), false),
          new NDList(model.getNDManager().create(rows)), false);
      NDList copied = new NDList();
      for (int i = 0; i < out.size(); i++) {
        copied.add(into.create(out.get(i).toFloatArray(), out.get(i).getShape()));
      }
      return copied;
    }
  }

  private static byte[] randomArtifact(Architecture architecture, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    try (Model model = ModelFormat.newModel("m", architecture)) {
      return ModelFormat.saveParameters(model);
    }
  }

  @Test
  void aNetworkWithoutExitsKeepsTheParameterLayoutOfOlderArtifacts() throws Exception {
    Architecture plain = architecture(List.of(16, 8), false, 1.0);
    Engine.getInstance().setRandomSeed(3);
    SequentialBlock before = new SequentialBlock()
        .add(Linear.builder().setUnits(16).build()).add(Activation.reluBlock())
        .add(Linear.builder().setUnits(8).build()).add(Activation.reluBlock())
        .add(Linear.builder().setUnits(3).build());
    byte[] artifact;
    try (Model model = Model.newInstance("old")) {
      model.setBlock(before);
      before.initialize(model.getNDManager(), DataType.FLOAT32, ModelFormat.inputShape(plain, 1));
      artifact = ModelFormat.saveParameters(model);
    }
    try (Model loaded = ModelFormat.load("m", plain, artifact)) {
      assertThat(loaded.getBlock()).isNotInstanceOf(EarlyExitBlock.class);
    }
    // the same widths with exits are another network: the old artifact does not fit it, nor the reverse
    Architecture exits = architecture(List.of(16, 8), true, 0.9);
    assertThatThrownBy(() -> ModelFormat.load("m", exits, artifact)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ModelFormat.load("m", plain, randomArtifact(exits, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNetworkWithExitsLoadsBackWithIdenticalOutputs() throws Exception {
    Architecture arch = architecture(List.of(16, 8, 8), true, 0.6);
    byte[] artifact = randomArtifact(arch, 7);
    float[][] rows = rows(50, 1);
    try (NDManager manager = NDManager.newBaseManager();
        Model model = ModelFormat.newModel("m", arch)) {
      Engine.getInstance().setRandomSeed(7);
      NDList first = infer(arch, artifact, rows, manager);
      NDList second = infer(arch, artifact, rows, manager);
      assertThat(second.get(0).toFloatArray()).isEqualTo(first.get(0).toFloatArray());
      assertThat(second.get(1).toFloatArray()).isEqualTo(first.get(1).toFloatArray());
      assertThat(ModelFormat.saveParameters(ModelFormat.load("m", arch, artifact))).isEqualTo(artifact);
    }
  }

  @Test
  void aThresholdOfZeroLeavesEveryRowAtTheFirstExitUsingFewerParameters() {
    Architecture arch = architecture(List.of(16, 8, 8), true, 0.0);
    byte[] artifact = randomArtifact(arch, 5);
    float[][] rows = rows(40, 2);
    long[] byExit = EarlyExitBlock.parametersByExit(arch);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDList out = infer(arch, artifact, rows, manager);
      NDList all = everyExit(arch, artifact, rows, manager);
      assertThat(out.get(0).getShape().getShape()).containsExactly(40, 3);
      assertThat(out.get(0).toFloatArray()).isEqualTo(all.get(1).toFloatArray()); // exit 0 follows the output
      assertThat(out.get(1).toFloatArray()).containsOnly((float) byExit[0]);
      assertThat(byExit[0]).isLessThan(byExit[2]);
    }
  }

  @Test
  void aThresholdAboveOneRunsFullDepthAndEqualsTheFullNetworksScores() {
    Architecture arch = architecture(List.of(16, 8, 8), true, 1.5);
    byte[] artifact = randomArtifact(arch, 5);
    float[][] rows = rows(40, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDList out = infer(arch, artifact, rows, manager);
      NDList all = everyExit(arch, artifact, rows, manager);
      assertThat(out.get(0).toFloatArray()).isEqualTo(all.get(0).toFloatArray());
      assertThat(out.get(1).toFloatArray()).containsOnly((float) EarlyExitBlock.parametersByExit(arch)[2]);
    }
  }

  @Test
  void eachRowGetsTheScoresOfTheExitItLeftAt() {
    Architecture full = architecture(List.of(16, 8, 8), true, 1.5);
    byte[] artifact = randomArtifact(full, 9);
    float[][] rows = rows(200, 4);
    try (NDManager manager = NDManager.newBaseManager();
        Model model = ModelFormat.load("m", full, artifact)) {
      ExitConfidences confidences = ((EarlyExitBlock) model.getBlock()).confidences(manager, rows);
      // a threshold between the first exit's lowest and highest confidences splits the rows
      float[] first = new float[rows.length];
      for (int r = 0; r < rows.length; r++) {
        first[r] = confidences.confidence(r, 0);
      }
      float[] sorted = first.clone();
      java.util.Arrays.sort(sorted);
      double threshold = sorted[rows.length / 2];
      Architecture split = architecture(List.of(16, 8, 8), true, threshold);
      NDList out = infer(split, artifact, rows, manager);
      NDList all = everyExit(full, artifact, rows, manager);
      int[] exitAt = confidences.exitAt(threshold);
      long[] byExit = EarlyExitBlock.parametersByExit(split);
      float[] scores = out.get(0).toFloatArray();
      float[] active = out.get(1).toFloatArray();
      float[][] exits = {all.get(1).toFloatArray(), all.get(2).toFloatArray(), all.get(0).toFloatArray()};
      assertThat(java.util.Arrays.stream(exitAt).filter(k -> k == 0).count()).isBetween(1L, 199L);
      for (int r = 0; r < rows.length; r++) {
        for (int c = 0; c < 3; c++) {
          assertThat(scores[r * 3 + c]).isCloseTo(exits[exitAt[r]][r * 3 + c], within(1e-5f));
        }
        assertThat(active[r]).isEqualTo((float) byExit[exitAt[r]]);
      }
      assertThat(confidences.meanLayers(threshold)).isLessThan(3.0);
      assertThat(confidences.meanLayers(0.0)).isEqualTo(1.0);
      assertThat(confidences.exitShares(0.0)).containsExactly(1.0, 0.0, 0.0);
    }
  }

  @Test
  void parametersByExitCountEveryLayerAndHeadARowPasses() {
    Architecture arch = architecture(List.of(4, 5), true, 1.0);
    // layer 0: 3*4+4, exit 0: 4*3+3; layer 1: 4*5+5, output: 5*3+3
    assertThat(EarlyExitBlock.parametersByExit(arch)).containsExactly(16 + 15, 16 + 15 + 25 + 18);
    assertThat(EarlyExitBlock.multiplyAddsByExit(arch)).containsExactly(12 + 12, 12 + 12 + 20 + 15);
    assertThat(EarlyExitBlock.parametersByExit(architecture(List.of(4, 5), false, 1.0))).containsExactly(16 + 25 + 18);
  }

  @Test
  void earlyExitsNeedTwoHiddenLayersAndAConfidenceOfAtLeastZero() {
    assertThatThrownBy(() -> ModelFormat.buildBlock(architecture(List.of(8), true, 0.9)))
        .hasMessageContaining("earlyExits needs at least two hidden layers");
    assertThatThrownBy(() -> ModelFormat.buildBlock(architecture(List.of(8, 8), true, -0.1)))
        .hasMessageContaining("exitConfidence must be a finite number of at least 0");
    assertThat(ModelFormat.describe(architecture(List.of(8, 8), true, 0.9))).contains("early exits at confidence 0.900");
  }

  /** Every exit's scores in training mode: the output layer's first, then exits 0, 1, … */
  private static NDList everyExit(Architecture architecture, byte[] artifact, float[][] rows, NDManager into) {
    try (Model model = ModelFormat.load("m", architecture, artifact)) {
      Block block = model.getBlock();
      NDList out = block.forward(new ParameterStore(model.getNDManager(), false),
          new NDList(model.getNDManager().create(rows)), true);
      assertThat(out).hasSize(((EarlyExitBlock) block).exits());
      NDList copied = new NDList();
      for (int i = 0; i < out.size(); i++) {
        copied.add(into.create(out.get(i).toFloatArray(), out.get(i).getShape()));
      }
      return copied;
    }
  }
}
