package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.plasticity.schemas.Architecture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureLevelsTest {
  private static Architecture relative(int span, List<Double> levels) {
    return Architecture.newBuilder()
        .setInputFeatures(List.of("x1", "x2"))
        .setFeatureMeans(List.of(0.0, 1.0))
        .setFeatureStds(List.of(2.0, 1.0))
        .setHiddenUnits(List.of(4))
        .setNumClasses(2)
        .setLevelSpan(span)
        .setFeatureLevels(levels)
        .build();
  }

  @Test
  void anEventIsReadAgainstTheLevelBeforeItThenMovesItByOneSpanth() {
    FeatureLevels levels = FeatureLevels.of(relative(4, List.of(10.0, -2.0)));

    assertThat(levels.next(Map.of("x1", 14.0, "x2", 2.0))).containsExactly(10.0, -2.0);
    assertThat(levels.next(Map.of("x1", 11.0, "x2", -1.0))).containsExactly(11.0, -1.0);
    assertThat(levels.current()).containsExactly(11.0, -1.0);
  }

  @Test
  void levelsStartingOnEventsStartAtTheMeanOfTheFirstSpan() {
    List<Map<String, Double>> events = List.of(Map.of("x1", 1.0, "x2", 0.0), Map.of("x1", 3.0, "x2", 4.0),
        Map.of("x1", 100.0, "x2", 100.0));

    FeatureLevels levels = FeatureLevels.startingOn(List.of("x1", "x2"), 2, events);

    assertThat(levels.next(events.get(0))).containsExactly(2.0, 2.0);
    assertThat(FeatureLevels.startingOn(List.of("x1"), 10, events).current().get(0))
        .isCloseTo(104.0 / 3, within(1e-12));
  }

  @Test
  void aRelativeNetworkReadsEachFeatureMinusItsLevelThenStandardised() {
    Architecture architecture = relative(4, List.of(10.0, -2.0));

    // x1: (14 - 10 - 0) / 2 = 2; x2: (2 - (-2) - 1) / 1 = 3
    assertThat(ModelFormat.encode(architecture, Map.of("x1", 14.0, "x2", 2.0), new int[0], new double[] {10, -2}))
        .containsExactly(2f, 3f);
    // without levels given, a single event is read against where the version's training left them
    assertThat(ModelFormat.encode(architecture, Map.of("x1", 14.0, "x2", 2.0))).containsExactly(2f, 3f);
    assertThatThrownBy(() -> ModelFormat.encode(architecture, Map.of("x1", 14.0, "x2", 2.0), new int[0], null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relative to their levels (levelSpan 4)");
  }

  @Test
  void aNetworkWithoutASpanIgnoresLevels() {
    Architecture plain = relative(0, List.of());

    assertThat(ModelFormat.encode(plain, Map.of("x1", 14.0, "x2", 2.0), new int[0], new double[] {10, -2}))
        .containsExactly(7f, 1f);
    assertThatThrownBy(() -> FeatureLevels.of(plain)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("as they are");
  }

  @Test
  void aMissingOrNonFiniteFeatureIsRefusedAndLeavesTheLevelsAsTheyWere() {
    FeatureLevels levels = FeatureLevels.of(relative(4, List.of(10.0, -2.0)));

    assertThatThrownBy(() -> levels.next(Map.of("x1", 1.0))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feature 'x2' is missing");
    assertThatThrownBy(() -> levels.next(Map.of("x1", Double.NaN, "x2", 1.0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    assertThat(levels.current()).containsExactly(10.0, -2.0);
  }

  @Test
  void theLevelsOfAnArchitectureAreChecked() {
    assertThatThrownBy(() -> ModelFormat.checkLevels(relative(4, List.of(1.0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one entry per input feature (2)");
    assertThatThrownBy(() -> ModelFormat.checkLevels(relative(0, List.of(1.0, 2.0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty when levelSpan is 0");
    assertThatThrownBy(() -> ModelFormat.checkLevels(relative(-1, List.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("levelSpan must be 0");
    assertThatThrownBy(() -> ModelFormat.checkLevels(relative(4, List.of(1.0, Double.POSITIVE_INFINITY))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    ModelFormat.checkLevels(relative(4, List.of(1.0, 2.0)));
    ModelFormat.checkLevels(relative(0, List.of()));
  }
}
