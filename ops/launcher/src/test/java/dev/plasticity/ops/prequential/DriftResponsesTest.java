package dev.plasticity.ops.prequential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.ops.prequential.DriftResponses.Moment;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftResponsesTest {

  @Test
  void eachDriftIsAnsweredByTheFirstTriggerAndSwapBeforeTheNextDrift() {
    List<Moment> triggers = List.of(new Moment(900, 0, 0), new Moment(1_600, 3_000_000_000L, 0));
    List<Moment> serving = List.of(new Moment(2_100, 4_000_000_000L, 2), new Moment(3_500, 9_000_000_000L, 3));

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
    assertThat(second.triggerRow()).isNull(); // no trigger after row 3,000
    assertThat(second.servedVersion()).isEqualTo(3);
    assertThat(second.driftToServingRows()).isEqualTo(500);
    assertThat(second.driftToServingSeconds()).isEqualTo(4.0);
  }
}
