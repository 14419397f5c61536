package dev.plasticity.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.generators.PrequentialStreams;
import dev.plasticity.ops.prequential.LabelledRows;
import dev.plasticity.ops.prequential.MajorityClassifier;
import dev.plasticity.ops.prequential.NoChangeClassifier;
import dev.plasticity.ops.prequential.PrequentialEvaluation;
import dev.plasticity.ops.prequential.PrequentialScore;
import dev.plasticity.ops.prequential.StreamResult;
import org.junit.jupiter.api.Test;

/** The MOA wiring and the scoring of the prequential benchmark on a tiny stream; the loop is not started here. */
class PrequentialBenchTest {

  private static final int ROWS = 3_000;
  private static final int BOOTSTRAP = 500;

  @Test
  void moaLearnersAreScoredOnTheSameRowsAsTheBaselinesAndLearnTheConcept() {
    LabelledRows rows = LabelledRows.of(PrequentialStreams.byName("sea-abrupt", ROWS, 1), ROWS);
    PrequentialScore.Score noChange = PrequentialEvaluation.evaluate(rows, BOOTSTRAP, 500, new NoChangeClassifier());
    PrequentialScore.Score majority = PrequentialEvaluation.evaluate(rows, BOOTSTRAP, 500,
        new MajorityClassifier(rows.numClasses()));

    for (MoaClassifier.Kind kind : MoaClassifier.Kind.values()) {
      StreamResult.LearnerResult result = PrequentialBench.reference(kind, rows, BOOTSTRAP, 500, 1);

      assertThat(result.name()).isEqualTo(kind.label);
      assertThat(result.role()).isEqualTo(StreamResult.Role.REFERENCE);
      PrequentialScore.Score score = result.score();
      assertThat(score.rows()).isEqualTo(ROWS - BOOTSTRAP);
      assertThat(score.blockAccuracy()).hasSize(5);
      // the same rows in the same order: the no-change reference inside each score is the baseline's accuracy
      assertThat(score.noChangeAccuracy()).isEqualTo(noChange.accuracy());
      // SEA with 10% label noise: a tree or a forest beats the majority class and has a clearly positive kappa
      assertThat(score.accuracy()).as(kind.label).isGreaterThan(majority.accuracy() + 0.1);
      assertThat(score.kappa()).as(kind.label).isGreaterThan(0.3);
    }
  }

  @Test
  void aMoaLearnerWithTheSameSeedOnTheSameRowsScoresTheSame() {
    LabelledRows rows = LabelledRows.of(PrequentialStreams.byName("rbf-moving", 1_500, 2), 1_500);

    StreamResult.LearnerResult first = PrequentialBench.reference(MoaClassifier.Kind.ADAPTIVE_RANDOM_FOREST, rows,
        BOOTSTRAP, 250, 7);
    StreamResult.LearnerResult second = PrequentialBench.reference(MoaClassifier.Kind.ADAPTIVE_RANDOM_FOREST, rows,
        BOOTSTRAP, 250, 7);

    assertThat(second.score()).isEqualTo(first.score());
    assertThat(rows.numClasses()).isEqualTo(5);
  }
}
