package dev.plasticity.registry.client;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * Translator from a batch of encoded rows ({@link ModelFormat#encode}) to class probabilities,
 * building one array per batch (not one per row). Use with {@code model.newPredictor(...)}. It reads
 * the network's first output as the class scores: a network may return more after it (an {@link
 * EarlyExitBlock} returns the parameters each row used).
 */
public final class ClassProbabilities implements NoBatchifyTranslator<float[][], float[][]> {
  @Override
  public NDList processInput(TranslatorContext ctx, float[][] rows) {
    return new NDList(ctx.getNDManager().create(rows));
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList list) {
    NDArray probabilities = list.get(0).softmax(1); // an experts or early-exit network adds per-row active parameters after the scores
    long[] shape = probabilities.getShape().getShape();
    int rows = (int) shape[0];
    int classes = (int) shape[1];
    float[] flat = probabilities.toFloatArray();
    float[][] out = new float[rows][classes];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * classes, out[r], 0, classes);
    }
    return out;
  }

  /** Index of the largest probability. */
  public static int argmax(float[] probabilities) {
    int best = 0;
    for (int i = 1; i < probabilities.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    return best;
  }
}
