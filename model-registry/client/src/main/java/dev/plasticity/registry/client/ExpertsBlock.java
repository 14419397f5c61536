package dev.plasticity.registry.client;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The network of an {@code experts} architecture: a gate and K expert networks over the same
 * encoded input, a sparsely-gated mixture of experts (Shazeer et al. 2017, "Outrageously Large
 * Neural Networks"). The gate maps a row to one score per expert; each expert is a feed-forward
 * network from the row to class scores, built exactly as an {@code mlp} of its widths is, so an
 * mlp's artifact loads into an expert unchanged ({@link #expert(int)}) and an expert saves as one.
 *
 * <p><b>Output.</b> The scores are the log of the gate-weighted mixture of the chosen experts'
 * class probabilities, {@code log Σ_e g_e softmax(expert_e(x))}, not the gate-weighted logits: the
 * softmax of these scores is then exactly the mixture, so a row routed wholly to one expert gets
 * that expert's probabilities unchanged. A frozen old expert keeps predicting its concept as it
 * did, which is what {@code grow-expert} relies on; mixing logits would let a confident expert's
 * scale dominate the mix and would make the output of a row split between two experts depend on
 * how large each expert's logits happen to be.
 *
 * <p><b>Inference</b> ({@code training} false): the gate's softmax picks each row's {@code topK}
 * experts, their weights renormalised to sum to 1; each expert is run only on the rows routed to
 * it (gathered by index, forwarded, scattered back), so a row costs the gate and its k
 * experts. The forward returns {@code NDList(scores, activeParameters)}: scores {@code [rows,
 * classes]}, and float32 {@code [rows]}, the parameters each row used (gate plus its chosen
 * experts). Consumers take {@code get(0)} as the scores and the optional second array as the
 * per-row active parameters.
 *
 * <p><b>Training</b> ({@code training} true): every expert runs on every row and the mixture
 * uses the gate's full softmax, so gradients reach every gate output. With top-1 a renormalised
 * top-k mask would weigh the chosen expert by a constant 1 and give the gate no gradient at all;
 * the dense mixture trains the gate to put its weight on the expert that predicts a row best, and
 * inference then keeps the largest weights. The training forward returns the scores alone.
 *
 * <p>Parameters are saved as the gate's, then each expert's in order. Not thread-safe while it
 * initialises; its forward is as thread-safe as DJL's blocks (one parameter store per thread).
 */
public final class ExpertsBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Block gate;
  private final List<Block> experts;
  private final int topK;
  private final int classes;

  /**
   * @param gate the network from the input to one score per expert
   * @param experts the experts, each from the input to {@code classes} scores
   * @param topK how many experts compute each row at inference, 1 to the number of experts
   */
  ExpertsBlock(Block gate, List<Block> experts, int topK, int classes) {
    super(VERSION);
    if (experts.isEmpty()) {
      throw new IllegalArgumentException("an experts network needs at least 1 expert");
    }
    if (topK < 1 || topK > experts.size()) {
      throw new IllegalArgumentException("topK must be from 1 to the number of experts (" + experts.size()
          + "), was " + topK);
    }
    this.gate = addChildBlock("gate", gate);
    List<Block> added = new ArrayList<>();
    for (int e = 0; e < experts.size(); e++) {
      added.add(addChildBlock("expert" + e, experts.get(e)));
    }
    this.experts = List.copyOf(added);
    this.topK = topK;
    this.classes = classes;
  }

  /** The gate: input to one score per expert. */
  public Block gate() {
    return gate;
  }

  /** Expert {@code e}, built as the mlp of its widths: its parameters load from and save as an mlp artifact. */
  public Block expert(int e) {
    return experts.get(e);
  }

  /** How many experts it holds. */
  public int expertCount() {
    return experts.size();
  }

  /** How many experts compute each row at inference. */
  public int topK() {
    return topK;
  }

  /** The gate's trained parameters (weights, biases, normalisation scales and shifts). */
  public long gateParameters() {
    return trainedParameters(gate);
  }

  /** Expert {@code e}'s trained parameters (weights, biases, normalisation scales and shifts). */
  public long expertParameters(int e) {
    return trainedParameters(experts.get(e));
  }

  /** Parameters a forward pass reads and training may change: running statistics of normalisation are not counted. */
  private static long trainedParameters(Block block) {
    long total = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter.Type type = p.getValue().getType();
      if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
        total += p.getValue().getArray().getShape().size();
      }
    }
    return total;
  }

  /**
   * The experts each of {@code rows} (encoded inputs) is routed to at inference: its gate's
   * {@code topK} highest scores, highest first. Runs the gate alone.
   */
  public int[][] route(NDManager manager, float[][] rows) {
    int count = experts.size();
    int[][] chosen = new int[rows.length][topK];
    if (rows.length == 0) {
      return chosen;
    }
    try (NDManager scratch = manager.newSubManager()) {
      float[] scores = gate.forward(new ParameterStore(scratch, false), new NDList(scratch.create(rows)), false)
          .get(0).toFloatArray();
      for (int r = 0; r < rows.length; r++) {
        topK(scores, r * count, count, chosen[r]);
      }
    }
    return chosen;
  }

  @Override
  protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDList in = new NDList(x);
    return training ? new NDList(mixture(parameterStore, in)) : routed(parameterStore, in);
  }

  /** Every expert on every row, weighted by the gate's full softmax: {@code log Σ_e g_e p_e}, computed in log space. */
  private NDArray mixture(ParameterStore parameterStore, NDList in) {
    NDArray logGate = gate.forward(parameterStore, in, true).get(0).logSoftmax(1); // [rows, K]
    NDList logProbabilities = new NDList(experts.size());
    for (Block expert : experts) {
      logProbabilities.add(expert.forward(parameterStore, in, true).get(0).logSoftmax(1)); // [rows, C]
    }
    NDArray joint = NDArrays.stack(logProbabilities, 1).add(logGate.expandDims(2)); // [rows, K, C]
    NDArray max = joint.max(new int[] {1}, true).stopGradient();
    return joint.sub(max).exp().sum(new int[] {1}).log().add(max.squeeze(1));
  }

  /** Each row through the gate and its top-k experts only: the inference path. */
  private NDList routed(ParameterStore parameterStore, NDList in) {
    NDArray x = in.get(0);
    NDManager manager = x.getManager();
    int rows = (int) x.getShape().get(0);
    int count = experts.size();
    float[] gateScores = gate.forward(parameterStore, in, false).get(0).toFloatArray();
    float[] weights = new float[rows * count]; // the renormalised top-k weight of each row and expert, 0 elsewhere
    float[] active = new float[rows];
    long gateCost = gateParameters();
    long[] expertCost = new long[count];
    for (int e = 0; e < count; e++) {
      expertCost[e] = expertParameters(e);
    }
    int[] chosen = new int[topK];
    for (int r = 0; r < rows; r++) {
      topK(gateScores, r * count, count, chosen);
      // softmax over the chosen scores alone: the gate's softmax restricted to its top k, renormalised
      float top = gateScores[r * count + chosen[0]];
      double sum = 0;
      for (int e : chosen) {
        sum += Math.exp(gateScores[r * count + e] - top);
      }
      long cost = gateCost;
      for (int e : chosen) {
        weights[r * count + e] = (float) (Math.exp(gateScores[r * count + e] - top) / sum);
        cost += expertCost[e];
      }
      active[r] = cost;
    }
    float[] mixture = new float[rows * classes];
    for (int e = 0; e < count; e++) {
      long[] indices = new long[rows];
      int routed = 0;
      for (int r = 0; r < rows; r++) {
        if (weights[r * count + e] > 0) {
          indices[routed++] = r;
        }
      }
      if (routed == 0) {
        continue;
      }
      NDArray rowsOfExpert = routed == rows ? x
          : x.get(new NDIndex("{}", manager.create(java.util.Arrays.copyOf(indices, routed))));
      float[] probabilities = experts.get(e).forward(parameterStore, new NDList(rowsOfExpert), false).get(0)
          .softmax(1).toFloatArray();
      for (int j = 0; j < routed; j++) {
        int r = (int) indices[j];
        float w = weights[r * count + e];
        for (int c = 0; c < classes; c++) {
          mixture[r * classes + c] += w * probabilities[j * classes + c];
        }
      }
    }
    float[] scores = new float[mixture.length];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = (float) Math.log(Math.max(mixture[i], Float.MIN_NORMAL));
    }
    return new NDList(manager.create(scores, new Shape(rows, classes)), manager.create(active));
  }

  /** The indices of the {@code chosen.length} largest of {@code scores[from, from + n)}, largest first; ties to the lower index. */
  static void topK(float[] scores, int from, int n, int[] chosen) {
    int k = chosen.length;
    for (int i = 0; i < k; i++) {
      int best = -1;
      for (int e = 0; e < n; e++) {
        if (taken(chosen, i, e)) {
          continue;
        }
        if (best < 0 || scores[from + e] > scores[from + best]) {
          best = e;
        }
      }
      chosen[i] = best;
    }
  }

  private static boolean taken(int[] chosen, int filled, int e) {
    for (int i = 0; i < filled; i++) {
      if (chosen[i] == e) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    gate.initialize(manager, dataType, inputShapes);
    for (Block expert : experts) {
      expert.initialize(manager, dataType, inputShapes);
    }
  }

  @Override
  public String toString() {
    return "ExpertsBlock[" + experts.size() + " experts, top-" + topK + "]";
  }
}
