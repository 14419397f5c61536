package dev.plasticity.ops.prequential;

/**
 * Predicts the label it learned last: the baseline of temporal kappa, strong wherever labels persist. Predicts class 0
 * before it learned anything. Not thread-safe.
 */
public final class NoChangeClassifier implements OnlineClassifier {
  private int last;

  @Override
  public int predict(double[] features) {
    return last;
  }

  @Override
  public void learn(double[] features, int label) {
    last = label;
  }
}
