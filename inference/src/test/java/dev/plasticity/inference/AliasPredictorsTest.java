package dev.plasticity.inference;

import static dev.plasticity.inference.TestModels.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AliasPredictorsTest {
  private static List<Map<String, Double>> events(int n) {
    return Collections.nCopies(n, event(1, 5, 9));
  }

  private static List<Map<String, String>> none(int n) {
    return Collections.nCopies(n, Map.of());
  }

  @Test
  void theReplacedChampionScoresAsPreviousForItsWatchThenIsReleased() {
    try (AliasPredictors aliases = AliasPredictors.of("fraud", Set.of(AliasRole.SHADOW), 5)) {
      ServingModel v1 = TestModels.serving("fraud", 1);
      aliases.champion().swap(v1);
      assertThat(aliases.predictPrevious(events(3), none(3))).as("no swap yet: nothing watched").isEmpty();

      aliases.champion().swap(TestModels.serving("fraud", 2));

      assertThat(aliases.watchedVersion()).isEqualTo(OptionalInt.of(1));
      assertThat(v1.isClosed()).as("v1 is kept for the watch").isFalse();
      List<Prediction> first = aliases.predictPrevious(events(3), none(3));
      assertThat(first).extracting(Prediction::modelVersion).containsExactly(1, 1, 1);
      assertThat(aliases.champion().predict(event(1, 5, 9)).modelVersion()).isEqualTo(2);
      List<Prediction> last = aliases.predictPrevious(events(3), none(3));
      assertThat(last).as("only what is left of the watch of 5 events").hasSize(2);
      assertThat(aliases.watchedVersion()).isEmpty();
      assertThat(v1.isClosed()).as("released once its watch ended").isTrue();
      assertThat(aliases.predictPrevious(events(3), none(3))).isEmpty();
    }
  }

  @Test
  void aSwapDuringTheWatchReleasesTheWatchedVersionAndWatchesTheNewestOutgoingOne() {
    try (AliasPredictors aliases = AliasPredictors.of("fraud", Set.of(), 100)) {
      ServingModel v1 = TestModels.serving("fraud", 1);
      ServingModel v2 = TestModels.serving("fraud", 2);
      aliases.champion().swap(v1);
      aliases.champion().swap(v2);
      aliases.predictPrevious(events(10), none(10));

      aliases.champion().swap(TestModels.serving("fraud", 3));

      assertThat(v1.isClosed()).isTrue();
      assertThat(v2.isClosed()).isFalse();
      assertThat(aliases.watchedVersion()).isEqualTo(OptionalInt.of(2));
      assertThat(aliases.predictPrevious(events(4), none(4))).extracting(Prediction::modelVersion)
          .containsOnly(2).hasSize(4);
    }
  }

  @Test
  void eventsTheOutgoingVersionCannotScoreCountTowardsItsWatchSoItIsReleasedAllTheSame() {
    try (AliasPredictors aliases = AliasPredictors.of("fraud", Set.of(), 3)) {
      ServingModel v1 = TestModels.serving("fraud", 1);
      aliases.champion().swap(v1);
      aliases.champion().swap(TestModels.serving("fraud", 2));
      List<Map<String, Double>> mixed = List.of(event(1, 5, 9), Map.of("x1", 1.0), event(2, 5, 9));

      List<Prediction> scored = aliases.predictPrevious(mixed, none(3));

      assertThat(scored).hasSize(3);
      assertThat(scored.get(0).modelVersion()).isEqualTo(1);
      assertThat(scored.get(1)).as("v1 reads x2 and x3, which this event lacks").isNull();
      assertThat(scored.get(2).modelVersion()).isEqualTo(1);
      assertThat(v1.isClosed()).isTrue();
    }
  }

  @Test
  void withoutAWatchTheReplacedChampionIsReleasedAtTheSwap() {
    try (AliasPredictors aliases = AliasPredictors.of("fraud", Set.of(), 0)) {
      ServingModel v1 = TestModels.serving("fraud", 1);
      aliases.champion().swap(v1);
      aliases.champion().swap(TestModels.serving("fraud", 2));

      assertThat(v1.isClosed()).isTrue();
      assertThat(aliases.watchedVersion()).isEmpty();
      assertThat(aliases.predictPrevious(events(2), none(2))).isEmpty();
    }
  }

  @Test
  void followsTheChampionAndTheAliasesAskedForAndRefusesToFollowPrevious() {
    try (AliasPredictors aliases = AliasPredictors.of("fraud", Set.of(AliasRole.SHADOW, AliasRole.CHALLENGER), 0)) {
      assertThat(aliases.followed()).containsExactlyInAnyOrder(AliasRole.CHAMPION, AliasRole.SHADOW,
          AliasRole.CHALLENGER);
      assertThat(aliases.predictor(AliasRole.SHADOW)).isPresent().get().isNotSameAs(aliases.champion());
      assertThat(aliases.predictor(AliasRole.PREVIOUS)).as("the watch's predictor").isPresent();
    }
    try (AliasPredictors only = AliasPredictors.of("fraud", Set.of(), 0)) {
      assertThat(only.predictor(AliasRole.SHADOW)).isEmpty();
    }
    assertThatThrownBy(() -> AliasPredictors.of("fraud", Set.of(AliasRole.PREVIOUS), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'previous' is not an alias to follow");
  }

  @Test
  void aRemovedAliasStopsScoringUntilAVersionIsSwappedInAgain() {
    try (AliasPredictors aliases = AliasPredictors.of("fraud", Set.of(AliasRole.SHADOW), 0)) {
      HotSwapPredictor shadow = aliases.predictor(AliasRole.SHADOW).orElseThrow();
      ServingModel v4 = TestModels.serving("fraud", 4);
      shadow.swap(v4);

      assertThat(shadow.stopServing(null)).isTrue();

      assertThat(shadow.servedVersion()).isEmpty();
      assertThat(v4.isClosed()).isTrue();
      assertThat(shadow.newerThanServed(null, 1)).isTrue();
      shadow.swap(TestModels.serving("fraud", 5));
      assertThat(shadow.predict(event(1, 5, 9)).modelVersion()).isEqualTo(5);
    }
  }

  @Test
  void mapsRegistryAliasesToRolesAndSaysWhichAnswer() {
    assertThat(AliasRole.ofRegistryAlias("champion")).contains(AliasRole.CHAMPION);
    assertThat(AliasRole.ofRegistryAlias("challenger")).contains(AliasRole.CHALLENGER);
    assertThat(AliasRole.ofRegistryAlias("shadow")).contains(AliasRole.SHADOW);
    assertThat(AliasRole.ofRegistryAlias("previous")).as("reserved, never a registry alias").isEmpty();
    assertThat(AliasRole.ofRegistryAlias("prod-eu")).isEmpty();
    assertThat(AliasRole.ofRegistryAlias(null)).isEmpty();
    assertThat(AliasRole.ofPrediction("previous")).contains(AliasRole.PREVIOUS);
    assertThat(AliasRole.ofPrediction("champion")).contains(AliasRole.CHAMPION);
    assertThat(AliasRole.ofPrediction("prod-eu")).isEmpty();
    assertThat(AliasRole.CHAMPION.answers()).isTrue();
    assertThat(AliasRole.CHALLENGER.answers()).isTrue();
    assertThat(AliasRole.SHADOW.answers()).isFalse();
    assertThat(AliasRole.PREVIOUS.answers()).isFalse();
  }
}
