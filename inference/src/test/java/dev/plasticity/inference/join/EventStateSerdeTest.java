package dev.plasticity.inference.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.inference.join.EventState.Awaiting;
import dev.plasticity.inference.join.EventState.HeldLabel;
import dev.plasticity.inference.join.EventState.LabelAwaitingPrediction;
import dev.plasticity.inference.join.EventState.Labelled;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Every kind of join state reads back as written. */
class EventStateSerdeTest {
  private final EventStateSerde serde = new EventStateSerde();

  @Test
  void anAwaitingEventReadsBackWithWhateverIsKnownOfIt() {
    for (Awaiting state : new Awaiting[] {
        new Awaiting(EventJoinTest.event(1), EventJoinTest.prediction(1, 3, "champion"), 99),
        new Awaiting(EventJoinTest.event(1), (Prediction) null, 99),
        new Awaiting(null, EventJoinTest.prediction(1, 3, "shadow"), 99),
        new Awaiting(EventJoinTest.event(1), List.of(EventJoinTest.prediction(1, 3, "previous"),
            EventJoinTest.prediction(1, 5, "shadow"), EventJoinTest.prediction(1, 4, "champion")), 99)}) {
      assertThat(roundTrip(state)).isEqualTo(state);
    }
  }

  @Test
  void aHeldLabelReadsBackWithItsOriginAndBytesUnchanged() {
    byte[] value = JoinCodecs.LABELS.encode(EventJoinTest.label(5, 1));
    HeldLabel held = new HeldLabel(EventJoinTest.label(5, 1), new InputRecord(Topics.LABELS, 1, 42, null, value), 77);

    HeldLabel read = (HeldLabel) roundTrip(held);

    assertThat(read.label()).isEqualTo(held.label());
    assertThat(read.expiresAt()).isEqualTo(77);
    assertThat(read.input().topic()).isEqualTo(Topics.LABELS);
    assertThat(read.input().partition()).isEqualTo(1);
    assertThat(read.input().offset()).isEqualTo(42);
    assertThat(read.input().key()).isNull();
    assertThat(read.input().value()).isEqualTo(value);
  }

  @Test
  void aLabelAwaitingItsPredictionReadsBackWithItsEventAndLabel() {
    LabelAwaitingPrediction waiting =
        new LabelAwaitingPrediction(EventJoinTest.event(1), EventJoinTest.label(5, 1), 31);

    assertThat(roundTrip(waiting)).isEqualTo(waiting);
  }

  @Test
  void aLabelAwaitingTheServedPredictionReadsBackWithThePredictionsThatCame() {
    for (LabelAwaitingPrediction waiting : List.of(
        new LabelAwaitingPrediction(null, EventJoinTest.label(5, 1), List.of(EventJoinTest.prediction(1, 3, "previous")),
            31),
        new LabelAwaitingPrediction(EventJoinTest.event(1), EventJoinTest.label(5, 1),
            List.of(EventJoinTest.prediction(1, 3, "previous"), EventJoinTest.prediction(1, 5, "shadow")), 31))) {
      assertThat(roundTrip(waiting)).isEqualTo(waiting);
      assertThat(serde.serialize("t", waiting)[0]).as("the third format").isEqualTo((byte) 3);
    }
  }

  @Test
  void statesWithSeveralPredictionsOrOneThatWasNotServedAreWrittenInTheThirdFormat() {
    assertThat(serde.serialize("t", new Awaiting(null, EventJoinTest.prediction(1, 3, "shadow"), 5))[0])
        .isEqualTo((byte) 3);
    assertThat(serde.serialize("t", new Awaiting(null, EventJoinTest.prediction(1, 3, "champion"), 5))[0])
        .as("one served prediction still fits the first").isEqualTo((byte) 1);
  }

  @Test
  void readsALabelAwaitingItsPredictionWrittenInTheSecondFormat() throws IOException {
    byte[] event = JoinCodecs.EVENTS.encode(EventJoinTest.event(1));
    byte[] label = JoinCodecs.LABELS.encode(EventJoinTest.label(5, 1));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) { // format 2, kind 4: expiry, event, label
      out.writeByte(2);
      out.writeByte(4);
      out.writeLong(31);
      out.writeInt(event.length);
      out.write(event);
      out.writeInt(label.length);
      out.write(label);
    }

    assertThat(serde.deserialize("t", bytes.toByteArray()))
        .isEqualTo(new LabelAwaitingPrediction(EventJoinTest.event(1), EventJoinTest.label(5, 1), List.of(), 31));
  }

  @Test
  void readsAnAwaitingEventWithItsPredictionWrittenInTheFirstFormat() throws IOException {
    byte[] prediction = JoinCodecs.PREDICTIONS.encode(EventJoinTest.prediction(1, 3, "champion"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) { // format 1, kind 1: expiry, no event, prediction
      out.writeByte(1);
      out.writeByte(1);
      out.writeLong(99);
      out.writeInt(-1);
      out.writeInt(prediction.length);
      out.write(prediction);
    }

    Awaiting read = (Awaiting) serde.deserialize("t", bytes.toByteArray());

    assertThat(read.predictions()).containsExactly(EventJoinTest.prediction(1, 3, "champion"));
    assertThat(read.prediction().getVersion()).isEqualTo(3);
  }

  @Test
  void refusesAStateClaimingMorePredictionsThanAreKept() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) { // format 3, kind 5: expiry, no event, 99 predictions
      out.writeByte(3);
      out.writeByte(5);
      out.writeLong(99);
      out.writeInt(-1);
      out.writeInt(99);
    }

    assertThatThrownBy(() -> serde.deserialize("t", bytes.toByteArray())).isInstanceOf(SerializationException.class)
        .hasMessageContaining("99 predictions");
  }

  @Test
  void theKindsOfTheFirstFormatAreStillWrittenInItAndOnlyTheWaitingLabelInTheSecond() {
    assertThat(serde.serialize("t", new Labelled(5))[0]).isEqualTo((byte) 1);
    assertThat(serde.serialize("t", new Awaiting(EventJoinTest.event(1), (Prediction) null, 5))[0]).isEqualTo((byte) 1);
    LabelAwaitingPrediction waiting = new LabelAwaitingPrediction(EventJoinTest.event(1), EventJoinTest.label(5, 1), 5);
    assertThat(serde.serialize("t", waiting)[0]).isEqualTo((byte) 2);
  }

  @Test
  void readsStatesWrittenInTheFirstFormat() throws IOException {
    byte[] event = JoinCodecs.EVENTS.encode(EventJoinTest.event(1));
    ByteArrayOutputStream awaiting = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(awaiting)) { // format 1, kind 1: expiry, event, no prediction
      out.writeByte(1);
      out.writeByte(1);
      out.writeLong(99);
      out.writeInt(event.length);
      out.write(event);
      out.writeInt(-1);
    }
    byte[] labelled = {1, 3, 0, 0, 0, 0, 0, 0, 0, 42}; // format 1, kind 3: expiry 42

    assertThat(serde.deserialize("t", awaiting.toByteArray()))
        .isEqualTo(new Awaiting(EventJoinTest.event(1), (Prediction) null, 99));
    assertThat(serde.deserialize("t", labelled)).isEqualTo(new Labelled(42));
  }

  @Test
  void aLabelledMarkReadsBack() {
    assertThat(roundTrip(new Labelled(Long.MAX_VALUE))).isEqualTo(new Labelled(Long.MAX_VALUE));
  }

  @Test
  void refusesBytesOfAnotherFormatNamingIt() {
    assertThatThrownBy(() -> serde.deserialize("t", new byte[] {9, 1})).isInstanceOf(SerializationException.class)
        .hasMessageContaining("format 9");
    assertThatThrownBy(() -> serde.deserialize("t", new byte[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100}))
        .isInstanceOf(SerializationException.class).hasMessageContaining("corrupt join state");
  }

  private EventState roundTrip(EventState state) {
    return serde.deserialize("t", serde.serialize("t", state));
  }
}
