package dev.plasticity.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.schemas.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InputEncoderTest {
  private static final List<String> FEATURES = List.of("a", "b", "c", "d", "e");

  private static Architecture architecture(int labelLags, int levelSpan) {
    Random random = new Random(labelLags * 31L + levelSpan);
    List<Double> means = new ArrayList<>();
    List<Double> stds = new ArrayList<>();
    List<Double> levels = new ArrayList<>();
    for (int i = 0; i < FEATURES.size(); i++) {
      means.add(random.nextGaussian() * 3);
      stds.add(i == 2 ? 0.0 : 0.1 + random.nextDouble() * 5); // a zero std divides by one
      levels.add(random.nextGaussian() * 10);
    }
    return Architecture.newBuilder()
        .setInputFeatures(FEATURES)
        .setFeatureMeans(means)
        .setFeatureStds(stds)
        .setHiddenUnits(List.of(8))
        .setNumClasses(3)
        .setLabelLags(labelLags)
        .setLevelSpan(levelSpan)
        .setFeatureLevels(levelSpan > 0 ? levels : List.of())
        .build();
  }

  /** Events with every feature plus one the model does not read, in shuffled key order. */
  private static List<Map<String, Double>> events(long seed, int n) {
    Random random = new Random(seed);
    List<Map<String, Double>> events = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      Map<String, Double> event = new HashMap<>();
      for (String name : FEATURES) {
        event.put(new String(name), random.nextGaussian() * 100 + random.nextInt(7)); // not the interned name
      }
      event.put("unused", random.nextDouble());
      events.add(event);
    }
    return events;
  }

  @Test
  void everyRowOfABatchEqualsTheSingleRowEncodingWithLagsAndLevels() {
    for (int lags : List.of(0, 1, 3)) {
      for (int span : List.of(0, 1, 7)) {
        Architecture arch = architecture(lags, span);
        InputEncoder encoder = InputEncoder.of(arch);
        int[] recentLabels = {2, 0}; // fewer than three lags known; a third block stays zeros
        List<Map<String, Double>> events = events(lags * 10L + span, 200);
        FeatureLevels batchLevels = span > 0 ? FeatureLevels.of(arch) : null;
        FeatureLevels rowLevels = span > 0 ? FeatureLevels.of(arch) : null;

        float[] batch = encoder.encode(events, recentLabels, batchLevels);

        assertThat(encoder.width()).isEqualTo(FEATURES.size() + lags * 3);
        assertThat(batch).hasSize(events.size() * encoder.width());
        for (int r = 0; r < events.size(); r++) {
          float[] single = ModelFormat.encode(arch, events.get(r), recentLabels,
              rowLevels == null ? null : rowLevels.next(events.get(r)));
          float[] row = Arrays.copyOfRange(batch, r * encoder.width(), (r + 1) * encoder.width());
          assertThat(row).as("row %d of %s", r, ModelFormat.describe(arch)).containsExactly(single);
        }
        if (span > 0) {
          assertThat(batchLevels.current()).as("levels walked the batch in order").isEqualTo(rowLevels.current());
        }
      }
    }
  }

  @Test
  void aBatchEqualsTheSingleRowEncodingsWithoutLabelsOrLevels() {
    Architecture arch = architecture(0, 0);
    List<Map<String, Double>> events = events(5, 50);

    float[] batch = InputEncoder.of(arch).encode(events, new int[0], null);

    for (int r = 0; r < events.size(); r++) {
      assertThat(Arrays.copyOfRange(batch, r * 5, r * 5 + 5)).containsExactly(ModelFormat.encode(arch, events.get(r)));
    }
  }

  @Test
  void aMissingFeatureIsNamedAsTheSingleRowEncodingNamesIt() {
    Architecture arch = architecture(1, 0);
    List<Map<String, Double>> events = new ArrayList<>(events(1, 3));
    events.get(1).remove("d");

    assertThatThrownBy(() -> InputEncoder.of(arch).encode(events, new int[0], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feature 'd' is missing; the model needs [a, b, c, d, e]");
    assertThatThrownBy(() -> ModelFormat.encode(arch, events.get(1), new int[0], null))
        .hasMessage("feature 'd' is missing; the model needs [a, b, c, d, e]");
  }

  @Test
  void aNetworkThatReadsLevelsRefusesABatchWithoutThemOrWithLevelsOfOtherFeatures() {
    Architecture arch = architecture(0, 4);
    List<Map<String, Double>> events = events(2, 2);
    InputEncoder encoder = InputEncoder.of(arch);

    assertThatThrownBy(() -> encoder.encode(events, new int[0], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relative to their levels (levelSpan 4); got none");
    FeatureLevels otherSpan = FeatureLevels.of(architecture(0, 5));
    assertThatThrownBy(() -> encoder.encode(events, new int[0], otherSpan))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got levels of [a, b, c, d, e] over 5 events");
  }

  /** The same events held by column: every key of the maps (the unused one too), in one column each. */
  private static FeatureColumns byColumn(List<Map<String, Double>> events) {
    List<String> names = new ArrayList<>(events.get(0).keySet());
    double[][] columns = new double[names.size()][events.size()];
    for (int r = 0; r < events.size(); r++) {
      for (int c = 0; c < names.size(); c++) {
        columns[c][r] = events.get(r).get(names.get(c));
      }
    }
    return FeatureColumns.of(names, columns);
  }

  @Test
  void aBatchByColumnEncodesAsTheSameEventsGivenAsMapsWithLagsAndLevels() {
    for (int lags : List.of(0, 1, 3)) {
      for (int span : List.of(0, 1, 7)) {
        Architecture arch = architecture(lags, span);
        InputEncoder encoder = InputEncoder.of(arch);
        int[] recentLabels = {1, 2};
        List<Map<String, Double>> events = events(lags * 10L + span + 100, 150);
        FeatureLevels mapLevels = span > 0 ? FeatureLevels.of(arch) : null;
        FeatureLevels columnLevels = span > 0 ? FeatureLevels.of(arch) : null;

        float[] fromColumns = encoder.encode(byColumn(events), recentLabels, columnLevels);

        assertThat(fromColumns).as(ModelFormat.describe(arch)).containsExactly(encoder.encode(events, recentLabels,
            mapLevels));
        if (span > 0) {
          assertThat(columnLevels.current()).as("levels walked the rows in order").isEqualTo(mapLevels.current());
        }
      }
    }
  }

  @Test
  void aBatchByColumnWithoutAFeatureTheModelNeedsIsRefusedNamingIt() {
    Architecture arch = architecture(0, 0);
    FeatureColumns columns = FeatureColumns.of(List.of("a", "b", "c", "e"), new double[4][3]);

    assertThatThrownBy(() -> InputEncoder.of(arch).encode(columns, new int[0], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feature 'd' is missing; the model needs [a, b, c, d, e]");
  }

  @Test
  void aLevelledNetworkRefusesAnEventWithANonFiniteFeatureAfterWalkingTheRowsBeforeIt() {
    Architecture arch = architecture(0, 3);
    List<Map<String, Double>> events = events(4, 3);
    events.get(1).put("b", Double.NaN);
    FeatureLevels levels = FeatureLevels.of(arch);
    FeatureLevels expected = FeatureLevels.of(arch);
    expected.next(events.get(0));

    assertThatThrownBy(() -> InputEncoder.of(arch).encode(events, new int[0], levels))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feature 'b' is NaN; a level follows finite values only");
    assertThat(levels.current()).isEqualTo(expected.current());
  }
}
