package dev.plasticity.inference.join;

import dev.plasticity.inference.AliasRole;
import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.UnlabelledEvent;
import java.util.List;
import java.util.Objects;

/**
 * What the join knows about one event id of one model, kept in the join's store until {@link
 * #expiresAt()} (stream time, epoch millis): the event waiting for its label, a label waiting for
 * its event, a label that has met its event waiting for the event's served prediction, or the mark
 * of an event already labelled.
 *
 * <p>An event's predictions are every version's that scored it, in arrival order, at most {@link
 * #MAX_PREDICTIONS}: the served one (the answer) and those that scored without answering (a shadow,
 * or the champion before a swap while its successor is watched).
 */
sealed interface EventState
    permits EventState.Awaiting, EventState.HeldLabel, EventState.LabelAwaitingPrediction, EventState.Labelled {
  /** The most predictions kept per event; more are dropped and counted. */
  int MAX_PREDICTIONS = 8;

  /** The stream time at which the join gives this state up. */
  long expiresAt();

  /**
   * The served prediction among {@code predictions}: the first served one of the champion, else
   * the first served one (a canary's); null when none was served. A prediction with {@code
   * served=false} is never it.
   */
  static Prediction served(List<Prediction> predictions) {
    Prediction firstServed = null;
    for (Prediction prediction : predictions) {
      if (prediction.getServed()) {
        if (AliasRole.ofPrediction(prediction.getAlias()).filter(role -> role == AliasRole.CHAMPION).isPresent()) {
          return prediction;
        }
        if (firstServed == null) {
          firstServed = prediction;
        }
      }
    }
    return firstServed;
  }

  /**
   * The event is known, from its {@code UnlabelledEvent}, its predictions or both, and waits for
   * its label.
   *
   * @param event the event as the application sent it, or null when only its predictions are known
   * @param predictions every prediction of the event so far, in arrival order (empty: not scored yet)
   */
  record Awaiting(UnlabelledEvent event, List<Prediction> predictions, long expiresAt) implements EventState {
    public Awaiting {
      predictions = List.copyOf(predictions);
      if (event == null && predictions.isEmpty()) {
        throw new IllegalArgumentException("an awaiting event is known from its UnlabelledEvent or a Prediction");
      }
      if (predictions.size() > MAX_PREDICTIONS) {
        throw new IllegalArgumentException("an event keeps at most " + MAX_PREDICTIONS + " predictions; got "
            + predictions.size());
      }
    }

    /** An event with at most one prediction (null: none). */
    Awaiting(UnlabelledEvent event, Prediction prediction, long expiresAt) {
      this(event, prediction == null ? List.of() : List.of(prediction), expiresAt);
    }

    /** The served prediction, or null when none has come (yet). */
    Prediction prediction() {
      return served(predictions);
    }
  }

  /** A label arrived before anything about its event and waits for it. */
  record HeldLabel(Label label, InputRecord input, long expiresAt) implements EventState {}

  /**
   * The label has met its event, known from its {@code UnlabelledEvent} or from predictions that
   * were not served, but not the event's served {@code Prediction}; it waits for that until {@code
   * expiresAt}, then is joined without one.
   *
   * @param event the event, or null when it is known only from {@code predictions}
   * @param predictions the predictions of versions that scored without answering, in arrival order
   */
  record LabelAwaitingPrediction(UnlabelledEvent event, Label label, List<Prediction> predictions, long expiresAt)
      implements EventState {
    public LabelAwaitingPrediction {
      Objects.requireNonNull(label, "label");
      predictions = List.copyOf(predictions);
      if (event == null && predictions.isEmpty()) {
        throw new IllegalArgumentException("a label awaiting its event's prediction has met the event or a "
            + "prediction of it");
      }
      if (served(predictions) != null) {
        throw new IllegalArgumentException("a label that has met its event's served prediction is joined, not waiting");
      }
      if (predictions.size() > MAX_PREDICTIONS) {
        throw new IllegalArgumentException("an event keeps at most " + MAX_PREDICTIONS + " predictions; got "
            + predictions.size());
      }
    }

    /** A label that met the event's {@code UnlabelledEvent} and no prediction. */
    LabelAwaitingPrediction(UnlabelledEvent event, Label label, long expiresAt) {
      this(Objects.requireNonNull(event, "event"), label, List.of(), expiresAt);
    }
  }

  /** The event was labelled; kept so that the same label arriving again is not published again. */
  record Labelled(long expiresAt) implements EventState {}
}
