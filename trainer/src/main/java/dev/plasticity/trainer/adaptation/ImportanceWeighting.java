package dev.plasticity.trainer.adaptation;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.TrainingSettings;
import dev.plasticity.trainer.network.ConstraintCheck;
import dev.plasticity.trainer.network.LabelledData;
import dev.plasticity.trainer.network.LatencyProbe;
import dev.plasticity.trainer.network.NetworkTraining;
import dev.plasticity.trainer.network.TrainingObjective;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Importance weighting for covariate shift (Shimodaira 2000, "Improving predictive inference under
 * covariate shift by weighting the log-likelihood function", J. Statistical Planning and
 * Inference 90(2)): old (reference) events still carry the concept when only the inputs' density
 * moved, so they are kept for training, each weighted by how likely its inputs are under the new
 * window relative to the old, {@code w(x) = p_new(x) / p_old(x)}.
 *
 * <p>The density ratio comes from a probabilistic classifier that tells the two windows apart
 * (Bickel, Brückner and Scheffer 2007, "Discriminative learning for differing training and test
 * distributions", ICML): {@code w(x) = p(new|x) / p(old|x) · n_old / n_new}. The classifier here
 * is logistic regression on standardised inputs (a network without hidden layers, trained on
 * DJL), so the log-ratio it can express is linear in the inputs, exact for a shift of a Gaussian's
 * mean. Weights are clipped to {@code [1/max, max]} and normalised to mean 1; new events weigh 1.
 * Training minimises the weighted cross-entropy {@code mean_i w_i · CE_i}.
 *
 * <p>An immutable value once built.
 */
final class ImportanceWeighting implements TrainingObjective {
  private final float[] weights;

  /**
   * Importance weights for the reference events.
   *
   * @param weights one per reference event, in order, clipped and normalised to mean 1
   * @param effectiveSampleSize Kish's effective sample size {@code (Σw)² / Σw²} of those weights
   * @param clipped how many weights the clipping changed
   * @param domainAccuracy the domain classifier's accuracy on held-out events of both windows (0.5:
   *     the windows look alike)
   */
  record Weights(float[] weights, double effectiveSampleSize, int clipped, double domainAccuracy) {}

  /** The weighted objective: {@code rowWeights} has one weight per training row. */
  ImportanceWeighting(float[] rowWeights) {
    this.weights = rowWeights.clone();
  }

  /**
   * Weights for {@code reference} by a domain classifier that separates it from {@code target}
   * (the new window's training events) on {@code features}, trained with {@code config}'s epochs,
   * batch size, learning rate and seed.
   *
   * @throws IllegalArgumentException when either window is empty or {@code maxWeight} is below 1
   */
  static Weights estimate(List<LabelledEvent> reference, List<LabelledEvent> target, List<String> features,
      double maxWeight, TrainingSettings config) {
    if (reference.isEmpty() || target.isEmpty()) {
      throw new IllegalArgumentException("importance weights need events of both windows; reference "
          + reference.size() + ", target " + target.size());
    }
    if (!(maxWeight >= 1)) {
      throw new IllegalArgumentException("maxWeight must be at least 1, was " + maxWeight);
    }
    List<LabelledEvent> domains = new ArrayList<>(reference.size() + target.size());
    reference.forEach(e -> domains.add(LabelledEvent.newBuilder(e).setLabel(0).build()));
    target.forEach(e -> domains.add(LabelledEvent.newBuilder(e).setLabel(1).build()));
    Collections.shuffle(domains, new Random(config.seed()));
    LabelledData data = LabelledData.split(domains, config.heldOutFraction());
    Architecture logistic = NetworkTraining.architecture(features, data.train(), 2, List.of());
    ConstraintCheck.Result unconstrained = new ConstraintCheck(List.of(), LatencyProbe.standard()).check(logistic);
    NetworkTraining.Result classifier =
        NetworkTraining.train("domain-classifier", data, unconstrained, config, NetworkTraining.EpochListener.QUIET);

    float[][] probabilities;
    try (Model model = ModelFormat.load("domain-classifier", logistic, classifier.artifact())) {
      probabilities = KnowledgeDistillation.probabilities(model, logistic, reference);
    }
    double prior = reference.size() / (double) target.size();
    double[] raw = new double[reference.size()];
    int clipped = 0;
    double sum = 0;
    for (int i = 0; i < raw.length; i++) {
      double pNew = Math.min(1 - 1e-7, Math.max(1e-7, probabilities[i][1]));
      double ratio = pNew / (1 - pNew) * prior;
      raw[i] = Math.min(maxWeight, Math.max(1 / maxWeight, ratio));
      if (raw[i] != ratio) {
        clipped++;
      }
      sum += raw[i];
    }
    float[] weights = new float[raw.length];
    double mean = sum / raw.length;
    for (int i = 0; i < raw.length; i++) {
      weights[i] = (float) (raw[i] / mean);
    }
    return new Weights(weights, effectiveSampleSize(weights), clipped, classifier.heldOutAccuracy());
  }

  /** Kish's effective sample size {@code (Σw)² / Σw²}: n for equal weights, near 1 when one dominates. */
  static double effectiveSampleSize(float[] weights) {
    double sum = 0;
    double squares = 0;
    for (float w : weights) {
      sum += w;
      squares += (double) w * w;
    }
    return squares == 0 ? 0 : sum * sum / squares;
  }

  /**
   * The reference events followed by the new window's, as training data whose held-out events
   * are the new window's, and the objective weighting the reference events by {@code weights}.
   */
  static Weighted combine(List<LabelledEvent> reference, float[] weights, LabelledData window) {
    if (weights.length != reference.size()) {
      throw new IllegalArgumentException(weights.length + " weights for " + reference.size() + " reference events");
    }
    List<LabelledEvent> events = new ArrayList<>(reference.size() + window.events().size());
    events.addAll(reference);
    events.addAll(window.events());
    float[] rowWeights = new float[reference.size() + window.trainSize()];
    System.arraycopy(weights, 0, rowWeights, 0, weights.length);
    java.util.Arrays.fill(rowWeights, weights.length, rowWeights.length, 1f);
    return new Weighted(new LabelledData(events, rowWeights.length), new ImportanceWeighting(rowWeights));
  }

  /** Training data and its weighted objective. */
  record Weighted(LabelledData data, ImportanceWeighting objective) {}

  @Override
  public List<float[][]> rowValues() {
    float[][] column = new float[weights.length][];
    for (int i = 0; i < weights.length; i++) {
      column[i] = new float[] {weights[i]};
    }
    return List.<float[][]>of(column);
  }

  @Override
  public NDArray loss(Block network, NDArray scores, NDArray labels, NDList rows) {
    NDArray weights = rows.get(0).reshape(-1);
    return weights.mul(TrainingObjective.crossEntropyPerRow(scores, labels)).mean();
  }

  @Override
  public String toString() {
    return "importance-weighted cross-entropy";
  }
}
