package dev.plasticity.trainer.network;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import dev.plasticity.registry.client.EarlyExitBlock;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters of a network {@link ModelFormat#buildBlock} built, copied off the engine into
 * plain arrays, layer by layer: each hidden layer's linear map and normalisation, then the output
 * layer. Weight-inheritance arithmetic works on this copy; {@link #writeTo} puts it back into a
 * block of the matching architecture.
 *
 * <p>Immutable by convention: the arrays belong to this value and nothing in this package writes
 * to them after construction. Not thread-safe to build; safe to share once built.
 *
 * @param hidden hidden layers, input side first
 * @param output the linear layer that maps the last hidden layer to one score per class
 */
record NetworkWeights(List<Layer> hidden, Dense output) {
  /** Batch normalisation's epsilon in the blocks {@link ModelFormat} builds (DJL's default). */
  static final float BATCH_NORM_EPSILON = 1e-5f;

  NetworkWeights {
    hidden = List.copyOf(hidden);
  }

  /**
   * A linear map {@code y = weight · x + bias}.
   *
   * @param weight {@code weight[out][in]}, DJL's (and PyTorch's) layout
   * @param bias one entry per output unit
   */
  record Dense(float[][] weight, float[] bias) {
    int inputs() {
      return weight.length == 0 ? 0 : weight[0].length;
    }

    int outputs() {
      return bias.length;
    }

    long values() {
      return (long) outputs() * inputs() + outputs();
    }
  }

  /**
   * A normalisation layer's per-unit values.
   *
   * @param runningMean batch normalisation's running mean; null for layer normalisation
   * @param runningVar batch normalisation's running variance; null for layer normalisation
   */
  record Norm(float[] gamma, float[] beta, float[] runningMean, float[] runningVar) {
    boolean batch() {
      return runningMean != null;
    }

    long values() {
      return (batch() ? 4L : 2L) * gamma.length;
    }
  }

  /** One hidden layer: its linear map and, when the architecture normalises, its normalisation. */
  record Layer(Dense linear, Norm norm) {
    long values() {
      return linear.values() + (norm == null ? 0 : norm.values());
    }
  }

  /** Every parameter value, running statistics included. */
  long values() {
    return hidden.stream().mapToLong(Layer::values).sum() + output.values();
  }

  /**
   * Copies the parameters of an initialised network built from {@code architecture}.
   *
   * @throws IllegalArgumentException when the block is not the network the architecture describes
   */
  static NetworkWeights read(Architecture architecture, Block network) {
    List<Block[]> layers = layers(architecture, network);
    List<Layer> hidden = new ArrayList<>();
    for (Block[] layer : layers.subList(0, layers.size() - 1)) {
      hidden.add(new Layer(readDense(layer[0]), layer[1] == null ? null : readNorm(layer[1])));
    }
    return new NetworkWeights(hidden, readDense(layers.get(layers.size() - 1)[0]));
  }

  /**
   * Writes these parameters into an initialised network built from {@code architecture}.
   *
   * @throws IllegalArgumentException when a shape does not fit the block
   */
  void writeTo(Architecture architecture, Block network) {
    List<Block[]> layers = layers(architecture, network);
    if (layers.size() != hidden.size() + 1) {
      throw new IllegalArgumentException(
          hidden.size() + " hidden layers do not fit " + ModelFormat.describe(architecture));
    }
    for (int i = 0; i < hidden.size(); i++) {
      writeDense(hidden.get(i).linear(), layers.get(i)[0]);
      Norm norm = hidden.get(i).norm();
      if ((norm == null) != (layers.get(i)[1] == null)) {
        throw new IllegalArgumentException("hidden layer " + i + "'s normalisation does not fit "
            + ModelFormat.describe(architecture));
      }
      if (norm != null) {
        set(layers.get(i)[1], "gamma", norm.gamma());
        set(layers.get(i)[1], "beta", norm.beta());
        if (norm.batch()) {
          set(layers.get(i)[1], "runningMean", norm.runningMean());
          set(layers.get(i)[1], "runningVar", norm.runningVar());
        }
      }
    }
    writeDense(output, layers.get(hidden.size())[0]);
  }

  /** {@code [linear, norm or null]} per hidden layer, then {@code [output linear, null]}. */
  private static List<Block[]> layers(Architecture architecture, Block network) {
    List<Block[]> layers = new ArrayList<>();
    collect(network, layers);
    if (layers.size() != architecture.getHiddenUnits().size() + 1) {
      throw new IllegalArgumentException("the block has " + layers.size() + " linear layers; "
          + ModelFormat.describe(architecture) + " needs " + (architecture.getHiddenUnits().size() + 1));
    }
    return layers;
  }

  private static void collect(Block block, List<Block[]> layers) {
    for (ai.djl.util.Pair<String, Block> named : block.getChildren()) {
      Block child = named.getValue();
      if (block instanceof EarlyExitBlock && named.getKey().matches("\\d+exit\\d+")) {
        continue; // an early exit's head: the network it leaves is the plain one of its layers and output
      }
      if (child instanceof Linear) {
        layers.add(new Block[] {child, null});
      } else if (child instanceof BatchNorm || child instanceof LayerNorm) {
        layers.get(layers.size() - 1)[1] = child;
      } else if (child instanceof ParallelBlock) {
        collect(child.getChildren().get(0).getValue(), layers); // the body; the other branch is the identity
      } else if (child instanceof SequentialBlock) {
        collect(child, layers);
      }
    }
  }

  private static Dense readDense(Block linear) {
    NDArray weight = parameter(linear, "weight").getArray();
    int outputs = Math.toIntExact(weight.getShape().get(0));
    int inputs = Math.toIntExact(weight.getShape().get(1));
    float[] flat = weight.toFloatArray();
    float[][] rows = new float[outputs][];
    for (int o = 0; o < outputs; o++) {
      rows[o] = Arrays.copyOfRange(flat, o * inputs, (o + 1) * inputs);
    }
    return new Dense(rows, parameter(linear, "bias").getArray().toFloatArray());
  }

  private static Norm readNorm(Block norm) {
    float[] gamma = parameter(norm, "gamma").getArray().toFloatArray();
    float[] beta = parameter(norm, "beta").getArray().toFloatArray();
    if (norm instanceof BatchNorm) {
      return new Norm(gamma, beta, parameter(norm, "runningMean").getArray().toFloatArray(),
          parameter(norm, "runningVar").getArray().toFloatArray());
    }
    return new Norm(gamma, beta, null, null);
  }

  private static void writeDense(Dense dense, Block linear) {
    float[] flat = new float[dense.outputs() * dense.inputs()];
    for (int o = 0; o < dense.outputs(); o++) {
      System.arraycopy(dense.weight()[o], 0, flat, o * dense.inputs(), dense.inputs());
    }
    set(linear, "weight", flat);
    set(linear, "bias", dense.bias());
  }

  private static void set(Block block, String name, float[] values) {
    NDArray array = parameter(block, name).getArray();
    if (array.size() != values.length) {
      throw new IllegalArgumentException(name + " of shape " + array.getShape() + " cannot take " + values.length
          + " values");
    }
    array.set(values);
  }

  private static Parameter parameter(Block block, String name) {
    Parameter parameter = block.getParameters().get(name);
    if (parameter == null) {
      throw new IllegalArgumentException(block.getClass().getSimpleName() + " has no parameter '" + name + "'");
    }
    return parameter;
  }
}
