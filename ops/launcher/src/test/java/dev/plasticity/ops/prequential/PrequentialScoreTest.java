package dev.plasticity.ops.prequential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialScoreTest {

  @Test
  void accuracyKappaAndBlocksFollowTheirDefinitions() {
    PrequentialScore score = new PrequentialScore(2, 2, 0);
    score.record(1, 1);
    score.record(1, 1);
    score.record(0, 1);
    score.record(0, 0);

    PrequentialScore.Score s = score.score();
    assertThat(s.rows()).isEqualTo(4);
    assertThat(s.accuracy()).isEqualTo(0.75);
    // chance agreement: predicted shares 1/2, 1/2 against label shares 1/4, 3/4 gives 0.5
    assertThat(s.kappa()).isCloseTo(0.5, within(1e-12));
    // no-change from label 0: wrong, right, right, wrong = 0.5
    assertThat(s.noChangeAccuracy()).isEqualTo(0.5);
    assertThat(s.temporalKappa()).isCloseTo(0.5, within(1e-12));
    assertThat(s.blockAccuracy()).containsExactly(1.0, 0.5);
  }

  @Test
  void aModelNoBetterThanRepeatingTheLastLabelHasTemporalKappaZero() {
    PrequentialScore score = new PrequentialScore(2, 10, 1);
    score.record(1, 1);
    score.record(1, 1);
    score.record(0, 1);
    score.record(0, 0);

    // no-change from label 1: right, right, right, wrong = 0.75, the model's own accuracy
    assertThat(score.score().temporalKappa()).isCloseTo(0.0, within(1e-12));
    assertThat(score.score().blockAccuracy()).containsExactly(0.75); // the short last block counts
  }

  @Test
  void aFailedPredictionCountsAsWrong() {
    PrequentialScore score = new PrequentialScore(3, 10, 0);
    score.record(2, 2);
    score.recordFailure(2);

    assertThat(score.score().accuracy()).isEqualTo(0.5);
    assertThat(score.score().rows()).isEqualTo(2);
  }

  @Test
  void kappaIsAbsentWhereChanceAgreementIsCertain() {
    PrequentialScore score = new PrequentialScore(2, 10, 0);
    score.record(0, 0);
    score.record(0, 0);

    assertThat(score.score().accuracy()).isEqualTo(1.0);
    assertThat(score.score().kappa()).isNull();
    assertThat(score.score().temporalKappa()).isNull();
  }

  @Test
  void aClassOutsideTheStreamsClassesIsRefused() {
    PrequentialScore score = new PrequentialScore(2, 10, 0);
    assertThatThrownBy(() -> score.record(2, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prediction 2 is outside the classes [0, 2)");
  }

  @Test
  void baselinesAreScoredOnTheRowsAfterTheBootstrap() {
    List<double[]> x = java.util.Collections.nCopies(8, new double[] {0});
    // labels 1 1 1 0 | 0 0 1 0, the first four the bootstrap
    LabelledRows rows = new LabelledRows("t", List.of("x"), List.of("0", "1"), x, new int[] {1, 1, 1, 0, 0, 0, 1, 0},
        List.of(), List.of());
    PrequentialScore.Score noChange = PrequentialEvaluation.evaluate(rows, 4, 2, new NoChangeClassifier());
    // no-change predicts 0 (the last bootstrap label), 0, 0, 1 for labels 0, 0, 1, 0
    assertThat(noChange.accuracy()).isEqualTo(0.5);
    assertThat(noChange.temporalKappa()).isCloseTo(0.0, within(1e-12));

    // labels 1 1 1 0 | 0 0 0 0: the majority counts 1:3 then 2:3 (says 1, 1: wrong), 3:3 (a tie says 0), 4:3 (0)
    LabelledRows zeros = new LabelledRows("t", List.of("x"), List.of("0", "1"), x, new int[] {1, 1, 1, 0, 0, 0, 0, 0},
        List.of(), List.of());
    PrequentialScore.Score majority = PrequentialEvaluation.evaluate(zeros, 4, 2, new MajorityClassifier(2));
    assertThat(majority.accuracy()).isEqualTo(0.5);
    assertThat(majority.blockAccuracy()).containsExactly(0.0, 1.0);
  }
}
