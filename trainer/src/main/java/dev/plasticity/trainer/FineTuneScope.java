package dev.plasticity.trainer;

import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.core.Linear;
import java.util.List;

/**
 * Which layers of the serving network a fine-tune may change; the rest keep the parent's
 * weights. Works on the block {@code ModelFormat.buildBlock} makes: hidden layers in order (a
 * Linear with its normalisation, activation and dropout, or a skip-connected one), then the
 * output Linear.
 */
public enum FineTuneScope {
  /** Every layer. */
  ALL,
  /** The last hidden layer and the output layer; lower layers keep what they learnt. */
  TOP,
  /** The output layer only. */
  HEAD;

  /** Freezes the parameters of every layer below this scope in {@code network}; returns those layers. */
  public List<Block> freezeBelow(Block network) {
    List<Block> layers = network.getChildren().values();
    int head = layers.size() - 1;
    int from = switch (this) {
      case ALL -> 0;
      case HEAD -> head;
      case TOP -> lastHiddenLayerStart(layers, head);
    };
    for (int i = 0; i < from; i++) {
      layers.get(i).freezeParameters(true);
    }
    return layers.subList(0, from);
  }

  /** Index of the block that starts the last hidden layer (its Linear or skip block), or the head when there is none. */
  private static int lastHiddenLayerStart(List<Block> layers, int head) {
    int start = head;
    for (int i = 0; i < head; i++) {
      if (layers.get(i) instanceof Linear || layers.get(i) instanceof ParallelBlock) {
        start = i;
      }
    }
    return start;
  }
}
