package dev.plasticity.trainer.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.loss.Loss;
import java.util.List;

/**
 * What one training step of {@link NetworkTraining} minimises, from a batch's class scores and
 * labels, plus per-row values the objective brings (sample weights, a teacher's probabilities)
 * and, where it needs them, the network's own parameters (a penalty on how far they move).
 *
 * <p>Every array an objective creates or computes must start from the batch's arrays (the
 * scores, labels or row values), so that it is freed with the batch; an operation whose left
 * operand is a network parameter would attach its result to the model and outlive the batch.
 *
 * <p>Implementations are immutable values and safe to share.
 */
public interface TrainingObjective {
  /** Softmax cross-entropy on the labels, exactly the loss a plain training run uses. */
  TrainingObjective CROSS_ENTROPY = new TrainingObjective() {
    @Override
    public NDArray loss(Block network, NDArray scores, NDArray labels, NDList rows) {
      return Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels), new NDList(scores));
    }

    @Override
    public String toString() {
      return "cross-entropy";
    }
  };

  /**
   * Values the objective needs for each training row, in the order of {@code
   * LabelledData.train()}: one {@code [rows][width]} table per kind of value. Empty for none.
   */
  default List<float[][]> rowValues() {
    return List.of();
  }

  /**
   * The batch's loss, a scalar to differentiate.
   *
   * @param network the network being trained (its parameters are the live, differentiable ones)
   * @param scores the network's class scores (logits), {@code [batch, classes]}
   * @param labels the class labels, {@code [batch]}
   * @param rows this batch's slices of {@link #rowValues()}, in the same order
   */
  NDArray loss(Block network, NDArray scores, NDArray labels, NDList rows);

  /** Per-row softmax cross-entropy, {@code [batch]}: −log softmax(scores)[label]. */
  static NDArray crossEntropyPerRow(NDArray scores, NDArray labels) {
    NDArray oneHot = labels.toType(DataType.INT64, false).oneHot(Math.toIntExact(scores.getShape().get(1)));
    return scores.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
  }
}
