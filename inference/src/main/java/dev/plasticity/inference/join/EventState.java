package dev.plasticity.inference.join;

import dev.plasticity.schemas.Label;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.UnlabelledEvent;
import java.util.Objects;

/**
 * What the join knows about one event id of one model, kept in the join's store until {@link
 * #expiresAt()} (stream time, epoch millis): the event waiting for its label, a label waiting for
 * its event, a label that has met its event waiting for the event's prediction, or the mark of an
 * event already labelled.
 */
sealed interface EventState
    permits EventState.Awaiting, EventState.HeldLabel, EventState.LabelAwaitingPrediction, EventState.Labelled {
  /** The stream time at which the join gives this state up. */
  long expiresAt();

  /**
   * The event is known, from its {@code UnlabelledEvent}, its {@code Prediction} or both, and waits
   * for its label.
   *
   * @param event the event as the application sent it, or null when only its prediction is known
   * @param prediction the prediction of the served version, or null when the event was not scored (yet)
   */
  record Awaiting(UnlabelledEvent event, Prediction prediction, long expiresAt) implements EventState {
    public Awaiting {
      if (event == null && prediction == null) {
        throw new IllegalArgumentException("an awaiting event is known from its UnlabelledEvent or its Prediction");
      }
    }
  }

  /** A label arrived before anything about its event and waits for it. */
  record HeldLabel(Label label, InputRecord input, long expiresAt) implements EventState {}

  /**
   * The label has met its event's {@code UnlabelledEvent} but not yet the event's {@code
   * Prediction}; it waits for the prediction until {@code expiresAt}, then is joined without one.
   */
  record LabelAwaitingPrediction(UnlabelledEvent event, Label label, long expiresAt) implements EventState {
    public LabelAwaitingPrediction {
      Objects.requireNonNull(event, "a label awaiting its event's prediction has met the event");
      Objects.requireNonNull(label, "label");
    }
  }

  /** The event was labelled; kept so that the same label arriving again is not published twice. */
  record Labelled(long expiresAt) implements EventState {}
}
