package dev.plasticity.registry.client;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A feed-forward network with an early exit after every hidden layer but the last: each exit is a
 * linear head mapping that layer's output to one score per class, and the last hidden layer's head
 * is the network's usual output layer (BranchyNet, Teerapittayanon et al. 2016; trained with deep
 * supervision, Lee et al. 2015, so every exit is usable). {@link ModelFormat#buildBlock} builds it
 * for an architecture with {@code earlyExits}.
 *
 * <p>Exits are numbered 0 (after the first hidden layer) to {@code layers − 1} (the output layer);
 * a row that leaves at exit {@code k} used {@code k + 1} hidden layers.
 *
 * <ul>
 *   <li>In training mode the forward pass runs every row through every layer and returns every
 *       exit's scores: the output layer's first (what a plain network returns), then exits 0, 1, …
 *       so that a loss can supervise all of them.
 *   <li>In inference mode a row leaves at the first exit whose largest softmax probability is at
 *       least {@code exitConfidence}; only the rows still in flight are gathered and run through
 *       the next layer, which is the computation saved. The forward pass returns {@code
 *       NDList(scores, activeParameters)}: {@code [rows, classes]} scores of the exit each row left
 *       at, and float32 {@code [rows]}, the parameters each row used (its hidden layers and every
 *       head it passed through). Consumers read {@code get(0)} as the scores and may read the
 *       second array.
 * </ul>
 *
 * <p>The scores are gathered with the engine's indexing, so a gradient flows through them in
 * either mode. Not thread-safe in the sense of DJL blocks: share it through a parameter store per
 * thread, as every block.
 */
public final class EarlyExitBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final List<Block> layers;
  private final List<Block> heads;
  private final int numClasses;
  private final float exitConfidence;
  private final long[] parametersByExit;
  private final float[] activeParameters;

  /**
   * @param layers the hidden layers, input side first (at least two)
   * @param heads one head per hidden layer, the last being the output layer
   */
  EarlyExitBlock(List<Block> layers, List<Block> heads, Architecture architecture) {
    super(VERSION);
    if (layers.size() < 2 || heads.size() != layers.size()) {
      throw new IllegalArgumentException("an early-exit network needs at least two hidden layers and one head per"
          + " layer; had " + layers.size() + " layers and " + heads.size() + " heads");
    }
    this.layers = new ArrayList<>();
    this.heads = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      this.layers.add(addChildBlock("layer" + i, layers.get(i)));
      this.heads.add(addChildBlock(i == layers.size() - 1 ? "output" : "exit" + i, heads.get(i)));
    }
    this.numClasses = architecture.getNumClasses();
    this.exitConfidence = (float) architecture.getExitConfidence();
    this.parametersByExit = parametersByExit(architecture);
    this.activeParameters = new float[parametersByExit.length];
    for (int k = 0; k < parametersByExit.length; k++) {
      activeParameters[k] = parametersByExit[k];
    }
  }

  /** How many exits the network has, the output layer included: one per hidden layer. */
  public int exits() {
    return layers.size();
  }

  @Override
  protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    if (training) {
      NDList all = everyExit(parameterStore, x, true, params);
      NDList out = new NDList(all.get(all.size() - 1));
      out.addAll(all.subNDList(0, all.size() - 1));
      return out;
    }
    return leaveEarly(parameterStore, x, params);
  }

  /** Every exit's scores for every row, exit 0 first, the output layer last. */
  private NDList everyExit(ParameterStore parameterStore, NDArray x, boolean training, PairList<String, Object> params) {
    NDList exits = new NDList();
    NDArray hidden = x;
    for (int i = 0; i < layers.size(); i++) {
      hidden = layers.get(i).forward(parameterStore, new NDList(hidden), training, params).singletonOrThrow();
      exits.add(heads.get(i).forward(parameterStore, new NDList(hidden), training, params).singletonOrThrow());
    }
    return exits;
  }

  private NDList leaveEarly(ParameterStore parameterStore, NDArray x, PairList<String, Object> params) {
    NDManager manager = x.getManager();
    int rows = Math.toIntExact(x.getShape().get(0));
    float[] active = new float[rows];
    if (rows == 0) {
      NDList all = everyExit(parameterStore, x, false, params);
      return new NDList(all.get(all.size() - 1), manager.create(active));
    }
    int[] inFlight = new int[rows]; // the original row of each row still in flight
    Arrays.setAll(inFlight, r -> r);
    NDList leaving = new NDList(); // the scores of the rows that left, exit by exit
    long[] order = new long[rows]; // the original row of each row of the concatenated scores
    int placed = 0;
    NDArray hidden = x;
    for (int k = 0; k < layers.size(); k++) {
      hidden = layers.get(k).forward(parameterStore, new NDList(hidden), false, params).singletonOrThrow();
      NDArray scores = heads.get(k).forward(parameterStore, new NDList(hidden), false, params).singletonOrThrow();
      if (k == layers.size() - 1) {
        leaving.add(scores);
        for (int row : inFlight) {
          order[placed++] = row;
          active[row] = activeParameters[k];
        }
        break;
      }
      float[] confidence = maxProbabilities(scores.toFloatArray(), numClasses);
      int leave = 0;
      for (float c : confidence) {
        if (c >= exitConfidence) {
          leave++;
        }
      }
      if (leave == 0) {
        continue;
      }
      long[] leaves = new long[leave];
      long[] stays = new long[inFlight.length - leave];
      int[] stillInFlight = new int[stays.length];
      for (int i = 0, l = 0, s = 0; i < inFlight.length; i++) {
        if (confidence[i] >= exitConfidence) {
          leaves[l++] = i;
          order[placed++] = inFlight[i];
          active[inFlight[i]] = activeParameters[k];
        } else {
          stillInFlight[s] = inFlight[i];
          stays[s++] = i;
        }
      }
      leaving.add(stays.length == 0 ? scores : scores.get(manager.create(leaves)));
      if (stays.length == 0) {
        break;
      }
      hidden = hidden.get(manager.create(stays));
      inFlight = stillInFlight;
    }
    NDArray concatenated = leaving.size() == 1 ? leaving.get(0) : NDArrays.concat(leaving, 0);
    long[] position = new long[rows]; // where each original row's scores are in the concatenation
    for (int i = 0; i < rows; i++) {
      position[(int) order[i]] = i;
    }
    return new NDList(concatenated.get(manager.create(position)), manager.create(active));
  }

  /** The largest softmax probability of each row of row-major {@code scores}. */
  static float[] maxProbabilities(float[] scores, int classes) {
    float[] out = new float[scores.length / classes];
    for (int r = 0; r < out.length; r++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, scores[r * classes + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(scores[r * classes + c] - max);
      }
      out[r] = (float) (1.0 / sum);
    }
    return out;
  }

  /**
   * Every exit's confidence (largest softmax probability) and predicted class for each of {@code
   * rows}, computed at full depth in inference mode: what calibration and per-row exit statistics
   * need, for any threshold, from one pass.
   */
  public ExitConfidences confidences(NDManager manager, float[][] rows) {
    int exits = exits();
    float[][] confidence = new float[rows.length][exits];
    int[][] predicted = new int[rows.length][exits];
    if (rows.length > 0) {
      try (NDManager scope = manager.newSubManager()) {
        NDList all = everyExit(new ParameterStore(scope, false), scope.create(rows), false, null);
        for (int k = 0; k < exits; k++) {
          float[] scores = all.get(k).toFloatArray();
          float[] max = maxProbabilities(scores, numClasses);
          for (int r = 0; r < rows.length; r++) {
            confidence[r][k] = max[r];
            predicted[r][k] = argmax(scores, r * numClasses, numClasses);
          }
        }
      }
    }
    return new ExitConfidences(confidence, predicted, parametersByExit);
  }

  private static int argmax(float[] values, int from, int length) {
    int best = 0;
    for (int c = 1; c < length; c++) {
      if (values[from + c] > values[from + best]) {
        best = c;
      }
    }
    return best;
  }

  /**
   * The trainable parameters a row that leaves at exit {@code k} used, for every {@code k}: the
   * weights, biases and normalisation scales and shifts of hidden layers {@code 0..k} and of every
   * head it passed ({@code 0..k}, the output layer for the last exit). The last entry is every
   * parameter of the network. Computed from the descriptor alone; for an architecture without
   * early exits, one entry: the network's parameters.
   */
  public static long[] parametersByExit(Architecture architecture) {
    return costByExit(architecture, true);
  }

  /**
   * The multiply–adds of one row that leaves at exit {@code k}, for every {@code k}: inputs ×
   * outputs of every linear layer it passed, its heads included; as {@link #parametersByExit}.
   */
  public static long[] multiplyAddsByExit(Architecture architecture) {
    return costByExit(architecture, false);
  }

  private static long[] costByExit(Architecture architecture, boolean parameters) {
    List<Integer> widths = architecture.getHiddenUnits();
    boolean normalised = !"none".equals(architecture.getNormalization());
    int classes = architecture.getNumClasses();
    long in = InputLayout.of(architecture).width();
    long layers = 0;
    long heads = 0;
    boolean exits = architecture.getEarlyExits();
    long[] out = new long[exits ? widths.size() : 1];
    for (int i = 0; i < widths.size(); i++) {
      long width = widths.get(i);
      layers += in * width + (parameters ? width + (normalised ? 2 * width : 0) : 0);
      in = width;
      if (exits || i == widths.size() - 1) {
        heads += in * classes + (parameters ? classes : 0);
        out[exits ? i : 0] = layers + heads;
      }
    }
    if (widths.isEmpty()) {
      out[0] = in * classes + (parameters ? classes : 0);
    }
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long rows = inputShapes[0].get(0);
    return new Shape[] {new Shape(rows, numClasses), new Shape(rows)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape[] shapes = inputShapes;
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).initialize(manager, dataType, shapes);
      shapes = layers.get(i).getOutputShapes(shapes);
      heads.get(i).initialize(manager, dataType, shapes);
    }
  }
}
