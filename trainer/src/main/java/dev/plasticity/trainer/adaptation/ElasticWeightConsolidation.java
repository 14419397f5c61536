package dev.plasticity.trainer.adaptation;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.network.NetworkTraining;
import dev.plasticity.trainer.network.TrainingObjective;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Elastic weight consolidation (Kirkpatrick et al. 2017, "Overcoming catastrophic forgetting in
 * neural networks", PNAS 114(13)): fine-tunes the serving network on the new window while a
 * quadratic penalty holds each parameter near the parent's value in proportion to how much the
 * parent's predictions on the old data depend on it:
 *
 * <pre>loss = cross-entropy + (λ/2) Σ_i F_i (θ_i − θ*_i)²</pre>
 *
 * where θ* are the parent's parameters and F the diagonal of the parent's Fisher information on
 * the reference (old) inputs, {@code F_i = mean_x Σ_y p*(y|x) (∂ log p*(y|x) / ∂θ_i)²}: the
 * expectation over the parent's own predictive distribution, computed exactly over the classes
 * (so the Fisher needs the old inputs, not their labels). Parameters that are not trained (batch
 * normalisation's running statistics) carry no penalty.
 *
 * <p>An immutable value once built; the penalty is computed on the engine batch by batch.
 */
final class ElasticWeightConsolidation implements TrainingObjective {
  private final double lambda;
  /** Per parameter of the network, in {@code Block.getParameters()} order; null where not trained. */
  private final List<float[]> fisher;
  private final List<float[]> anchor;

  private ElasticWeightConsolidation(double lambda, List<float[]> fisher, List<float[]> anchor) {
    if (lambda < 0 || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("λ must be finite and not negative, was " + lambda);
    }
    this.lambda = lambda;
    this.fisher = Collections.unmodifiableList(new ArrayList<>(fisher));
    this.anchor = Collections.unmodifiableList(new ArrayList<>(anchor));
  }

  /**
   * The EWC objective around a parent: its parameters are the anchor, its Fisher information is
   * averaged over at most {@code maxEvents} of {@code reference}, evenly spaced.
   *
   * @param architecture the parent's network (the one that will be trained)
   * @param parameters the parent's artifact
   * @throws IllegalArgumentException when there are no reference events or the artifact does not fit
   */
  static ElasticWeightConsolidation around(Architecture architecture, byte[] parameters,
      List<LabelledEvent> reference, int maxEvents, double lambda) {
    if (reference.isEmpty()) {
      throw new IllegalArgumentException("the Fisher information needs at least one reference event");
    }
    List<LabelledEvent> sample = evenlySpaced(reference, maxEvents);
    float[][] inputs = NetworkTraining.encode(architecture, sample);
    try (Model parent = ModelFormat.load("ewc-parent", architecture, parameters)) {
      List<float[]> fisher = fisher(parent, inputs, architecture.getNumClasses());
      List<float[]> anchor = new ArrayList<>();
      for (Parameter p : parent.getBlock().getParameters().values()) {
        anchor.add(p.getArray().toFloatArray());
      }
      return new ElasticWeightConsolidation(lambda, fisher, anchor);
    }
  }

  /** λ. */
  double lambda() {
    return lambda;
  }

  /** The mean diagonal Fisher information over all trained parameters: how firmly EWC holds on average. */
  double meanFisher() {
    double sum = 0;
    long n = 0;
    for (float[] f : fisher) {
      if (f != null) {
        for (float v : f) {
          sum += v;
        }
        n += f.length;
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  /** {@code (λ/2) Σ F_i (θ_i − θ*_i)²} for the given parameter values (same order as the network's). */
  double penalty(List<float[]> values) {
    double sum = 0;
    for (int p = 0; p < fisher.size(); p++) {
      if (fisher.get(p) != null) {
        for (int i = 0; i < fisher.get(p).length; i++) {
          double d = values.get(p)[i] - anchor.get(p)[i];
          sum += fisher.get(p)[i] * d * d;
        }
      }
    }
    return lambda / 2 * sum;
  }

  @Override
  public NDArray loss(Block network, NDArray scores, NDArray labels, NDList rows) {
    NDArray loss = CROSS_ENTROPY.loss(network, scores, labels, rows);
    if (lambda == 0) {
      return loss;
    }
    NDManager batch = scores.getManager();
    List<Parameter> parameters = network.getParameters().values();
    if (parameters.size() != fisher.size()) {
      throw new IllegalArgumentException("EWC was set up for " + fisher.size() + " parameters; the network has "
          + parameters.size());
    }
    NDArray penalty = null;
    for (int p = 0; p < fisher.size(); p++) {
      if (fisher.get(p) == null || !parameters.get(p).requiresGradient()) {
        continue;
      }
      NDArray theta = parameters.get(p).getArray();
      // the anchor comes first so every result belongs to the batch, not to the model
      NDArray term = batch.create(anchor.get(p), theta.getShape()).sub(theta).square()
          .mul(batch.create(fisher.get(p), theta.getShape())).sum();
      penalty = penalty == null ? term : penalty.add(term);
    }
    return penalty == null ? loss : loss.add(penalty.mul((float) (lambda / 2)));
  }

  @Override
  public String toString() {
    return "EWC (λ " + lambda + ")";
  }

  /**
   * The diagonal Fisher information of {@code model} on {@code inputs}, per parameter (null for
   * one that is not trained): one backward pass per input and class, the squared gradient of
   * the class's log-probability weighted by the class's probability.
   */
  private static List<float[]> fisher(Model model, float[][] inputs, int classes) {
    Block block = model.getBlock();
    List<Parameter> parameters = block.getParameters().values();
    List<float[]> sums = new ArrayList<>();
    for (Parameter p : parameters) {
      sums.add(p.requiresGradient() ? new float[Math.toIntExact(p.getArray().size())] : null);
    }
    DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
        .optDevices(new ai.djl.Device[] {model.getNDManager().getDevice()});
    try (Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(new ai.djl.ndarray.types.Shape(1, inputs[0].length)); // attaches the gradients
      for (float[] input : inputs) {
        for (int y = 0; y < classes; y++) {
          try (NDManager row = trainer.getManager().newSubManager()) {
            float probability;
            try (GradientCollector collector = trainer.newGradientCollector()) {
              // evaluation mode: the parent as it serves (running statistics, no dropout)
              NDArray logProbabilities = trainer.evaluate(new NDList(row.create(new float[][] {input})))
                  .get(0).logSoftmax(1); // the scores; an experts or early-exit network adds more
              NDArray logProbability = logProbabilities.get(0, y);
              probability = (float) Math.exp(logProbability.getFloat());
              collector.backward(logProbability);
            }
            for (int p = 0; p < parameters.size(); p++) {
              if (sums.get(p) == null) {
                continue;
              }
              NDArray gradient = parameters.get(p).getArray().getGradient();
              gradient.attach(row);
              float[] g = gradient.toFloatArray();
              float[] sum = sums.get(p);
              for (int i = 0; i < g.length; i++) {
                sum[i] += probability * g[i] * g[i];
              }
              gradient.subi(gradient); // gradients accumulate across backward passes
            }
          }
        }
      }
    }
    for (float[] sum : sums) {
      if (sum != null) {
        for (int i = 0; i < sum.length; i++) {
          sum[i] /= inputs.length;
        }
      }
    }
    return sums;
  }

  private static List<LabelledEvent> evenlySpaced(List<LabelledEvent> events, int max) {
    if (events.size() <= max) {
      return events;
    }
    List<LabelledEvent> sample = new ArrayList<>(max);
    for (int i = 0; i < max; i++) {
      sample.add(events.get((int) ((long) i * events.size() / max)));
    }
    return sample;
  }
}
