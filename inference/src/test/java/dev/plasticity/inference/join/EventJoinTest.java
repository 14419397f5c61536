package dev.plasticity.inference.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.plasticity.inference.join.EventJoin.Outcome;
import dev.plasticity.inference.join.EventJoin.Step;
import dev.plasticity.inference.join.EventState.Awaiting;
import dev.plasticity.inference.join.EventState.HeldLabel;
import dev.plasticity.inference.join.EventState.LabelAwaitingPrediction;
import dev.plasticity.inference.join.EventState.Labelled;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.schemas.VersionOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The join's rules for one event id, without Kafka. */
class EventJoinTest {
  private static final long WAIT = Duration.ofHours(2).plusMinutes(1).toMillis();
  private static final Duration PREDICTION_WAIT = Duration.ofSeconds(30);
  /** The stream time at which records are applied. */
  private static final long NOW = 20_000;
  private final EventJoin join =
      new EventJoin(new JoinSettings(Duration.ofHours(2), Duration.ofMinutes(1), PREDICTION_WAIT));

  @Test
  void anEventWaitsForItsLabelUntilItsEventTimePlusWindowAndGrace() {
    Step step = join.onEvent(null, event(1_000), NOW);

    assertThat(step.outcome()).isEqualTo(Outcome.STORED);
    assertThat(step.next()).isInstanceOf(Awaiting.class);
    assertThat(step.next().expiresAt()).isEqualTo(1_000 + WAIT);
  }

  @Test
  void aPredictionAfterItsEventKeepsTheEventsExpiryAndAddsThePrediction() {
    EventState known = join.onEvent(null, event(1_000), NOW).next();
    Step step = join.onPrediction(known, prediction(1_500, 4, "champion"), NOW);

    Awaiting awaiting = (Awaiting) step.next();
    assertThat(awaiting.event()).isNotNull();
    assertThat(awaiting.prediction().getVersion()).isEqualTo(4);
    assertThat(awaiting.expiresAt()).isEqualTo(1_000 + WAIT);
  }

  @Test
  void aShadowsPredictionNeverReplacesTheChampionsButTheChampionsReplacesAShadows() {
    EventState shadowFirst = join.onPrediction(null, prediction(1_000, 5, "shadow"), NOW).next();
    EventState champion = join.onPrediction(shadowFirst, prediction(1_000, 4, "champion"), NOW).next();
    EventState shadowAgain = join.onPrediction(champion, prediction(1_000, 6, "shadow"), NOW).next();

    assertThat(((Awaiting) shadowAgain).prediction().getVersion()).isEqualTo(4);
  }

  @Test
  void aLabelForAnAwaitingEventJoinsAndLeavesAMarkUntilItsLabelTimePlusWindowAndGrace() {
    EventState known = join.onPrediction(join.onEvent(null, event(1_000), NOW).next(), prediction(1_000, 4, "champion"), NOW)
        .next();
    Step step = join.onLabel(known, label(9_000, 1), input(), NOW);

    assertThat(step.outcome()).isEqualTo(Outcome.JOINED);
    assertThat(step.joined().getFeatures()).isEqualTo(Map.of("x", 1.0));
    assertThat(step.joined().getPrediction()).isEqualTo(0);
    assertThat(step.joined().getPredictionVersion()).isEqualTo(4);
    assertThat(step.next()).isEqualTo(new Labelled(9_000 + WAIT));
  }

  @Test
  void aLabelForAnUnknownEventIsHeldUntilItsLabelTimePlusWindowAndGrace() {
    Step step = join.onLabel(null, label(9_000, 1), input(), NOW);

    assertThat(step.outcome()).isEqualTo(Outcome.HELD);
    assertThat(step.next()).isInstanceOf(HeldLabel.class);
    assertThat(step.next().expiresAt()).isEqualTo(9_000 + WAIT);
  }

  @Test
  void aHeldLabelJoinsAPredictionAtOnceAndWaitsForThePredictionWhenTheEventComesFirst() {
    EventState held = join.onLabel(null, label(9_000, 1), input(), NOW).next();

    Step byPrediction = join.onPrediction(held, prediction(1_000, 2, "champion"), NOW);
    Step byEvent = join.onEvent(held, event(1_000), NOW);

    assertThat(byPrediction.outcome()).isEqualTo(Outcome.JOINED);
    assertThat(byPrediction.joined().getPredictionVersion()).isEqualTo(2);
    assertThat(byEvent.outcome()).isEqualTo(Outcome.AWAITING_PREDICTION);
    assertThat(byEvent.next()).isEqualTo(new LabelAwaitingPrediction(event(1_000), label(9_000, 1),
        NOW + PREDICTION_WAIT.toMillis()));
  }

  @Test
  void aLabelForAnEventNotScoredYetWaitsForThePredictionFromTheStreamTimeItMetTheEvent() {
    EventState known = join.onEvent(null, event(1_000), NOW).next();

    Step step = join.onLabel(known, label(9_000, 1), input(), NOW);

    assertThat(step.outcome()).isEqualTo(Outcome.AWAITING_PREDICTION);
    assertThat(step.next()).isEqualTo(new LabelAwaitingPrediction(event(1_000), label(9_000, 1),
        NOW + PREDICTION_WAIT.toMillis()));
  }

  @Test
  void aPredictionJoinsTheLabelWaitingForItWithTheEventsFeatures() {
    EventState waiting = join.onLabel(join.onEvent(null, event(1_000), NOW).next(), label(9_000, 1), input(), NOW)
        .next();

    Step step = join.onPrediction(waiting, prediction(1_000, 4, "champion"), NOW);

    assertThat(step.outcome()).isEqualTo(Outcome.JOINED);
    assertThat(step.joined().getFeatures()).as("the event's, not the prediction's").isEqualTo(Map.of("x", 1.0));
    assertThat(step.joined().getLabel()).isEqualTo(1);
    assertThat(step.joined().getPrediction()).isEqualTo(0);
    assertThat(step.joined().getPredictionVersion()).isEqualTo(4);
    assertThat(step.next()).isEqualTo(new Labelled(9_000 + WAIT));
  }

  @Test
  void whenThePredictionWaitIsOverTheLabelIsJoinedWithoutAPrediction() {
    LabelAwaitingPrediction waiting = (LabelAwaitingPrediction) join.onLabel(join.onEvent(null, event(1_000), NOW)
        .next(), label(9_000, 1), input(), NOW).next();

    Step step = join.onPredictionWaitOver(waiting, NOW);

    assertThat(step.outcome()).isEqualTo(Outcome.JOINED);
    assertThat(step.joined().getFeatures()).isEqualTo(Map.of("x", 1.0));
    assertThat(step.joined().getEventTime()).isEqualTo(1_000);
    assertThat(step.joined().getPrediction()).isNull();
    assertThat(step.joined().getPredictionVersion()).isNull();
    assertThat(step.next()).as("the mark that tells a repeated label").isEqualTo(new Labelled(9_000 + WAIT));
  }

  @Test
  void withoutAPredictionWaitALabelForAnEventNotScoredYetJoinsAtOnce() {
    EventJoin impatient = new EventJoin(new JoinSettings(Duration.ofHours(2), Duration.ofMinutes(1), Duration.ZERO));

    Step step = impatient.onLabel(impatient.onEvent(null, event(1_000), NOW).next(), label(9_000, 1), input(), NOW);

    assertThat(step.outcome()).isEqualTo(Outcome.JOINED);
    assertThat(step.joined().getPrediction()).isNull();
  }

  @Test
  void aSecondLabelIsADuplicateWhetherTheFirstIsHeldWaitsForThePredictionOrIsJoined() {
    EventState held = join.onLabel(null, label(9_000, 1), input(), NOW).next();
    EventState waiting = join.onLabel(join.onEvent(null, event(1_000), NOW).next(), label(9_000, 1), input(), NOW)
        .next();
    EventState labelled = join.onPrediction(waiting, prediction(1_000, 4, "champion"), NOW).next();

    for (EventState first : List.of(held, waiting, labelled)) {
      assertThat(join.onLabel(first, label(9_500, 0), input(), NOW)).as("after %s", first)
          .isEqualTo(new Step(first, Outcome.DUPLICATE));
    }
  }

  @Test
  void theEventAgainWhileItsLabelWaitsForThePredictionIsIgnored() {
    EventState waiting = join.onLabel(join.onEvent(null, event(1_000), NOW).next(), label(9_000, 1), input(), NOW)
        .next();

    assertThat(join.onEvent(waiting, event(1_000), NOW)).isEqualTo(new Step(waiting, Outcome.IGNORED));
  }

  @Test
  void anEventForALabelledEventIsIgnoredAndAPredictionIsLate() {
    EventState labelled = new Labelled(5_000);

    assertThat(join.onEvent(labelled, event(1_000), NOW).outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(join.onPrediction(labelled, prediction(1_000, 1, "previous"), NOW))
        .isEqualTo(new Step(labelled, Outcome.LATE_PREDICTION));
  }

  @Test
  void anOrphanLabelsReasonNamesTheRuleAndTheEvent() {
    HeldLabel held = (HeldLabel) join.onLabel(null, label(0, 1), input(), NOW).next();

    assertThat(join.orphanReason(held)).startsWith("orphan-label: ").contains("'e-1'", "'churn'", "PT2H", "PT1M",
        "1970-01-01T00:00:00Z", "needs the event's features");
  }

  @Test
  void anExpiryNeverOverflows() {
    assertThat(join.onEvent(null, event(Long.MAX_VALUE - 5), NOW).next().expiresAt()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aPredictionWaitNeverOverflows() {
    EventState known = join.onEvent(null, event(1_000), Long.MAX_VALUE - 5).next();

    assertThat(join.onLabel(known, label(9_000, 1), input(), Long.MAX_VALUE - 5).next().expiresAt())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void anAwaitingEventIsKnownFromSomething() {
    assertThatThrownBy(() -> new Awaiting(null, List.of(), 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UnlabelledEvent or a Prediction");
  }

  @Test
  void keepsEveryVersionsPredictionAndWritesOneLiveOutcomeWithTheServedOneFirst() {
    EventState known = join.onEvent(null, event(1_000), NOW).next();
    known = join.onPrediction(known, prediction(1_000, 5, "shadow", 1), NOW).next();
    known = join.onPrediction(known, prediction(1_000, 3, "previous", 0), NOW).next();
    known = join.onPrediction(known, prediction(1_000, 4, "champion", 1), NOW).next();

    Step step = join.onLabel(known, label(9_000, 1), input(), NOW);

    assertThat(step.outcome()).isEqualTo(Outcome.JOINED);
    assertThat(step.joined().getPredictionVersion()).isEqualTo(4);
    assertThat(step.joined().getPrediction()).isEqualTo(1);
    LiveOutcome live = step.live();
    assertThat(live.getEventId()).isEqualTo("e-1");
    assertThat(live.getModel()).isEqualTo("churn");
    assertThat(live.getEventTime()).isEqualTo(1_000);
    assertThat(live.getJoinedAt()).isEqualTo(NOW);
    assertThat(live.getLabel()).isEqualTo(1);
    assertThat(live.getOutcomes()).extracting(VersionOutcome::getVersion, VersionOutcome::getAlias,
            VersionOutcome::getServed, VersionOutcome::getCorrect)
        .containsExactly(tuple(4, "champion", true, true), tuple(5, "shadow", false, true),
            tuple(3, "previous", false, false));
  }

  @Test
  void aPredictionThatWasNotServedNeverBecomesTheLabelledEventsPrediction() {
    EventState known = join.onPrediction(join.onEvent(null, event(1_000), NOW).next(),
        prediction(1_000, 3, "previous", 1), NOW).next();

    Step waiting = join.onLabel(known, label(9_000, 1), input(), NOW);
    assertThat(waiting.outcome()).as("it waits for the served prediction").isEqualTo(Outcome.AWAITING_PREDICTION);

    Step over = join.onPredictionWaitOver((LabelAwaitingPrediction) waiting.next(), NOW + 40_000);
    assertThat(over.joined().getPrediction()).isNull();
    assertThat(over.joined().getPredictionVersion()).isNull();
    assertThat(over.live().getOutcomes()).extracting(VersionOutcome::getVersion, VersionOutcome::getServed)
        .containsExactly(tuple(3, false));
    assertThat(over.live().getJoinedAt()).isEqualTo(NOW + 40_000);
  }

  @Test
  void aHeldLabelMetByAnUnservedPredictionWaitsForTheServedOneAndJoinsBoth() {
    EventState held = join.onLabel(null, label(9_000, 1), input(), NOW).next();

    Step previous = join.onPrediction(held, prediction(1_000, 3, "previous", 0), NOW);
    assertThat(previous.outcome()).isEqualTo(Outcome.AWAITING_PREDICTION);
    assertThat(previous.next()).isEqualTo(new LabelAwaitingPrediction(null, label(9_000, 1),
        List.of(prediction(1_000, 3, "previous", 0)), NOW + PREDICTION_WAIT.toMillis()));

    Step champion = join.onPrediction(previous.next(), prediction(1_000, 4, "champion", 1), NOW + 1);
    assertThat(champion.outcome()).isEqualTo(Outcome.JOINED);
    assertThat(champion.joined().getPredictionVersion()).isEqualTo(4);
    assertThat(champion.joined().getFeatures()).as("the served prediction's").isEqualTo(Map.of("x", 2.0));
    assertThat(champion.live().getOutcomes()).extracting(VersionOutcome::getVersion, VersionOutcome::getCorrect)
        .containsExactly(tuple(4, true), tuple(3, false));
  }

  @Test
  void theEventAfterALabelMetOnlyAnUnservedPredictionGivesTheLabelledEventItsFeatures() {
    EventState waiting = join.onPrediction(join.onLabel(null, label(9_000, 1), input(), NOW).next(),
        prediction(1_000, 3, "previous", 0), NOW).next();

    EventState withEvent = join.onEvent(waiting, event(1_000), NOW).next();
    Step joined = join.onPrediction(withEvent, prediction(1_000, 4, "champion", 1), NOW);

    assertThat(joined.joined().getFeatures()).isEqualTo(Map.of("x", 1.0));
  }

  @Test
  void aSecondPredictionOfAVersionAndOnesOverTheBoundAreDroppedButTheServedOneIsKept() {
    EventState known = join.onPrediction(null, prediction(1_000, 1, "shadow"), NOW).next();
    assertThat(join.onPrediction(known, prediction(1_000, 1, "shadow"), NOW).outcome())
        .isEqualTo(Outcome.DROPPED_PREDICTION);
    for (int version = 2; version <= EventState.MAX_PREDICTIONS; version++) {
      known = join.onPrediction(known, prediction(1_000, version, "shadow"), NOW).next();
    }
    assertThat(join.onPrediction(known, prediction(1_000, 20, "shadow"), NOW).outcome())
        .isEqualTo(Outcome.DROPPED_PREDICTION);

    Awaiting withServed = (Awaiting) join.onPrediction(known, prediction(1_000, 21, "champion"), NOW).next();

    assertThat(withServed.predictions()).hasSize(EventState.MAX_PREDICTIONS);
    assertThat(withServed.prediction().getVersion()).isEqualTo(21);
  }

  static UnlabelledEvent event(long eventTime) {
    return UnlabelledEvent.newBuilder().setEventId("e-1").setModel("churn").setEventTime(eventTime)
        .setFeatures(Map.of("x", 1.0)).build();
  }

  /** A prediction of class 0; served unless its alias is shadow or previous. */
  static Prediction prediction(long eventTime, int version, String alias) {
    return prediction(eventTime, version, alias, 0);
  }

  static Prediction prediction(long eventTime, int version, String alias, int predictedClass) {
    return Prediction.newBuilder().setEventId("e-1").setModel("churn").setVersion(version).setAlias(alias)
        .setServed(!alias.equals("shadow") && !alias.equals("previous"))
        .setPredictedClass(predictedClass).setProbabilities(List.of(1f, 0f)).setEventTime(eventTime)
        .setScoringTime(eventTime).setFeatures(Map.of("x", 2.0)).build();
  }

  static Label label(long labelTime, int label) {
    return Label.newBuilder().setEventId("e-1").setModel("churn").setLabel(label).setLabelTime(labelTime).build();
  }

  static InputRecord input() {
    return new InputRecord(Topics.LABELS, 0, 7, "e-1".getBytes(), JoinCodecs.LABELS.encode(label(0, 1)));
  }
}
