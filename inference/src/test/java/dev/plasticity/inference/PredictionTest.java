package dev.plasticity.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PredictionTest {
  @Test
  void aPredictionIsAValueOfLabelProbabilitiesAndVersion() {
    Prediction p = new Prediction(1, new float[] {0.25f, 0.75f}, 3);

    assertThat(p).isEqualTo(new Prediction(1, new float[] {0.25f, 0.75f}, 3))
        .hasSameHashCodeAs(new Prediction(1, new float[] {0.25f, 0.75f}, 3))
        .isNotEqualTo(new Prediction(1, new float[] {0.25f, 0.75f}, 4))
        .isNotEqualTo(new Prediction(0, new float[] {0.25f, 0.75f}, 3))
        .isNotEqualTo(new Prediction(1, new float[] {0.3f, 0.7f}, 3));
    assertThat(p.toString()).isEqualTo("Prediction[label=1, probabilities=[0.25, 0.75], modelVersion=3]");
    assertThat(p.hashCode()).as("as the record with these components hashed")
        .isEqualTo(31 * (31 * 1 + 3) + Arrays.hashCode(new float[] {0.25f, 0.75f}));
  }

  @Test
  void neitherTheArrayGivenNorTheArrayHandedOutChangesAPrediction() {
    float[] given = {0.4f, 0.6f};
    Prediction p = new Prediction(1, given, 1);
    given[0] = 9f;
    p.probabilities()[1] = 9f;

    assertThat(p.probabilities()).containsExactly(0.4f, 0.6f);
  }

  @Test
  void aRowOfABatchReadsOnlyItsOwnScoresAndEqualsTheSamePredictionMadeAlone() {
    float[] scores = {2f, -1f, -1f, 0f, 1f, 2f, 1f, 1f, 0f};

    Prediction second = Prediction.ofBatchScores(scores, 1, 3, 7);
    Prediction tie = Prediction.ofBatchScores(scores, 2, 3, 7);

    float[] softmax = ClassScores.probabilities(new float[] {0f, 1f, 2f}, 0, 3);
    assertThat(softmax).containsExactly(new float[] {0.09003057f, 0.24472848f, 0.66524094f}, within(1e-7f));
    assertThat(second.label()).isEqualTo(2);
    assertThat(second.probabilities()).containsExactly(softmax);
    assertThat(second).isEqualTo(new Prediction(2, softmax, 7))
        .hasSameHashCodeAs(new Prediction(2, softmax, 7))
        .hasToString("Prediction[label=2, probabilities=" + Arrays.toString(softmax) + ", modelVersion=7]");
    assertThat(tie.label()).as("the first of equal probabilities").isZero();
    second.probabilities()[0] = 1f;
    assertThat(second.probabilities()).containsExactly(softmax);
  }

  @Test
  void aPredictionIsWrittenAsJsonWithItsThreeFields() throws Exception {
    String json = new ObjectMapper().writeValueAsString(Prediction.ofBatchScores(new float[] {0f, 9f, 3f, 3f}, 1, 2, 4));

    assertThat(json).isEqualTo("{\"label\":0,\"probabilities\":[0.5,0.5],\"modelVersion\":4}");
  }
}
