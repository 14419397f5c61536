package dev.plasticity.inference.scoring;

import dev.plasticity.inference.AliasPredictors;
import dev.plasticity.inference.AliasRole;
import dev.plasticity.inference.HotSwapPredictor;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.UnlabelledEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Scores one unlabelled event with the versions its model serves now, or says which {@link
 * DeadLetterRule} it breaks: a model not served here, a non-finite feature, no version served yet,
 * a numeric feature the served version needs but the event lacks, or an engine failure (a categorical
 * feature the event lacks, or a value the version never saw, reads as unknown and is scored). No Kafka types:
 * the topology does the reading and writing.
 *
 * <p><b>The answer</b> ({@code served = true}) comes from the champion, or, for the events its
 * model's {@linkplain CanaryShares canary share} takes while a challenger is served, from the
 * challenger (alias {@code challenger}); an event the challenger fails to score is answered by the
 * champion. <b>Beside the answer</b> ({@code served = false}) an event that was answered is also
 * scored by the model's shadow (alias {@code shadow}) when one is served, and by the champion that a
 * swap replaced while its {@linkplain AliasPredictors verification watch} lasts (alias {@code
 * previous}); such a prediction that fails is only counted. Every prediction and failure is counted
 * per model, role and version in {@link ScoringCounts}.
 *
 * <p>A swap between two events never fails one: the predictor hands each event to whichever version
 * is current (see {@link HotSwapPredictor}), and the answer is stamped with that version. A batch
 * ({@link #scoreBatch}) is one forward pass of one version per role, so DJL's cost per call is paid
 * once per batch rather than once per event.
 *
 * <p>Thread-safe.
 */
final class EventScorer {
  private final Scorers scorers;
  private final Clock clock;
  private final ScoringCounts counts;

  EventScorer(Scorers scorers, Clock clock) {
    this(scorers, clock, new ScoringCounts());
  }

  EventScorer(Scorers scorers, Clock clock, ScoringCounts counts) {
    this.scorers = Objects.requireNonNull(scorers, "scorers");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.counts = Objects.requireNonNull(counts, "counts");
  }

  /** What became of one event. */
  sealed interface Outcome {}

  /**
   * The event was scored.
   *
   * @param prediction the answer
   * @param alongside predictions made beside the answer (shadow, previous), not served
   */
  record Scored(Prediction prediction, List<Prediction> alongside) implements Outcome {
    Scored(Prediction prediction) {
      this(prediction, List.of());
    }
  }

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

  /** Scores one event: its answer, and the predictions beside it. */
  Outcome score(UnlabelledEvent event) {
    Optional<Refused> refused = check(event);
    if (refused.isPresent()) {
      return refused.get();
    }
    return scoreBatch(List.of(event)).get(0);
  }

  /** The champion's answer to one event checked already, or the rule it breaks. */
  private Outcome answerByChampion(HotSwapPredictor predictor, UnlabelledEvent event) {
    dev.plasticity.inference.Prediction answer;
    try {
      answer = predictor.predict(event.getFeatures(), event.getCategorical());
    } catch (IllegalArgumentException e) { // the predictor's contract: a feature the served version needs is missing
      failed(event.getModel(), AliasRole.CHAMPION, predictor, 1);
      return refuse(DeadLetterRule.MISSING_FEATURE, "event " + event.getEventId() + " for model " + event.getModel()
          + ": " + e.getMessage());
    } catch (IllegalStateException e) { // no version served (or closed), else the engine failed
      failed(event.getModel(), AliasRole.CHAMPION, predictor, 1);
      return predictor.servedVersion().isEmpty()
          ? refuse(DeadLetterRule.NO_VERSION_SERVED, "event " + event.getEventId() + ": " + e.getMessage())
          : refuse(DeadLetterRule.PREDICTION_FAILED, "event " + event.getEventId() + ": " + e.getMessage());
    }
    return new Scored(prediction(event, answer, AliasRole.CHAMPION));
  }

  /**
   * Scores events of one model with one forward pass per role of the versions served now, so every
   * prediction of a role in the batch carries that role's version; the outcomes are in the order of
   * {@code events}. When the champion's batch fails as a whole (a feature missing from one event, no
   * version served, an engine failure), each event is scored on its own, so that only the events at
   * fault are refused, each with its rule.
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
    AliasPredictors aliases = scorers.aliases(model).orElseThrow(() -> new IllegalArgumentException(
        "a batch holds events of a model served here; " + model + " is not one of " + scorers.models()));
    Outcome[] outcomes = new Outcome[events.size()];
    List<Integer> byChampion = new ArrayList<>(events.size());
    List<Integer> byChallenger = new ArrayList<>();
    HotSwapPredictor challenger = canaryChallenger(aliases);
    for (int i = 0; i < events.size(); i++) {
      UnlabelledEvent event = events.get(i);
      Optional<Refused> refused = check(event);
      if (refused.isPresent()) {
        outcomes[i] = refused.get();
      } else if (challenger != null && scorers.canary().takes(model, event.getEventId())) {
        byChallenger.add(i);
      } else {
        byChampion.add(i);
      }
    }
    if (!byChallenger.isEmpty()) {
      List<UnlabelledEvent> taken = pick(events, byChallenger);
      List<dev.plasticity.inference.Prediction> answers = predictEach(taken,
          (f, c) -> challenger.predictBatch(f, c), n -> failed(model, AliasRole.CHALLENGER, challenger, n));
      for (int j = 0; j < taken.size(); j++) {
        if (j < answers.size() && answers.get(j) != null) {
          outcomes[byChallenger.get(j)] = new Scored(prediction(taken.get(j), answers.get(j), AliasRole.CHALLENGER));
        } else {
          byChampion.add(byChallenger.get(j)); // the canary failed: the champion answers
        }
      }
      byChampion.sort(null);
    }
    answerByChampion(aliases.champion(), events, byChampion, outcomes);
    addAlongside(aliases, events, outcomes);
    return List.of(outcomes);
  }

  /** The challenger that answers the canary share of {@code aliases}' events; null when none does. */
  private HotSwapPredictor canaryChallenger(AliasPredictors aliases) {
    if (scorers.canary().of(aliases.model()) <= 0) {
      return null;
    }
    return aliases.predictor(AliasRole.CHALLENGER).filter(p -> p.servedVersion().isPresent()).orElse(null);
  }

  /** The champion's answers to the events at {@code at}, into {@code outcomes}: one batch, else event by event. */
  private void answerByChampion(HotSwapPredictor champion, List<UnlabelledEvent> events, List<Integer> at,
      Outcome[] outcomes) {
    if (at.isEmpty()) {
      return;
    }
    List<UnlabelledEvent> batch = pick(events, at);
    List<dev.plasticity.inference.Prediction> answers = null;
    if (batch.size() > 1) {
      try {
        // the decoded maps go in as they are: holding them by column (FeatureColumns) would cost the same
        // look-up per feature and event that encoding the maps costs, and a copy more
        answers = champion.predictBatch(batch.stream().map(UnlabelledEvent::getFeatures).toList(),
            batch.stream().map(UnlabelledEvent::getCategorical).toList());
      } catch (RuntimeException e) { // refused or failed as a whole: each event on its own says which is at fault
        answers = null;
      }
    }
    for (int j = 0; j < batch.size(); j++) {
      outcomes[at.get(j)] = answers != null ? new Scored(prediction(batch.get(j), answers.get(j), AliasRole.CHAMPION))
          : answerByChampion(champion, batch.get(j));
    }
  }

  /** Scores the answered events with the shadow and the watched previous champion, beside their answers. */
  private void addAlongside(AliasPredictors aliases, List<UnlabelledEvent> events, Outcome[] outcomes) {
    List<Integer> answered = new ArrayList<>(events.size());
    for (int i = 0; i < outcomes.length; i++) {
      if (outcomes[i] instanceof Scored) {
        answered.add(i);
      }
    }
    Optional<HotSwapPredictor> shadow = aliases.predictor(AliasRole.SHADOW).filter(p -> p.servedVersion().isPresent());
    boolean watching = aliases.watchedVersion().isPresent();
    if (answered.isEmpty() || (shadow.isEmpty() && !watching)) {
      return;
    }
    List<UnlabelledEvent> batch = pick(events, answered);
    List<List<Prediction>> beside = new ArrayList<>(batch.size());
    batch.forEach(e -> beside.add(new ArrayList<>(2)));
    String model = aliases.model();
    shadow.ifPresent(predictor -> add(beside, batch, AliasRole.SHADOW, predictEach(batch,
        (f, c) -> predictor.predictBatch(f, c), n -> failed(model, AliasRole.SHADOW, predictor, n))));
    if (watching) {
      HotSwapPredictor previous = aliases.predictor(AliasRole.PREVIOUS).orElseThrow();
      List<dev.plasticity.inference.Prediction> before = aliases.predictPrevious(
          batch.stream().map(UnlabelledEvent::getFeatures).toList(),
          batch.stream().map(UnlabelledEvent::getCategorical).toList());
      int failures = (int) before.stream().filter(Objects::isNull).count();
      if (failures > 0) {
        failed(model, AliasRole.PREVIOUS, previous, failures);
      }
      add(beside, batch, AliasRole.PREVIOUS, before);
    }
    for (int j = 0; j < batch.size(); j++) {
      if (!beside.get(j).isEmpty()) {
        Scored answer = (Scored) outcomes[answered.get(j)];
        outcomes[answered.get(j)] = new Scored(answer.prediction(), List.copyOf(beside.get(j)));
      }
    }
  }

  private void add(List<List<Prediction>> beside, List<UnlabelledEvent> batch, AliasRole role,
      List<dev.plasticity.inference.Prediction> predictions) {
    for (int j = 0; j < predictions.size(); j++) {
      if (predictions.get(j) != null) {
        beside.get(j).add(prediction(batch.get(j), predictions.get(j), role));
      }
    }
  }

  /** A prediction call over a batch of events given by their features. */
  private interface BatchCall {
    List<dev.plasticity.inference.Prediction> on(List<Map<String, Double>> features, List<Map<String, String>> categorical);
  }

  /**
   * Predicts {@code events} with {@code call}: as one batch, else (when the batch fails) event by
   * event; an element is null for an event that failed, each counted with {@code failed}.
   */
  private static List<dev.plasticity.inference.Prediction> predictEach(List<UnlabelledEvent> events, BatchCall call,
      java.util.function.IntConsumer failed) {
    List<Map<String, Double>> features = events.stream().map(UnlabelledEvent::getFeatures).toList();
    List<Map<String, String>> categorical = events.stream().map(UnlabelledEvent::getCategorical).toList();
    try {
      return call.on(features, categorical);
    } catch (RuntimeException e) {
      if (events.size() == 1) {
        failed.accept(1);
        return java.util.Collections.singletonList(null);
      }
    }
    List<dev.plasticity.inference.Prediction> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      try {
        out.add(call.on(features.subList(i, i + 1), categorical.subList(i, i + 1)).get(0));
      } catch (RuntimeException e) {
        failed.accept(1);
        out.add(null);
      }
    }
    return out;
  }

  private static List<UnlabelledEvent> pick(List<UnlabelledEvent> events, List<Integer> at) {
    List<UnlabelledEvent> out = new ArrayList<>(at.size());
    at.forEach(i -> out.add(events.get(i)));
    return out;
  }

  private void failed(String model, AliasRole role, HotSwapPredictor predictor, int events) {
    OptionalInt version = predictor.servedVersion();
    counts.aliasFailed(new ScoringCounts.AliasVersion(model, role, version.orElse(-1)), events);
  }

  private Prediction prediction(UnlabelledEvent event, dev.plasticity.inference.Prediction answer, AliasRole role) {
    counts.aliasPredicted(new ScoringCounts.AliasVersion(event.getModel(), role, answer.modelVersion()), 1);
    float[] probabilities = answer.probabilities();
    List<Float> listed = new ArrayList<>(probabilities.length);
    for (float p : probabilities) {
      listed.add(p);
    }
    return Prediction.newBuilder()
        .setEventId(event.getEventId())
        .setModel(event.getModel())
        .setVersion(answer.modelVersion())
        .setAlias(role.alias())
        .setServed(role.answers())
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
