package dev.plasticity.inference;

/**
 * Turns a network's class scores into what a {@link Prediction} answers: the probabilities of a row
 * (softmax) and its label (the most probable class, the first on ties). A batch is read back from
 * the engine as scores, one row-major {@code float[]}, and a row's probabilities are computed only
 * when someone asks for them: a caller that needs labels only pays no exponential.
 *
 * <p>The softmax is computed here rather than by the engine: PyTorch's CPU softmax over a last axis
 * of a few classes took about 85 ns a row (PyTorch 2.5.1 on 2 cores, 2 classes), more than a row of a
 * [64, 64] network's forward pass. It works in double precision with the row's largest score
 * subtracted first and agrees with the engine's softmax to float rounding (at most about 1e-7 for
 * probabilities up to 1).
 *
 * <p>Stateless; thread-safe.
 */
final class ClassScores {
  /**
   * A gap between the top score and every other above which the top class is the label without
   * computing the probabilities: {@code exp(-1e-3)} leaves the other probabilities at most 0.999 of
   * the top one, far more than float rounding (a relative 6e-8) can close, so no tie can appear.
   */
  static final double CLEAR_GAP = 1e-3;

  private ClassScores() {}

  /** The probabilities of the row of {@code classes} scores starting at {@code from}. */
  static float[] probabilities(float[] scores, int from, int classes) {
    float[] out = new float[classes];
    int top = from;
    for (int c = from + 1; c < from + classes; c++) {
      if (scores[c] > scores[top]) {
        top = c;
      }
    }
    double max = scores[top];
    double[] exp = new double[classes];
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      exp[c] = from + c == top ? 1.0 : Math.exp(scores[from + c] - max); // exp(0) is 1: one exp fewer a row
      sum += exp[c];
    }
    for (int c = 0; c < classes; c++) {
      out[c] = (float) (exp[c] / sum);
    }
    return out;
  }

  /**
   * The label of the row starting at {@code from}: the index of its largest probability, the first on
   * ties, as {@link #argmax} of {@link #probabilities} gives it. The probabilities are computed only
   * when the top score is not clear of another by {@link #CLEAR_GAP} (or a score is not a number).
   */
  static int label(float[] scores, int from, int classes) {
    int top = from;
    for (int c = from + 1; c < from + classes; c++) {
      if (scores[c] > scores[top]) {
        top = c;
      }
    }
    for (int c = from; c < from + classes; c++) {
      if (c != top && !((double) scores[top] - scores[c] > CLEAR_GAP)) { // also true for NaN
        return argmax(probabilities(scores, from, classes));
      }
    }
    return top - from;
  }

  /** Index of the largest of {@code probabilities}; the first on ties. */
  static int argmax(float[] probabilities) {
    int best = 0;
    for (int i = 1; i < probabilities.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    return best;
  }
}
