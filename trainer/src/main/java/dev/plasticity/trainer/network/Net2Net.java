package dev.plasticity.trainer.network;

import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.network.NetworkWeights.Dense;
import dev.plasticity.trainer.network.NetworkWeights.Layer;
import dev.plasticity.trainer.network.NetworkWeights.Norm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Function-preserving growth of a trained network (Chen, Goodfellow and Shlens 2016, "Net2Net:
 * Accelerating Learning via Knowledge Transfer", ICLR): a wider or deeper network that computes
 * exactly what its parent computes in inference mode, up to float rounding, so training continues
 * from where the parent was. Every method either preserves the function or throws an
 * {@link IllegalArgumentException} naming the rule that stops it. Stateless and thread-safe;
 * randomness comes from the caller's seeded {@link Random}.
 *
 * <p><b>Wider</b> ({@link #widen}): unit {@code j} of a widened layer copies unit {@code g(j)} of
 * the parent ({@code g(j) = j} for the old units, a random old unit for each new one): its weight
 * row, bias and normalisation values (batch normalisation's scale, shift, running mean and
 * running variance) are copied. The layer that reads the widened one splits each old unit's
 * input column among its copies with shares that sum to one. The paper's equal shares ({@code 1 /
 * copies}) are one such split; this class draws the shares at random (each in proportion to a
 * draw from [0.5, 1.5)) because with equal shares copies have identical incoming and outgoing
 * weights, so without dropout gradient descent never tells them apart (the paper adds noise for
 * this, which gives up exactness). Rules:
 * <ul>
 *   <li>Layer normalisation standardises over the whole layer, so copies change its mean and
 *       variance unless every unit is copied equally often: a layer-normalised layer widens only
 *       to a multiple {@code k·w} of its width, each unit copied {@code k} times ({@code g(j) = j
 *       mod w}); then mean and variance are unchanged and the widening is exact.
 *   <li>Residual connections: a run of equally wide layers joined by skips shares one mapping
 *       {@code g} and widens together (the skip adds copies to copies), to a width neither
 *       neighbour of the run has; a widening that would remove or create a skip is refused.
 * </ul>
 *
 * <p><b>Deeper</b> ({@link #deepen}): a layer as wide as hidden layer {@code i} is inserted after
 * it. Without a skip into it, the new layer is the identity ({@code weight = I}, {@code bias = 0};
 * batch normalisation passes values through: running mean 0, running variance 1, scale
 * {@code sqrt(1 + eps)}, shift 0), which is exact only under relu, because {@code relu(relu(x)) =
 * relu(x)}; tanh, sigmoid, gelu and selu are not idempotent and layer normalisation re-standardises
 * the row, so those are refused. In a residual network the new layer gets a skip (it is as wide as
 * the one before it); its body is set to output zero ({@code weight = 0}, {@code bias = 0},
 * normalisation with running mean 0, variance 1, scale 1, shift 0), so the layer adds nothing:
 * exact for every activation with {@code f(0) = 0} (relu, tanh, gelu, selu) and every
 * normalisation; sigmoid ({@code sigmoid(0) = 1/2}) is refused. Under relu that zero body sits at
 * relu's kink, where PyTorch's gradient is zero, so it starts learning only once something else
 * moves it; under tanh, gelu and selu it learns at once.
 *
 * <p>Batch normalisation is preserved in inference mode, which uses the running statistics; in
 * training mode it normalises with the batch's statistics, as it does for the parent.
 */
final class Net2Net {
  private Net2Net() {}

  /** A grown network: its descriptor and its parameters. */
  record Grown(Architecture architecture, NetworkWeights weights) {}

  /**
   * Net2WiderNet: the parent grown to {@code widths} (same depth, no layer narrower), computing
   * the same function.
   *
   * @throws IllegalArgumentException naming the rule when the widening cannot preserve the function
   */
  static Grown widen(Architecture parent, NetworkWeights weights, List<Integer> widths, Random random) {
    List<Integer> from = parent.getHiddenUnits();
    if (widths.size() != from.size()) {
      throw new IllegalArgumentException("Net2WiderNet keeps the depth: cannot widen " + from + " to " + widths);
    }
    Architecture child = Architecture.newBuilder(parent).setHiddenUnits(List.copyOf(widths)).build();
    boolean layerNorm = "layer".equals(parent.getNormalization());
    int[][] maps = new int[from.size()][];
    float[][] shares = new float[from.size()][];
    for (int k = 0; k < from.size(); k++) {
      int width = from.get(k);
      int wider = widths.get(k);
      if (wider < width) {
        throw new IllegalArgumentException("Net2WiderNet only grows layers: hidden layer " + k + " would shrink from "
            + width + " to " + wider);
      }
      boolean skip = ModelFormat.hasSkipConnection(parent, k);
      if (skip != ModelFormat.hasSkipConnection(child, k)) {
        throw new IllegalArgumentException("widening " + from + " to " + widths + " would " + (skip ? "remove" : "add")
            + " the skip connection into hidden layer " + k + "; with residual connections a run of equally wide "
            + "layers joined by skips widens together, to a width neither neighbour of the run has");
      }
      if (skip) {
        maps[k] = maps[k - 1]; // the skip adds layer k-1's units to layer k's: both copy the same way
        shares[k] = shares[k - 1];
        continue;
      }
      if (layerNorm && wider % width != 0) {
        throw new IllegalArgumentException("layer normalisation standardises over the whole layer, so a widened "
            + "layer keeps its mean and variance only when every unit is copied equally often: hidden layer " + k
            + " of width " + width + " widens only to a multiple of " + width + ", not to " + wider);
      }
      maps[k] = new int[wider];
      for (int j = 0; j < wider; j++) {
        maps[k][j] = j < width ? j : layerNorm ? j % width : random.nextInt(width);
      }
      shares[k] = shares(maps[k], width, random);
    }
    List<Layer> hidden = new ArrayList<>(from.size());
    for (int k = 0; k < from.size(); k++) {
      Layer layer = weights.hidden().get(k);
      int[] inputs = k == 0 ? identity(layer.linear().inputs()) : maps[k - 1];
      float[] inputShares = k == 0 ? ones(layer.linear().inputs()) : shares[k - 1];
      Dense linear = remap(layer.linear(), maps[k], inputs, inputShares);
      Norm norm = layer.norm();
      Norm wideNorm = norm == null ? null : new Norm(pick(norm.gamma(), maps[k]), pick(norm.beta(), maps[k]),
          norm.batch() ? pick(norm.runningMean(), maps[k]) : null,
          norm.batch() ? pick(norm.runningVar(), maps[k]) : null);
      hidden.add(new Layer(linear, wideNorm));
    }
    Dense output = weights.output();
    if (!from.isEmpty()) {
      output = remap(output, identity(output.outputs()), maps[from.size() - 1], shares[from.size() - 1]);
    }
    return new Grown(child, new NetworkWeights(hidden, output));
  }

  /**
   * Net2DeeperNet: the parent with a new hidden layer, as wide as hidden layer {@code afterLayer},
   * inserted after it, computing the same function.
   *
   * @throws IllegalArgumentException naming the rule when the new layer cannot preserve the function
   */
  static Grown deepen(Architecture parent, NetworkWeights weights, int afterLayer) {
    List<Integer> from = parent.getHiddenUnits();
    if (afterLayer < 0 || afterLayer >= from.size()) {
      throw new IllegalArgumentException("Net2DeeperNet inserts a layer after a hidden layer (0 to "
          + (from.size() - 1) + "), never after the input, whose values an identity layer with an activation "
          + "would not reproduce; was " + afterLayer);
    }
    int width = from.get(afterLayer);
    List<Integer> widths = new ArrayList<>(from);
    widths.add(afterLayer + 1, width);
    Architecture child = Architecture.newBuilder(parent).setHiddenUnits(widths).build();
    String activation = parent.getActivation();
    String normalization = parent.getNormalization();
    Layer inserted;
    if (ModelFormat.hasSkipConnection(child, afterLayer + 1)) {
      if ("sigmoid".equals(activation)) {
        throw new IllegalArgumentException("in a residual network the inserted layer gets a skip and must add zero, "
            + "which needs an activation with f(0) = 0; sigmoid(0) = 1/2");
      }
      float[] ones = ones(width);
      Norm norm = switch (normalization) {
        case "batch" -> new Norm(ones, new float[width], new float[width], ones(width));
        case "layer" -> new Norm(ones, new float[width], null, null);
        default -> null;
      };
      inserted = new Layer(new Dense(new float[width][width], new float[width]), norm);
    } else {
      if (!"relu".equals(activation)) {
        throw new IllegalArgumentException("an inserted identity layer preserves the function only under relu, "
            + "since relu(relu(x)) = relu(x); " + activation + "(" + activation + "(x)) != " + activation + "(x)");
      }
      if ("layer".equals(normalization)) {
        throw new IllegalArgumentException("an inserted identity layer cannot be followed by layer normalisation "
            + "and preserve the function: it re-standardises each row over the layer");
      }
      float[][] eye = new float[width][width];
      for (int j = 0; j < width; j++) {
        eye[j][j] = 1f;
      }
      Norm norm = null;
      if ("batch".equals(normalization)) {
        float[] scale = new float[width];
        Arrays.fill(scale, (float) Math.sqrt(1.0 + NetworkWeights.BATCH_NORM_EPSILON));
        norm = new Norm(scale, new float[width], new float[width], ones(width));
      }
      inserted = new Layer(new Dense(eye, new float[width]), norm);
    }
    List<Layer> hidden = new ArrayList<>(weights.hidden());
    hidden.add(afterLayer + 1, inserted);
    return new Grown(child, new NetworkWeights(hidden, weights.output()));
  }

  /** Row {@code j} of the result is row {@code rows[j]}; column {@code l} is column {@code columns[l]} × share. */
  private static Dense remap(Dense dense, int[] rows, int[] columns, float[] columnShares) {
    float[][] weight = new float[rows.length][columns.length];
    for (int j = 0; j < rows.length; j++) {
      float[] source = dense.weight()[rows[j]];
      for (int l = 0; l < columns.length; l++) {
        weight[j][l] = source[columns[l]] * columnShares[l];
      }
    }
    return new Dense(weight, pick(dense.bias(), rows));
  }

  /** Per copy, its share of the unit it copies; the shares of one unit's copies sum to one. */
  private static float[] shares(int[] map, int width, Random random) {
    double[] draws = new double[map.length];
    double[] totals = new double[width];
    int[] copies = new int[width];
    for (int j = 0; j < map.length; j++) {
      copies[map[j]]++;
    }
    for (int j = 0; j < map.length; j++) {
      draws[j] = copies[map[j]] == 1 ? 1.0 : 0.5 + random.nextDouble();
      totals[map[j]] += draws[j];
    }
    float[] shares = new float[map.length];
    for (int j = 0; j < map.length; j++) {
      shares[j] = (float) (draws[j] / totals[map[j]]);
    }
    return shares;
  }

  private static float[] pick(float[] values, int[] map) {
    float[] picked = new float[map.length];
    for (int j = 0; j < map.length; j++) {
      picked[j] = values[map[j]];
    }
    return picked;
  }

  private static int[] identity(int n) {
    int[] map = new int[n];
    for (int j = 0; j < n; j++) {
      map[j] = j;
    }
    return map;
  }

  private static float[] ones(int n) {
    float[] ones = new float[n];
    Arrays.fill(ones, 1f);
    return ones;
  }
}
