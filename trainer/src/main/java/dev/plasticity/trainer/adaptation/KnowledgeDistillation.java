package dev.plasticity.trainer.adaptation;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.translate.TranslateException;
import dev.plasticity.registry.client.ClassProbabilities;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.trainer.network.NetworkTraining;
import dev.plasticity.trainer.network.TrainingObjective;
import java.util.ArrayList;
import java.util.List;

/**
 * Knowledge distillation (Hinton, Vinyals and Dean 2015, "Distilling the knowledge in a neural
 * network", arXiv:1503.02531): a smaller student network learns from the labels and from the
 * serving (teacher) network's softened predictions at once:
 *
 * <pre>loss = α · CE(labels, softmax(z)) + (1 − α) · T² · KL(softmax(log p / T) ‖ softmax(z / T))</pre>
 *
 * where z are the student's logits and p the teacher's probabilities. The teacher's logits are
 * not needed: {@code softmax(log p / T) = softmax(z_teacher / T)}, since log p differs from the
 * logits by a constant per row. T² keeps the soft term's gradients on the scale of the hard
 * term's as T changes.
 *
 * <p>An immutable value once built; the teacher's tempered probabilities are computed once, for
 * every training event.
 */
final class KnowledgeDistillation implements TrainingObjective {
  private static final int BATCH = 1024;
  private static final float LEAST_PROBABILITY = 1e-7f;

  private final double temperature;
  private final double alpha;
  private final float[][] softTargets;
  private final float[][] logSoftTargets;

  private KnowledgeDistillation(double temperature, double alpha, float[][] softTargets, float[][] logSoftTargets) {
    this.temperature = temperature;
    this.alpha = alpha;
    this.softTargets = softTargets;
    this.logSoftTargets = logSoftTargets;
  }

  /**
   * Distillation from {@code teacher} on {@code train} (the events the student trains on, in order).
   *
   * @throws IllegalArgumentException when T is not positive or α is outside [0, 1]
   */
  static KnowledgeDistillation from(Model teacher, Architecture teacherArchitecture, List<LabelledEvent> train,
      double temperature, double alpha) {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("the temperature must be positive, was " + temperature);
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("α must be in [0, 1], was " + alpha);
    }
    float[][] probabilities = probabilities(teacher, teacherArchitecture, train);
    float[][] soft = new float[probabilities.length][];
    float[][] logSoft = new float[probabilities.length][];
    for (int r = 0; r < probabilities.length; r++) {
      logSoft[r] = temperedLog(probabilities[r], temperature);
      soft[r] = new float[logSoft[r].length];
      for (int c = 0; c < soft[r].length; c++) {
        soft[r][c] = (float) Math.exp(logSoft[r][c]);
      }
    }
    return new KnowledgeDistillation(temperature, alpha, soft, logSoft);
  }

  /**
   * The student of {@code teacher}: the same kind of network with {@code hiddenUnits}, or with
   * each of the teacher's hidden widths halved (at least {@code minWidth}) when that is empty,
   * standardising its inputs with the moments of {@code train}.
   */
  static Architecture student(Architecture teacher, List<Integer> hiddenUnits, int minWidth,
      List<LabelledEvent> train) {
    List<Integer> widths = hiddenUnits.isEmpty()
        ? teacher.getHiddenUnits().stream().map(w -> Math.max(minWidth, w / 2)).toList()
        : hiddenUnits;
    // a plain student: a teacher's early exits and their threshold were calibrated for its own layers
    return NetworkTraining.standardised(Architecture.newBuilder(teacher).setHiddenUnits(List.copyOf(widths))
        .setEarlyExits(false).setExitConfidence(1.0).build(), train);
  }

  double temperature() {
    return temperature;
  }

  double alpha() {
    return alpha;
  }

  /** softmax(log p / T) of the teacher, per training row. */
  float[][] softTargets() {
    return softTargets;
  }

  @Override
  public List<float[][]> rowValues() {
    return List.of(softTargets, logSoftTargets);
  }

  @Override
  public NDArray loss(Block network, NDArray scores, NDArray labels, NDList rows) {
    NDArray hard = CROSS_ENTROPY.loss(network, scores, labels, rows);
    NDArray logStudent = scores.div((float) temperature).logSoftmax(1);
    NDArray kl = rows.get(0).mul(rows.get(1).sub(logStudent)).sum(new int[] {1}).mean();
    return hard.mul((float) alpha).add(kl.mul((float) ((1 - alpha) * temperature * temperature)));
  }

  @Override
  public String toString() {
    return "distillation (T " + temperature + ", α " + alpha + ")";
  }

  /** log softmax(log p / T), computed stably; probabilities below 1e-7 count as 1e-7. */
  static float[] temperedLog(float[] probabilities, double temperature) {
    double[] z = new double[probabilities.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < z.length; c++) {
      z[c] = Math.log(Math.max(LEAST_PROBABILITY, probabilities[c])) / temperature;
      max = Math.max(max, z[c]);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double logSum = max + Math.log(sum);
    float[] out = new float[z.length];
    for (int c = 0; c < z.length; c++) {
      out[c] = (float) (z[c] - logSum);
    }
    return out;
  }

  /** The model's class probabilities for each event. */
  static float[][] probabilities(Model model, Architecture architecture, List<LabelledEvent> events) {
    List<float[]> rows = new ArrayList<>(events.size());
    try (Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
      for (int from = 0; from < events.size(); from += BATCH) {
        List<LabelledEvent> slice = events.subList(from, Math.min(events.size(), from + BATCH));
        rows.addAll(List.of(predictor.predict(NetworkTraining.encode(architecture, slice))));
      }
    } catch (TranslateException e) {
      throw new IllegalStateException("the teacher " + model.getName() + " failed to predict: " + e.getMessage(), e);
    }
    return rows.toArray(new float[0][]);
  }

  /** Loads the teacher from its registry artifact. The caller closes it. */
  static Model teacher(Architecture architecture, byte[] artifact) {
    return ModelFormat.load("teacher", architecture, artifact);
  }
}
