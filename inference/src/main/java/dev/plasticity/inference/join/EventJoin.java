package dev.plasticity.inference.join;

import dev.plasticity.inference.join.EventState.Awaiting;
import dev.plasticity.inference.join.EventState.HeldLabel;
import dev.plasticity.inference.join.EventState.LabelAwaitingPrediction;
import dev.plasticity.inference.join.EventState.Labelled;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.UnlabelledEvent;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.VersionOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rules of the delayed-label join for one event id, without Kafka: given what is known about
 * an event (an {@link EventState}, or null when nothing is) and one new record, what is known next
 * and what happened.
 *
 * <ul>
 *   <li>An {@code UnlabelledEvent} or a {@code Prediction} makes the event known; it waits for its
 *       label until its event time plus window and grace. Every version's prediction of the event
 *       is kept (at most {@link EventState#MAX_PREDICTIONS}; a second one of the same version, or
 *       one more, is dropped): the served one, and those of versions that scored without answering
 *       ({@code served=false}: a shadow, or the outgoing champion, alias {@code previous}, during
 *       the watch after a swap).
 *   <li>A label for an event whose served prediction is known makes one {@code LabelledEvent} at
 *       once: features from the {@code UnlabelledEvent} when known, else from a prediction; the
 *       served prediction and its version, never one with {@code served=false}. With it comes one
 *       {@code LiveOutcome} holding every prediction of the event, the served one first, each right
 *       or wrong.
 *   <li>A label that meets an event whose served prediction has not come (the scoring app has not
 *       answered yet) waits for it for the prediction wait, counted in stream time from when the
 *       two met: the prediction joins it when it comes; when the wait passes the label is joined
 *       without one ({@link #onPredictionWaitOver}), with the predictions that did come in its
 *       {@code LiveOutcome}. An event that is never scored (no version existed yet) is labelled all
 *       the same: that is how a model's first version gets training data. With a prediction wait of
 *       zero it is joined at once.
 *   <li>A label for an unknown event is held until its label time plus window and grace; the first
 *       served {@code Prediction} to arrive in that time joins it, and an {@code UnlabelledEvent} or
 *       a prediction that was not served makes it wait for the served prediction as above.
 *   <li>A second label for the same event while the first is held or waits for the prediction, or
 *       within the window after the first was joined, is a duplicate: the first label stands.
 *   <li>An {@code UnlabelledEvent} for an event already labelled is ignored, and a {@code Prediction}
 *       for one is late: its labelled event and live outcome are written and cannot be rewritten.
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
    /** A label met its event before the event's served prediction and waits for it. */
    AWAITING_PREDICTION,
    /** A label met its event: {@link Step#joined()} (and {@link Step#live()}, when set) are to be written. */
    JOINED,
    /** A label for an event already labelled, or with a label held or waiting; dropped. */
    DUPLICATE,
    /** A prediction for an event already labelled; dropped. */
    LATE_PREDICTION,
    /** A prediction of a version that already scored the event, or one over the bound per event; dropped. */
    DROPPED_PREDICTION,
    /** A record that adds nothing: the event is already labelled, or its label has met it. */
    IGNORED
  }

  /**
   * The result of one record.
   *
   * @param next the state to keep (the same instance when nothing changed)
   * @param joined the labelled event to write when {@code outcome} is {@link Outcome#JOINED}, else null
   * @param live the live outcome to write when the event joined with at least one prediction, else null
   */
  record Step(EventState next, Outcome outcome, LabelledEvent joined, LiveOutcome live) {
    Step {
      Objects.requireNonNull(next, "next");
      Objects.requireNonNull(outcome, "outcome");
      if ((outcome == Outcome.JOINED) != (joined != null)) {
        throw new IllegalArgumentException("a step has a labelled event exactly when it joined, outcome " + outcome);
      }
      if (live != null && joined == null) {
        throw new IllegalArgumentException("a step has a live outcome only when it joined");
      }
    }

    Step(EventState next, Outcome outcome) {
      this(next, outcome, null, null);
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

  /** @param now the stream time, from which a label that meets its event waits for the prediction */
  Step onEvent(EventState current, UnlabelledEvent event, long now) {
    if (current == null) {
      return new Step(new Awaiting(event, List.of(), expiry(event.getEventTime())), Outcome.STORED);
    }
    if (current instanceof Awaiting awaiting) {
      return new Step(new Awaiting(event, awaiting.predictions(), awaiting.expiresAt()), Outcome.STORED);
    }
    if (current instanceof HeldLabel held) {
      return awaitPrediction(event, List.of(), held.label(), now);
    }
    if (current instanceof LabelAwaitingPrediction waiting && waiting.event() == null) {
      return new Step(new LabelAwaitingPrediction(event, waiting.label(), waiting.predictions(), waiting.expiresAt()),
          Outcome.STORED);
    }
    return new Step(current, Outcome.IGNORED);
  }

  /** @param now the stream time: when a label that meets its event waits from, and when a join happens */
  Step onPrediction(EventState current, Prediction prediction, long now) {
    if (current == null) {
      return new Step(new Awaiting(null, List.of(prediction), expiry(prediction.getEventTime())), Outcome.STORED);
    }
    if (current instanceof Awaiting awaiting) {
      List<Prediction> kept = add(awaiting.predictions(), prediction);
      return kept == null ? new Step(current, Outcome.DROPPED_PREDICTION)
          : new Step(new Awaiting(awaiting.event(), kept, awaiting.expiresAt()), Outcome.STORED);
    }
    if (current instanceof HeldLabel held) {
      return prediction.getServed() ? join(null, List.of(prediction), held.label(), now)
          : awaitPrediction(null, List.of(prediction), held.label(), now);
    }
    if (current instanceof LabelAwaitingPrediction waiting) {
      List<Prediction> kept = add(waiting.predictions(), prediction);
      if (kept == null) {
        return new Step(current, Outcome.DROPPED_PREDICTION);
      }
      return prediction.getServed() ? join(waiting.event(), kept, waiting.label(), now)
          : new Step(new LabelAwaitingPrediction(waiting.event(), waiting.label(), kept, waiting.expiresAt()),
              Outcome.STORED);
    }
    return new Step(current, Outcome.LATE_PREDICTION);
  }

  /**
   * @param input the label's record as read, kept with a held label for its dead letter
   * @param now the stream time, from which a label that meets its event waits for the prediction
   */
  Step onLabel(EventState current, Label label, InputRecord input, long now) {
    if (current == null) {
      return new Step(new HeldLabel(label, input, expiry(label.getLabelTime())), Outcome.HELD);
    }
    if (current instanceof Awaiting awaiting) {
      return awaiting.prediction() == null ? awaitPrediction(awaiting.event(), awaiting.predictions(), label, now)
          : join(awaiting.event(), awaiting.predictions(), label, now);
    }
    return new Step(current, Outcome.DUPLICATE);
  }

  /**
   * The prediction wait of a label that met its event has passed: it is joined without a served
   * prediction, with those that did come in its live outcome.
   *
   * @param now the stream time of the join
   */
  Step onPredictionWaitOver(LabelAwaitingPrediction waiting, long now) {
    return join(waiting.event(), waiting.predictions(), waiting.label(), now);
  }

  /** Why a held label is dead-lettered when it expires. */
  String orphanReason(HeldLabel held) {
    Label label = held.label();
    return JoinDeadLetterRule.ORPHAN_LABEL.reason("no UnlabelledEvent or Prediction for event '"
        + label.getEventId() + "' of model '" + label.getModel() + "' arrived within the join window ("
        + settings.window() + ") plus grace (" + settings.grace() + ") after its label time "
        + Instant.ofEpochMilli(label.getLabelTime()) + "; a LabelledEvent needs the event's features");
  }

  /**
   * {@code predictions} with {@code prediction} added, or null when it is dropped: its version
   * already scored the event, or the bound is reached (unless it is the served prediction and none
   * kept is, when it takes the place of the last one that was not served).
   */
  private static List<Prediction> add(List<Prediction> predictions, Prediction prediction) {
    for (Prediction kept : predictions) {
      if (kept.getVersion() == prediction.getVersion()) {
        return null;
      }
    }
    List<Prediction> kept = new ArrayList<>(predictions);
    if (kept.size() >= EventState.MAX_PREDICTIONS) {
      if (!prediction.getServed() || EventState.served(kept) != null) {
        return null;
      }
      kept.remove(kept.size() - 1);
    }
    kept.add(prediction);
    return kept;
  }

  /**
   * A label meets an event whose served prediction has not come: it waits for it, if it may.
   *
   * @param event the event, or null when it is known only from {@code predictions}
   */
  private Step awaitPrediction(UnlabelledEvent event, List<Prediction> predictions, Label label, long now) {
    long wait = settings.predictionWait().toMillis();
    if (wait == 0) {
      return join(event, predictions, label, now);
    }
    return new Step(new LabelAwaitingPrediction(event, label, predictions, plus(now, wait)),
        Outcome.AWAITING_PREDICTION);
  }

  private Step join(UnlabelledEvent event, List<Prediction> predictions, Label label, long now) {
    Prediction served = EventState.served(predictions);
    Prediction known = served != null ? served : predictions.isEmpty() ? null : predictions.get(0);
    if (event == null && known == null) {
      throw new IllegalStateException("a join needs the event or a prediction of it");
    }
    String model = event != null ? event.getModel() : known.getModel();
    long eventTime = event != null ? event.getEventTime() : known.getEventTime();
    LabelledEvent joined = LabelledEvent.newBuilder()
        .setEventId(label.getEventId())
        .setModel(model)
        .setEventTime(eventTime)
        .setFeatures(event != null ? event.getFeatures() : known.getFeatures())
        .setCategorical(event != null ? event.getCategorical() : known.getCategorical())
        .setLabel(label.getLabel())
        .setPrediction(served == null ? null : served.getPredictedClass())
        .setPredictionVersion(served == null ? null : served.getVersion())
        .build();
    LiveOutcome live = predictions.isEmpty() ? null
        : liveOutcome(label.getEventId(), model, eventTime, now, label.getLabel(), served, predictions);
    return new Step(new Labelled(expiry(label.getLabelTime())), Outcome.JOINED, joined, live);
  }

  /** Every prediction of the event, right or wrong: the served one first, the others in arrival order. */
  private static LiveOutcome liveOutcome(String eventId, String model, long eventTime, long joinedAt, int label,
      Prediction served, List<Prediction> predictions) {
    List<VersionOutcome> outcomes = new ArrayList<>(predictions.size());
    if (served != null) {
      outcomes.add(versionOutcome(served, label, true));
    }
    for (Prediction prediction : predictions) {
      if (prediction != served) {
        outcomes.add(versionOutcome(prediction, label, false));
      }
    }
    return LiveOutcome.newBuilder().setEventId(eventId).setModel(model).setEventTime(eventTime)
        .setJoinedAt(joinedAt).setLabel(label).setOutcomes(outcomes).build();
  }

  /** @param served whether this prediction was the answer: only the served one of the event is, even among served ones */
  private static VersionOutcome versionOutcome(Prediction prediction, int label, boolean served) {
    return VersionOutcome.newBuilder().setVersion(prediction.getVersion()).setAlias(prediction.getAlias())
        .setServed(served).setPredictedClass(prediction.getPredictedClass())
        .setCorrect(prediction.getPredictedClass() == label).build();
  }

  private long expiry(long time) {
    return plus(time, settings.waitMillis());
  }

  /** {@code time + wait}, or the end of time where that would overflow; {@code wait} is not negative. */
  private static long plus(long time, long wait) {
    return time > Long.MAX_VALUE - wait ? Long.MAX_VALUE : time + wait;
  }
}
