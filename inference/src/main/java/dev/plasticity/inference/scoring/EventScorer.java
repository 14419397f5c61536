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
 * a numeric feature the served version needs but the event lacks, or an engine failure (a categorical
 * feature the event lacks, or a value the version never saw, reads as unknown and is scored). No Kafka types:
 * the topology does the reading and writing.
 *
 * <p>A swap between two events never fails one: the predictor hands each event to whichever version
 * is current (see {@link HotSwapPredictor}), and the answer is stamped with that version. A batch
 * ({@link #scoreBatch}) is one forward pass of one version, so DJL's cost per call is paid once per
 * batch rather than once per event.
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

  /**
   * The rule {@code event} breaks whatever version is served (a model not served here, a
   * non-finite feature), empty when it may be scored; checked before an event joins a batch.
   */
  Optional<Refused> check(UnlabelledEvent event) {
    if (scorers.predictor(event.getModel()).isEmpty()) {
      return Optional.of(refuse(DeadLetterRule.UNKNOWN_MODEL, "event " + event.getEventId() + " names model '"
          + event.getModel() + "', which this app does not score; it scores " + scorers.models()));
    }
    for (Map.Entry<String, Double> feature : event.getFeatures().entrySet()) {
      if (!Double.isFinite(feature.getValue())) {
        return Optional.of(refuse(DeadLetterRule.NON_FINITE_FEATURE, "event " + event.getEventId() + ": feature '"
            + feature.getKey() + "' must be a finite number, was " + feature.getValue()));
      }
    }
    return Optional.empty();
  }

  Outcome score(UnlabelledEvent event) {
    Optional<Refused> refused = check(event);
    if (refused.isPresent()) {
      return refused.get();
    }
    HotSwapPredictor predictor = scorers.predictor(event.getModel()).orElseThrow();
    dev.plasticity.inference.Prediction answer;
    try {
      answer = predictor.predict(event.getFeatures(), event.getCategorical());
    } catch (IllegalArgumentException e) { // the predictor's contract: a feature the served version needs is missing
      return refuse(DeadLetterRule.MISSING_FEATURE, "event " + event.getEventId() + " for model " + event.getModel()
          + ": " + e.getMessage());
    } catch (IllegalStateException e) { // no version served (or closed), else the engine failed
      return predictor.servedVersion().isEmpty()
          ? refuse(DeadLetterRule.NO_VERSION_SERVED, "event " + event.getEventId() + ": " + e.getMessage())
          : refuse(DeadLetterRule.PREDICTION_FAILED, "event " + event.getEventId() + ": " + e.getMessage());
    }
    return new Scored(prediction(event, answer));
  }

  /**
   * Scores events of one model with one forward pass of the version served now, so every
   * prediction of the batch carries that version; the outcomes are in the order of {@code events}.
   * When the batch fails as a whole (a feature missing from one event, no version served, an
   * engine failure), each event is scored on its own, so that only the events at fault are refused,
   * each with its rule.
   *
   * @throws IllegalArgumentException when the events do not all name the same served model
   */
  List<Outcome> scoreBatch(List<UnlabelledEvent> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    String model = events.get(0).getModel();
    if (events.stream().anyMatch(e -> !e.getModel().equals(model))) {
      throw new IllegalArgumentException("a batch holds the events of one model; got events of several, the first "
          + model);
    }
    HotSwapPredictor predictor = scorers.predictor(model).orElseThrow(() -> new IllegalArgumentException(
        "a batch holds events of a model served here; " + model + " is not one of " + scorers.models()));
    if (events.size() > 1 && events.stream().allMatch(e -> check(e).isEmpty())) {
      List<dev.plasticity.inference.Prediction> answers;
      try {
        // the decoded maps go in as they are: holding them by column (FeatureColumns) would cost the same
        // look-up per feature and event that encoding the maps costs, and a copy more
        answers = predictor.predictBatch(events.stream().map(UnlabelledEvent::getFeatures).toList(),
            events.stream().map(UnlabelledEvent::getCategorical).toList());
      } catch (RuntimeException e) { // refused or failed as a whole: each event on its own says which is at fault
        answers = null;
      }
      if (answers != null) {
        List<Outcome> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
          out.add(new Scored(prediction(events.get(i), answers.get(i))));
        }
        return out;
      }
    }
    return events.stream().map(this::score).toList();
  }

  private Prediction prediction(UnlabelledEvent event, dev.plasticity.inference.Prediction answer) {
    float[] probabilities = answer.probabilities();
    List<Float> listed = new ArrayList<>(probabilities.length);
    for (float p : probabilities) {
      listed.add(p);
    }
    return Prediction.newBuilder()
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
        .build();
  }

  private static Refused refuse(DeadLetterRule rule, String detail) {
    return new Refused(rule, rule.reason(detail));
  }
}
