package dev.plasticity.trainer.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.plasticity.registry.client.InputLayout;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.Constraint;
import dev.plasticity.trainer.network.TrainingObjective;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The supernet of a DARTS search (Liu, Simonyan and Yang 2019, "DARTS: Differentiable Architecture
 * Search", ICLR) over a {@link SearchSpace}'s feed-forward networks, on DJL: {@code maxDepth}
 * hidden layers, each a Linear layer as wide as the widest choice whose output is the
 * softmax-weighted mixture of the space's activations (one choice for the whole network, as the
 * space has it) times the softmax-weighted mixture of width masks (a width-w mask keeps the first w
 * units). Every layer past {@code minDepth} mixes itself with a skip (identity), so the depth can
 * shrink. The mixture weights ("alphas") are the architecture weights; {@link #weightStep} trains
 * the network weights on a training batch and {@link #architectureStep} the alphas on a validation
 * batch (first-order DARTS), its loss adding λ times the expected parameter and multiply-add counts
 * over the constraints' limits: expected widths from the width mixtures and keep probabilities,
 * a differentiable stand-in for the discrete network's counts.
 *
 * <p>Not thread-safe; close it to free its native arrays.
 */
final class Supernet implements AutoCloseable {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final NDManager manager;
  private final SearchSpace space;
  private final int depth;
  private final int inputWidth;
  private final int classes;
  private final boolean normalised;
  private final List<String> activations;
  private final NDArray widthMasks;
  private final NDArray widthValues;
  /** Per layer weight and bias, then the head's weight and bias. */
  private final List<NDArray> weights = new ArrayList<>();
  /** Per layer the width alphas, then per layer from {@code minDepth} on (keep, skip), then the activation alphas. */
  private final List<NDArray> alphas = new ArrayList<>();
  private final Adam weightOptimizer;
  private final Adam alphaOptimizer;

  /**
   * @param inputs the input features, their scaling and the classes
   * @param normalised whether the discrete networks normalise each hidden layer (it adds to their parameters)
   * @param random initialises the weights
   */
  Supernet(SearchSpace space, Architecture inputs, boolean normalised, float weightRate, float alphaRate,
      Random random) {
    this.space = space;
    this.manager = ModelFormat.engine().newBaseManager();
    this.depth = space.maxDepth();
    this.inputWidth = InputLayout.of(inputs).width();
    this.classes = inputs.getNumClasses();
    this.normalised = normalised;
    this.activations = space.activations();
    List<Integer> widths = space.widths();
    int maxWidth = widths.stream().mapToInt(Integer::intValue).max().orElseThrow();
    float[][] masks = new float[widths.size()][maxWidth];
    float[] values = new float[widths.size()];
    for (int k = 0; k < widths.size(); k++) {
      java.util.Arrays.fill(masks[k], 0, widths.get(k), 1f);
      values[k] = widths.get(k);
    }
    widthMasks = manager.create(masks);
    widthValues = manager.create(values);
    int in = inputWidth;
    for (int l = 0; l < depth; l++) {
      weights.add(glorot(in, maxWidth, random));
      weights.add(manager.zeros(new ai.djl.ndarray.types.Shape(maxWidth)));
      in = maxWidth;
    }
    weights.add(glorot(maxWidth, classes, random));
    weights.add(manager.zeros(new ai.djl.ndarray.types.Shape(classes)));
    for (int l = 0; l < depth; l++) {
      alphas.add(manager.zeros(new ai.djl.ndarray.types.Shape(widths.size())));
    }
    for (int l = space.minDepth(); l < depth; l++) {
      alphas.add(manager.zeros(new ai.djl.ndarray.types.Shape(2)));
    }
    alphas.add(manager.zeros(new ai.djl.ndarray.types.Shape(activations.size())));
    weights.forEach(w -> w.setRequiresGradient(true));
    alphas.forEach(a -> a.setRequiresGradient(true));
    weightOptimizer = new Adam(weights, weightRate);
    alphaOptimizer = new Adam(alphas, alphaRate);
  }

  private NDArray glorot(int in, int out, Random random) {
    float bound = (float) Math.sqrt(6.0 / (in + out));
    float[][] w = new float[in][out];
    for (float[] row : w) {
      for (int j = 0; j < out; j++) {
        row[j] = (random.nextFloat() * 2 - 1) * bound;
      }
    }
    return manager.create(w);
  }

  /** One Adam step on the network weights, minimising cross-entropy on a training batch. */
  double weightStep(float[][] rows, float[] labels) {
    return step(rows, labels, weightOptimizer, List.of(), 0);
  }

  /**
   * One Adam step on the architecture weights, minimising cross-entropy on a validation batch plus
   * {@code lambda} times the expected cost over each count constraint's limit.
   */
  double architectureStep(float[][] rows, float[] labels, List<Constraint> constraints, double lambda) {
    return step(rows, labels, alphaOptimizer, constraints, lambda);
  }

  private double step(float[][] rows, float[] labels, Adam optimizer, List<Constraint> constraints, double lambda) {
    try (NDManager scratch = manager.newSubManager()) {
      double value;
      try (GradientCollector collector = ModelFormat.engine().newGradientCollector()) {
        Live live = new Live(scratch);
        NDArray scores = forward(live, scratch.create(rows));
        NDArray loss = TrainingObjective.crossEntropyPerRow(scores, scratch.create(labels)).mean();
        if (lambda > 0) {
          NDArray[] cost = expectedCost(live);
          for (Constraint constraint : constraints) {
            // a latency limit is measured on a built network only: the discrete check enforces it
            if (constraint instanceof Constraint.MaxParameters p) {
              loss = loss.add(cost[0].div((float) p.limit()).mul((float) lambda));
            } else if (constraint instanceof Constraint.MaxMultiplyAdds m) {
              loss = loss.add(cost[1].div((float) m.limit()).mul((float) lambda));
            }
          }
        }
        collector.backward(loss);
        value = loss.getFloat();
      }
      optimizer.step(scratch);
      for (NDArray p : weights) {
        zeroGradient(p, scratch);
      }
      for (NDArray p : alphas) {
        zeroGradient(p, scratch);
      }
      return value;
    }
  }

  private static void zeroGradient(NDArray parameter, NDManager scratch) {
    NDArray gradient = parameter.getGradient();
    gradient.attach(scratch);
    gradient.muli(0);
  }

  /**
   * The parameters as arrays of one step's scratch manager, still differentiable towards them: an
   * operation whose left operand were a parameter would attach its result to the supernet's manager
   * and outlive the step.
   */
  private final class Live {
    final List<NDArray> weights = new ArrayList<>();
    final List<NDArray> alphas = new ArrayList<>();

    Live(NDManager scratch) {
      for (NDArray w : Supernet.this.weights) {
        weights.add(scratch.zeros(w.getShape()).add(w));
      }
      for (NDArray a : Supernet.this.alphas) {
        alphas.add(scratch.zeros(a.getShape()).add(a));
      }
    }

    NDArray widthProbabilities(int layer) {
      return alphas.get(layer).softmax(0);
    }

    /** (keep, skip) probabilities of a layer, or null for a layer below the minimum depth. */
    NDArray keepProbabilities(int layer) {
      return layer < space.minDepth() ? null : alphas.get(depth + layer - space.minDepth()).softmax(0);
    }

    NDArray activationProbabilities() {
      return alphas.get(alphas.size() - 1).softmax(0);
    }
  }

  private NDArray forward(Live live, NDArray rows) {
    NDArray activation = live.activationProbabilities();
    NDArray h = rows;
    for (int l = 0; l < depth; l++) {
      NDArray z = h.matMul(live.weights.get(2 * l)).add(live.weights.get(2 * l + 1));
      NDArray mixed = null;
      for (int j = 0; j < activations.size(); j++) {
        NDArray a = activate(activations.get(j), z).mul(activation.get(j));
        mixed = mixed == null ? a : mixed.add(a);
      }
      NDArray mask = live.widthProbabilities(l).expandDims(0).matMul(widthMasks).squeeze(0);
      NDArray out = mixed.mul(mask);
      NDArray keep = live.keepProbabilities(l);
      h = keep == null ? out : out.mul(keep.get(0)).add(h.mul(keep.get(1)));
    }
    return h.matMul(live.weights.get(2 * depth)).add(live.weights.get(2 * depth + 1));
  }

  private static NDArray activate(String name, NDArray z) {
    return switch (name) {
      case "relu" -> Activation.relu(z);
      case "tanh" -> Activation.tanh(z);
      case "gelu" -> Activation.gelu(z);
      case "sigmoid" -> Activation.sigmoid(z);
      case "selu" -> Activation.selu(z);
      default -> throw new IllegalArgumentException("unknown activation '" + name + "'; supported: "
          + ModelFormat.ACTIVATIONS);
    };
  }

  /**
   * Expected {parameters, multiply-adds} of the discrete network, counted as {@code NetworkCost}
   * counts them with each layer's width replaced by its expected width and each layer weighted by
   * its keep probability; a skipped layer passes its input's expected width on.
   */
  private NDArray[] expectedCost(Live live) {
    NDManager scratch = live.weights.get(0).getManager();
    NDArray in = scratch.create((float) inputWidth);
    NDArray parameters = scratch.create(0f);
    NDArray multiplyAdds = scratch.create(0f);
    for (int l = 0; l < depth; l++) {
      NDArray width = live.widthProbabilities(l).mul(widthValues).sum();
      NDArray keepProbabilities = live.keepProbabilities(l);
      NDArray keep = keepProbabilities == null ? scratch.create(1f) : keepProbabilities.get(0);
      NDArray layerMultiplyAdds = in.mul(width);
      NDArray layerParameters = layerMultiplyAdds.add(width.mul(normalised ? 3f : 1f));
      multiplyAdds = multiplyAdds.add(keep.mul(layerMultiplyAdds));
      parameters = parameters.add(keep.mul(layerParameters));
      in = keep.mul(width).add(keep.neg().add(1f).mul(in));
    }
    NDArray head = in.mul((float) classes);
    return new NDArray[] {parameters.add(head).add((float) classes), multiplyAdds.add(head)};
  }

  /**
   * The softmax of every decision's alphas: per layer the widths (in the space's order), then per
   * layer from {@code minDepth} on (keep, skip), then the activations.
   */
  double[][] probabilities() {
    double[][] p = new double[alphas.size()][];
    for (int i = 0; i < alphas.size(); i++) {
      try (NDArray softmax = alphas.get(i).softmax(0)) {
        float[] f = softmax.toFloatArray();
        p[i] = new double[f.length];
        for (int k = 0; k < f.length; k++) {
          p[i][k] = f[k];
        }
      }
    }
    return p;
  }

  /** Share of {@code labels} the supernet's mixture predicts right. */
  double accuracy(float[][] rows, float[] labels) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray predicted = forward(new Live(scratch), scratch.create(rows)).argMax(1).toType(DataType.FLOAT32, false);
      return predicted.eq(scratch.create(labels)).sum().toType(DataType.FLOAT32, false).getFloat() / labels.length;
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  /** Adam (Kingma and Ba 2015) on a fixed list of arrays, updating them in place. */
  private static final class Adam {
    private final List<NDArray> parameters;
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private final float rate;
    private int steps;

    Adam(List<NDArray> parameters, float rate) {
      this.parameters = parameters;
      this.rate = rate;
      for (NDArray p : parameters) {
        means.add(p.getManager().zeros(p.getShape()));
        variances.add(p.getManager().zeros(p.getShape()));
      }
    }

    void step(NDManager scratch) {
      steps++;
      float meanCorrection = 1 - (float) Math.pow(BETA1, steps);
      float varianceCorrection = 1 - (float) Math.pow(BETA2, steps);
      for (int i = 0; i < parameters.size(); i++) {
        NDArray gradient = parameters.get(i).getGradient();
        gradient.attach(scratch);
        NDArray mean = means.get(i).muli(BETA1).addi(gradient.mul(1 - BETA1));
        NDArray variance = variances.get(i).muli(BETA2).addi(gradient.square().mul(1 - BETA2));
        NDArray update = scratch.zeros(mean.getShape()).add(mean).div(meanCorrection)
            .div(scratch.zeros(variance.getShape()).add(variance).div(varianceCorrection).sqrt().add(EPSILON))
            .mul(rate);
        parameters.get(i).subi(update);
      }
    }
  }
}
