package dev.plasticity.ops.prequential;

/** Test-then-train evaluation of an {@link OnlineClassifier} on {@link LabelledRows}, without the loop. */
public final class PrequentialEvaluation {
  private PrequentialEvaluation() {}

  /**
   * Trains {@code learner} on the first {@code bootstrapRows} rows (unscored, as the loop's first version is trained on
   * them), then predicts each following row before learning its label, and scores those predictions.
   */
  public static PrequentialScore.Score evaluate(LabelledRows rows, int bootstrapRows, int blockSize,
      OnlineClassifier learner) {
    if (bootstrapRows < 1 || bootstrapRows >= rows.size()) {
      throw new IllegalArgumentException("bootstrap rows must be in [1, " + rows.size() + "), was " + bootstrapRows);
    }
    int[] labels = rows.labels();
    for (int i = 0; i < bootstrapRows; i++) {
      learner.learn(rows.features().get(i), labels[i]);
    }
    PrequentialScore score = new PrequentialScore(rows.numClasses(), blockSize, labels[bootstrapRows - 1]);
    for (int i = bootstrapRows; i < rows.size(); i++) {
      double[] x = rows.features().get(i);
      score.record(learner.predict(x), labels[i]);
      learner.learn(x, labels[i]);
    }
    return score.score();
  }
}
