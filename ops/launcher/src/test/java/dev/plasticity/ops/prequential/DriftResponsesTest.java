package dev.plasticity.ops.prequential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.ops.prequential.DriftResponses.Moment;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftResponsesTest {

  @Test
  void eachDriftIsAnsweredByTheFirstTriggerAndSwapBeforeTheNextDrift() {
    List<Moment> triggers = List.of(Moment.trigger(900, 0), Moment.trigger(1_600, 3_000_000_000L),
        Moment.trigger(3_200, 8_000_000_000L));
    // v2 answers the trigger read at 1,600; v3, serving after the drift at 3,000, answers the one read at 900
    // (before the first drift): it is nobody's answer; v4 answers the trigger read at 3,200
    List<Moment> serving = List.of(new Moment(2_100, 4_000_000_000L, 2, 1_600), new Moment(3_100, 5_000_000_000L, 3, 900),
        new Moment(3_500, 9_000_000_000L, 4, 3_200));
    List<StreamResult.DriftResponse> responses = DriftResponses.of(List.of(500L, 1_000L, 3_000L), 800, 4_000,
        triggers, serving, new long[] {0, 1_000_000_000L, 5_000_000_000L});

    // the drift at 500 lies in the bootstrap: not the loop's to answer
    assertThat(responses).hasSize(2);
    StreamResult.DriftResponse first = responses.get(0);
    assertThat(first.driftRow()).isEqualTo(1_000);
    assertThat(first.triggerRow()).isEqualTo(1_600);
    assertThat(first.driftToTriggerRows()).isEqualTo(600);
    assertThat(first.driftToTriggerSeconds()).isEqualTo(2.0);
    assertThat(first.servedVersion()).isEqualTo(2);
    assertThat(first.driftToServingRows()).isEqualTo(1_100);
    assertThat(first.driftToServingSeconds()).isEqualTo(3.0);
    StreamResult.DriftResponse second = responses.get(1);
    assertThat(second.triggerRow()).isEqualTo(3_200);
    assertThat(second.driftToTriggerSeconds()).isEqualTo(3.0);
    assertThat(second.servedVersion()).isEqualTo(4);
    assertThat(second.driftToServingRows()).isEqualTo(500);
    assertThat(second.driftToServingSeconds()).isEqualTo(4.0);
  }

  @Test
  void aVersionAskedForBeforeADriftDoesNotAnswerIt() {
    List<StreamResult.DriftResponse> responses = DriftResponses.of(List.of(1_000L, 3_000L), 0, 4_000,
        List.of(Moment.trigger(1_500, 0)), List.of(new Moment(3_400, 0, 2, 1_500)), new long[] {1, 1});

    assertThat(responses.get(0).servedVersion()).isEqualTo(2); // asked for after the first drift, served after the second
    assertThat(responses.get(0).driftToServingRows()).isEqualTo(2_400);
    assertThat(responses.get(1).triggerRow()).isNull();
    assertThat(responses.get(1).servedVersion()).isNull();
  }
}
