package dev.plasticity.ops.prequential;

/**
 * A learner that the prequential evaluation scores row by row next to the loop: it predicts a row, then learns its
 * label. The baselines here are the trivial ones a user tries first; the benchmark adds reference stream learners.
 */
public interface OnlineClassifier {

  /** The class predicted for {@code features}. */
  int predict(double[] features);

  /** Learns that {@code features} have class {@code label}. */
  void learn(double[] features, int label);
}
