package dev.plasticity.inference.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.inference.ServingFixtures;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.UnlabelledEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventScorerTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  private static UnlabelledEvent event(String id, String model, Map<String, Double> features) {
    return UnlabelledEvent.newBuilder().setEventId(id).setModel(model).setEventTime(1L).setFeatures(features).build();
  }

  @Test
  void aBatchIsScoredInOneCallAndMatchesScoringEachEventAlone() {
    try (HotSwapPredictor predictor = new HotSwapPredictor("fraud")) {
      ServingFixtures.serve(predictor, 4);
      EventScorer scorer = new EventScorer(Scorers.of(predictor), CLOCK);
      List<UnlabelledEvent> events = List.of(event("e-1", "fraud", Map.of("x1", 1.0, "x2", 5.0, "x3", 9.0)),
          event("e-2", "fraud", Map.of("x1", 9.0, "x2", 5.0, "x3", 1.0)));

      List<EventScorer.Outcome> batch = scorer.scoreBatch(events);

      assertThat(batch).hasSize(2).allMatch(EventScorer.Scored.class::isInstance);
      for (int i = 0; i < 2; i++) {
        Prediction alone = ((EventScorer.Scored) scorer.score(events.get(i))).prediction();
        Prediction batched = ((EventScorer.Scored) batch.get(i)).prediction();
        // a batched forward pass may round the last bit of a probability differently from a single row's
        assertThat(batched.getProbabilities()).usingElementComparator(
            (a, b) -> Math.abs(a - b) <= 1e-6f ? 0 : Float.compare(a, b)).isEqualTo(alone.getProbabilities());
        batched.setProbabilities(alone.getProbabilities());
        assertThat(batched).isEqualTo(alone);
      }
    }
  }

  @Test
  void aBatchThatFailsAsAWholeRefusesOnlyTheEventAtFaultWithItsRule() {
    try (HotSwapPredictor predictor = new HotSwapPredictor("fraud")) {
      ServingFixtures.serve(predictor, 4);
      EventScorer scorer = new EventScorer(Scorers.of(predictor), CLOCK);

      List<EventScorer.Outcome> outcomes = scorer.scoreBatch(List.of(
          event("e-1", "fraud", Map.of("x1", 1.0, "x2", 5.0, "x3", 9.0)),
          event("e-2", "fraud", Map.of("x1", 1.0, "x3", 9.0)),
          event("e-3", "fraud", Map.of("x1", 2.0, "x2", 5.0, "x3", 9.0))));

      assertThat(outcomes.get(0)).isInstanceOf(EventScorer.Scored.class);
      assertThat(outcomes.get(1)).isInstanceOfSatisfying(EventScorer.Refused.class,
          refused -> assertThat(refused.rule()).isEqualTo(DeadLetterRule.MISSING_FEATURE));
      assertThat(outcomes.get(2)).isInstanceOf(EventScorer.Scored.class);
    }
  }

  @Test
  void aThreeClassVersionScoresEventsByTheirCategoricalFeatureAndAnUnknownOrMissingOneIsScoredNotRefused() {
    try (HotSwapPredictor predictor = new HotSwapPredictor("shop")) {
      ServingFixtures.serveCategorical(predictor, 3);
      EventScorer scorer = new EventScorer(Scorers.of(predictor), CLOCK);
      List<UnlabelledEvent> events = List.of(
          categorical("e-1", "red"), categorical("e-2", "green"), categorical("e-3", "blue"),
          categorical("e-4", "purple"), event("e-5", "shop", Map.of("x1", 0.5)));

      List<EventScorer.Outcome> batch = scorer.scoreBatch(events);

      assertThat(batch).allMatch(EventScorer.Scored.class::isInstance);
      List<Prediction> predictions = batch.stream().map(o -> ((EventScorer.Scored) o).prediction()).toList();
      assertThat(predictions).extracting(Prediction::getPredictedClass).containsExactly(0, 1, 2, 0, 0);
      assertThat(predictions).allSatisfy(p -> assertThat(p.getProbabilities()).hasSize(3));
      assertThat(predictions.get(1).getCategorical()).containsEntry("colour", "green");
      for (int i = 0; i < events.size(); i++) {
        Prediction alone = ((EventScorer.Scored) scorer.score(events.get(i))).prediction();
        assertThat(alone.getPredictedClass()).isEqualTo(predictions.get(i).getPredictedClass());
      }
    }
  }

  private static UnlabelledEvent categorical(String id, String colour) {
    UnlabelledEvent event = event(id, "shop", Map.of("x1", 0.5));
    event.setCategorical(Map.of("colour", colour));
    return event;
  }

  @Test
  void refusesABatchMixingModels() {
    try (HotSwapPredictor fraud = new HotSwapPredictor("fraud"); HotSwapPredictor churn = new HotSwapPredictor("churn")) {
      EventScorer scorer = new EventScorer(Scorers.of(fraud, churn), CLOCK);

      assertThatThrownBy(() -> scorer.scoreBatch(List.of(event("e-1", "fraud", Map.of()), event("e-2", "churn",
          Map.of())))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one model");
    }
  }
}
