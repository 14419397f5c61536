package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.LabelledEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelLagsTest {
  private static List<LabelledEvent> labelled(int... labels) {
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      events.add(LabelledEvent.newBuilder().setEventId("e" + i).setModel("m").setEventTime(i)
          .setFeatures(Map.of("x", 0.0)).setLabel(labels[i]).build());
    }
    return events;
  }

  @Test
  void parsesEveryFormAndWritesItBack() {
    for (String text : List.of("off", "auto", "auto:3", "2")) {
      assertThat(LabelLags.parse(text).wireName()).isEqualTo(text);
    }
    assertThat(LabelLags.parse("0")).isEqualTo(LabelLags.OFF);
    assertThat(LabelLags.parse(" AUTO ")).isEqualTo(LabelLags.AUTO);
    assertThatThrownBy(() -> LabelLags.parse("-1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label lags must be off, auto, auto:K or a whole number K >= 0, was '-1'");
    assertThatThrownBy(() -> LabelLags.parse("auto:0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label lags must be");
    assertThatThrownBy(() -> LabelLags.parse("65")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fixed label lags must be 1 to 64");
  }

  @Test
  void autoTakesLagsWhenThePreviousLabelBeatsTheMajorityClass() {
    // runs of five: the previous label is right 32 times in 40 (the first has none), the majority class 20 times
    int[] labels = new int[40];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (i / 5) % 2;
    }

    LabelLags.Choice choice = LabelLags.AUTO.choose(labelled(labels));

    assertThat(choice.labelLags()).isEqualTo(1);
    assertThat(choice.reason()).contains("label lags (auto): 1").contains("scores 0.800 and the majority class 0.500")
        .contains("gain 0.300 >= 0.05");
  }

  @Test
  void autoTakesNoneWhenLabelsAlternate() {
    LabelLags.Choice choice = new LabelLags.Auto(2).choose(labelled(0, 1, 0, 1, 0, 1, 0, 1));

    assertThat(choice.labelLags()).isZero();
    assertThat(choice.reason()).contains("label lags (auto): none").contains("gain -0.500 < 0.05");
  }

  @Test
  void offAndFixedDoNotWeighTheEvidence() {
    assertThat(LabelLags.OFF.choose(labelled(0, 0, 0))).isEqualTo(new LabelLags.Choice(0, ""));
    assertThat(new LabelLags.Fixed(3).choose(labelled(0, 1)).labelLags()).isEqualTo(3);
  }
}
