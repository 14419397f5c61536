package dev.plasticity.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.generators.ElectricityLikeGenerator;
import dev.plasticity.generators.Instance;
import dev.plasticity.generators.PrequentialStreams;
import dev.plasticity.generators.StreamGenerator;
import dev.plasticity.schemas.LabelledEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputLevelsTest {
  /** {@code n} events of {@code generator} after skipping {@code skip}, in order. */
  static List<LabelledEvent> events(StreamGenerator generator, int skip, int n) {
    List<String> names = generator.featureNames();
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < skip + n; i++) {
      Instance instance = generator.next();
      if (i < skip) {
        continue;
      }
      Map<String, Double> features = new HashMap<>();
      for (int f = 0; f < names.size(); f++) {
        features.put(names.get(f), instance.features()[f]);
      }
      events.add(LabelledEvent.newBuilder().setEventId("e" + i).setModel("m").setEventTime(i).setFeatures(features)
          .setLabel(instance.label()).build());
    }
    return events;
  }

  @Test
  void parsesEveryFormAndWritesItBack() {
    for (String text : List.of("off", "auto", "300")) {
      assertThat(InputLevels.parse(text).wireName()).isEqualTo(text);
    }
    assertThat(InputLevels.parse("0")).isEqualTo(InputLevels.OFF);
    assertThat(InputLevels.parse(" Auto ")).isEqualTo(InputLevels.AUTO);
    assertThatThrownBy(() -> InputLevels.parse("1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input levels must be off, auto or a span of events SPAN >= 2 (0 for off), was '1'")
        .hasMessageContaining("a level span must be 2 to 1000000");
    assertThatThrownBy(() -> InputLevels.parse("weekly")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 'weekly'");
    assertThat(new InputLevels.Fixed(48).choose(List.of("x"), List.of(), 0))
        .isEqualTo(new InputLevels.Choice(48, "features relative to their levels over 48 events, as configured"));
    assertThat(InputLevels.OFF.choose(List.of("x"), List.of(), 0)).isEqualTo(new InputLevels.Choice(0, ""));
  }

  @Test
  void autoReadsTheFeaturesOfAStreamWhoseLevelsWanderRelativeToThem() {
    ElectricityLikeGenerator generator = new ElectricityLikeGenerator(3);
    List<LabelledEvent> training = events(generator, 4000, 3000);

    InputLevels.Choice choice = InputLevels.AUTO.choose(generator.featureNames(), training, 0);

    assertThat(choice.levelSpan()).as(choice.reason()).isPositive();
    assertThat(choice.reason()).contains("input levels (auto): over " + choice.levelSpan() + " events")
        .contains("on the newest 600 of 3000 training events").contains(": significant at 0.050");
  }

  @Test
  void autoReadsTheFeaturesOfAStationaryStreamAsTheyAre() {
    StreamGenerator sea = PrequentialStreams.byName("sea-abrupt", 20_000, 1).stream();
    List<LabelledEvent> training = events(sea, 0, 3000);

    InputLevels.Choice choice = InputLevels.AUTO.choose(sea.featureNames(), training, 0);

    assertThat(choice.levelSpan()).as(choice.reason()).isZero();
    assertThat(choice.reason()).contains("input levels (auto): none").contains(": not significant");
  }

  @Test
  void tooFewEventsAreNoEvidence() {
    ElectricityLikeGenerator generator = new ElectricityLikeGenerator(3);

    assertThat(InputLevels.AUTO.choose(generator.featureNames(), events(generator, 0, 40), 0).levelSpan()).isZero();
    InputLevels.Choice kept = InputLevels.AUTO.choose(generator.featureNames(), events(generator, 0, 40), 300);
    assertThat(kept.levelSpan()).isEqualTo(300);
    assertThat(kept.reason()).contains("over 300 events, the serving version's, since 40 training events are too few");
  }

  @Test
  void autoKeepsTheServingVersionsSpanUnlessAnotherIsSignificantlyBetter() {
    ElectricityLikeGenerator generator = new ElectricityLikeGenerator(3);
    List<LabelledEvent> training = events(generator, 4000, 3000);
    int best = InputLevels.AUTO.choose(generator.featureNames(), training, 0).levelSpan();
    int near = best + best / 10;

    InputLevels.Choice kept = InputLevels.AUTO.choose(generator.featureNames(), training, near);
    InputLevels.Choice left = InputLevels.AUTO.choose(generator.featureNames(), training, 0);

    // a span a tenth longer reads almost the same: no significant difference, so no change of inputs
    assertThat(kept.levelSpan()).as(kept.reason()).isEqualTo(near);
    assertThat(kept.reason()).contains("over the serving version's " + near + " events").contains(": not significant");
    assertThat(left.levelSpan()).as("the features as they are lose significantly").isEqualTo(best);
  }
}
