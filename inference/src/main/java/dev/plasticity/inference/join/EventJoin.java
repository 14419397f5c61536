package dev.plasticity.inference.join;

import dev.plasticity.inference.join.EventState.Awaiting;
import dev.plasticity.inference.join.EventState.HeldLabel;
import dev.plasticity.inference.join.EventState.LabelAwaitingPrediction;
import dev.plasticity.inference.join.EventState.Labelled;
import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.UnlabelledEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The rules of the delayed-label join for one event id, without Kafka: given what is known about
 * an event (an {@link EventState}, or null when nothing is) and one new record, what is known next
 * and what happened.
 *
 * <ul>
 *   <li>Only a {@code Prediction} that was the answer ({@code served}) counts ({@link #joins}); one
 *       scored beside it (shadow, previous) is skipped before these rules.
 *   <li>An {@code UnlabelledEvent} or a {@code Prediction} makes the event known; it waits for its
 *       label until its event time plus window and grace. A {@code Prediction} of the champion wins
 *       over one of another alias (e.g. a shadow), since the labelled event records what was served.
 *   <li>A label for an event whose prediction is known makes one {@code LabelledEvent} at once:
 *       features from the {@code UnlabelledEvent} when known, else from the prediction; the
 *       prediction and its version.
 *   <li>A label that meets an event known only from its {@code UnlabelledEvent} (the scoring app
 *       has not answered yet) waits for the prediction for the prediction wait, counted in stream
 *       time from when the two met: the prediction joins it when it comes; when the wait passes the
 *       label is joined without one ({@link #onPredictionWaitOver}). An event that is never scored
 *       (no version existed yet) is labelled all the same: that is how a model's first version gets
 *       training data. With a prediction wait of zero it is joined at once.
 *   <li>A label for an unknown event is held until its label time plus window and grace; the first
 *       {@code Prediction} to arrive in that time joins it, and an {@code UnlabelledEvent} makes it
 *       wait for the prediction as above.
 *   <li>A second label for the same event while the first is held or waits for the prediction, or
 *       within the window after the first was joined, is a duplicate: the first label stands.
 *   <li>An {@code UnlabelledEvent} or {@code Prediction} for an event already labelled is ignored:
 *       its labelled event is written and cannot be rewritten.
 * </ul>
 *
 * <p>Expiry is the caller's: it gives a state up once stream time reaches {@link
 * EventState#expiresAt()}, and joins a {@link LabelAwaitingPrediction} that expires. Immutable and
 * thread-safe.
 */
final class EventJoin {
  /** What one record did to an event's state. */
  enum Outcome {
    /** The event became known or its state was updated. */
    STORED,
    /** A label arrived before its event and is held. */
    HELD,
    /** A label met its event before the event's prediction and waits for it. */
    AWAITING_PREDICTION,
    /** A label met its event: {@link Step#joined()} is to be written. */
    JOINED,
    /** A label for an event already labelled, or with a label held or waiting; dropped. */
    DUPLICATE,
    /** A record that adds nothing: the event is already labelled, or its label has met it. */
    IGNORED
  }

  /**
   * The result of one record.
   *
   * @param next the state to keep (the same instance when nothing changed)
   * @param joined the labelled event to write when {@code outcome} is {@link Outcome#JOINED}, else null
   */
  record Step(EventState next, Outcome outcome, LabelledEvent joined) {
    Step {
      Objects.requireNonNull(next, "next");
      Objects.requireNonNull(outcome, "outcome");
      if ((outcome == Outcome.JOINED) != (joined != null)) {
        throw new IllegalArgumentException("a step has a labelled event exactly when it joined, outcome " + outcome);
      }
    }
  }

  private final JoinSettings settings;

  EventJoin(JoinSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The key of an event's state: event ids are unique per model, so both name it. */
  static String stateKey(String model, String eventId) {
    return model + '\u0000' + eventId;
  }

  /**
   * Whether the join takes {@code prediction} at all: only an answer ({@code served}, the champion's
   * or a canary challenger's) does; a prediction made beside it (a shadow, the previous champion
   * during a verification watch) never replaces it in the labelled event, and is skipped.
   */
  static boolean joins(Prediction prediction) {
    return prediction.getServed();
  }

  /** @param now the stream time, from which a label that meets its event waits for the prediction */
  Step onEvent(EventState current, UnlabelledEvent event, long now) {
    if (current == null) {
      return new Step(new Awaiting(event, null, expiry(event.getEventTime())), Outcome.STORED, null);
    }
    if (current instanceof Awaiting awaiting) {
      return new Step(new Awaiting(event, awaiting.prediction(), awaiting.expiresAt()), Outcome.STORED, null);
    }
    if (current instanceof HeldLabel held) {
      return awaitPrediction(event, held.label(), now);
    }
    return new Step(current, Outcome.IGNORED, null);
  }

  Step onPrediction(EventState current, Prediction prediction) {
    if (current == null) {
      return new Step(new Awaiting(null, prediction, expiry(prediction.getEventTime())), Outcome.STORED, null);
    }
    if (current instanceof Awaiting awaiting) {
      Prediction kept = awaiting.prediction() == null || prefers(prediction, awaiting.prediction())
          ? prediction : awaiting.prediction();
      return new Step(new Awaiting(awaiting.event(), kept, awaiting.expiresAt()), Outcome.STORED, null);
    }
    if (current instanceof HeldLabel held) {
      return join(null, prediction, held.label());
    }
    if (current instanceof LabelAwaitingPrediction waiting) {
      return join(waiting.event(), prediction, waiting.label());
    }
    return new Step(current, Outcome.IGNORED, null);
  }

  /**
   * @param input the label's record as read, kept with a held label for its dead letter
   * @param now the stream time, from which a label that meets its event waits for the prediction
   */
  Step onLabel(EventState current, Label label, InputRecord input, long now) {
    if (current == null) {
      return new Step(new HeldLabel(label, input, expiry(label.getLabelTime())), Outcome.HELD, null);
    }
    if (current instanceof Awaiting awaiting) {
      return awaiting.prediction() == null ? awaitPrediction(awaiting.event(), label, now)
          : join(awaiting.event(), awaiting.prediction(), label);
    }
    return new Step(current, Outcome.DUPLICATE, null);
  }

  /** The prediction wait of a label that met its event has passed: it is joined without a prediction. */
  Step onPredictionWaitOver(LabelAwaitingPrediction waiting) {
    return join(waiting.event(), null, waiting.label());
  }

  /** Why a held label is dead-lettered when it expires. */
  String orphanReason(HeldLabel held) {
    Label label = held.label();
    return JoinDeadLetterRule.ORPHAN_LABEL.reason("no UnlabelledEvent or Prediction for event '"
        + label.getEventId() + "' of model '" + label.getModel() + "' arrived within the join window ("
        + settings.window() + ") plus grace (" + settings.grace() + ") after its label time "
        + Instant.ofEpochMilli(label.getLabelTime()) + "; a LabelledEvent needs the event's features");
  }

  /** A label meets an event known only from its UnlabelledEvent: it waits for the prediction, if it may. */
  private Step awaitPrediction(UnlabelledEvent event, Label label, long now) {
    long wait = settings.predictionWait().toMillis();
    if (wait == 0) {
      return join(event, null, label);
    }
    return new Step(new LabelAwaitingPrediction(event, label, plus(now, wait)), Outcome.AWAITING_PREDICTION, null);
  }

  private Step join(UnlabelledEvent event, Prediction prediction, Label label) {
    Map<String, Double> features = event != null ? event.getFeatures() : prediction.getFeatures();
    Map<String, String> categorical = event != null ? event.getCategorical() : prediction.getCategorical();
    LabelledEvent joined = LabelledEvent.newBuilder()
        .setEventId(label.getEventId())
        .setModel(event != null ? event.getModel() : prediction.getModel())
        .setEventTime(event != null ? event.getEventTime() : prediction.getEventTime())
        .setFeatures(features)
        .setCategorical(categorical)
        .setLabel(label.getLabel())
        .setPrediction(prediction == null ? null : prediction.getPredictedClass())
        .setPredictionVersion(prediction == null ? null : prediction.getVersion())
        .build();
    return new Step(new Labelled(expiry(label.getLabelTime())), Outcome.JOINED, joined);
  }

  /** Whether {@code candidate} replaces {@code kept}: only a champion's prediction replaces another alias's. */
  private static boolean prefers(Prediction candidate, Prediction kept) {
    return Aliases.CHAMPION.equals(candidate.getAlias()) && !Aliases.CHAMPION.equals(kept.getAlias());
  }

  private long expiry(long time) {
    return plus(time, settings.waitMillis());
  }

  /** {@code time + wait}, or the end of time where that would overflow; {@code wait} is not negative. */
  private static long plus(long time, long wait) {
    return time > Long.MAX_VALUE - wait ? Long.MAX_VALUE : time + wait;
  }
}
