package dev.plasticity.inference.scoring;

import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.UnlabelledEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Scores one unlabelled event with the version its model serves now, or says which {@link
 * DeadLetterRule} it breaks: a model not served here, a non-finite feature, no version served yet,
 * a feature the served version needs but the event lacks, or an engine failure. No Kafka types:
 * the topology does the reading and writing.
 *
 * <p>A swap between two events never fails one: the predictor hands each event to whichever version
 * is current (see {@link HotSwapPredictor}), and the answer is stamped with that version.
 *
 * <p>Thread-safe.
 */
final class EventScorer {
  private final Scorers scorers;
  private final Clock clock;

  EventScorer(Scorers scorers, Clock clock) {
    this.scorers = Objects.requireNonNull(scorers, "scorers");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** What became of one event. */
  sealed interface Outcome {}

  /** The event was scored. */
  record Scored(Prediction prediction) implements Outcome {}

  /** The event breaks {@code rule}; {@code reason} starts with the rule's id. */
  record Refused(DeadLetterRule rule, String reason) implements Outcome {}

  Outcome score(UnlabelledEvent event) {
    Optional<HotSwapPredictor> found = scorers.predictor(event.getModel());
    if (found.isEmpty()) {
      return refuse(DeadLetterRule.UNKNOWN_MODEL, "event " + event.getEventId() + " names model '" + event.getModel()
          + "', which this app does not score; it scores " + scorers.models());
    }
    for (Map.Entry<String, Double> feature : event.getFeatures().entrySet()) {
      if (!Double.isFinite(feature.getValue())) {
        return refuse(DeadLetterRule.NON_FINITE_FEATURE, "event " + event.getEventId() + ": feature '"
            + feature.getKey() + "' must be a finite number, was " + feature.getValue());
      }
    }
    HotSwapPredictor predictor = found.get();
    dev.plasticity.inference.Prediction answer;
    try {
      answer = predictor.predict(event.getFeatures());
    } catch (IllegalArgumentException e) { // the predictor's contract: a feature the served version needs is missing
      return refuse(DeadLetterRule.MISSING_FEATURE, "event " + event.getEventId() + " for model " + event.getModel()
          + ": " + e.getMessage());
    } catch (IllegalStateException e) { // no version served (or closed), else the engine failed
      return predictor.servedVersion().isEmpty()
          ? refuse(DeadLetterRule.NO_VERSION_SERVED, "event " + event.getEventId() + ": " + e.getMessage())
          : refuse(DeadLetterRule.PREDICTION_FAILED, "event " + event.getEventId() + ": " + e.getMessage());
    }
    float[] probabilities = answer.probabilities();
    List<Float> listed = new ArrayList<>(probabilities.length);
    for (float p : probabilities) {
      listed.add(p);
    }
    return new Scored(Prediction.newBuilder()
        .setEventId(event.getEventId())
        .setModel(event.getModel())
        .setVersion(answer.modelVersion())
        .setAlias(Aliases.CHAMPION)
        .setPredictedClass(answer.label())
        .setProbabilities(listed)
        .setEventTime(event.getEventTime())
        .setScoringTime(clock.millis())
        .setFeatures(event.getFeatures())
        .setCategorical(event.getCategorical())
        .build());
  }

  private static Refused refuse(DeadLetterRule rule, String detail) {
    return new Refused(rule, rule.reason(detail));
  }
}
