package dev.plasticity.ops.prequential;

/**
 * Predicts the class it has learned most often so far (the lowest index on a tie): the running majority baseline.
 * Not thread-safe.
 */
public final class MajorityClassifier implements OnlineClassifier {
  private final long[] counts;

  public MajorityClassifier(int numClasses) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("a majority needs at least one class, was " + numClasses);
    }
    this.counts = new long[numClasses];
  }

  @Override
  public int predict(double[] features) {
    int best = 0;
    for (int k = 1; k < counts.length; k++) {
      if (counts[k] > counts[best]) {
        best = k;
      }
    }
    return best;
  }

  @Override
  public void learn(double[] features, int label) {
    counts[label]++;
  }
}
