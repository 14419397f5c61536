package dev.plasticity.inference.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plasticity.inference.join.EventState.Awaiting;
import dev.plasticity.inference.join.EventState.HeldLabel;
import dev.plasticity.inference.join.EventState.LabelAwaitingPrediction;
import dev.plasticity.inference.join.EventState.Labelled;
import dev.plasticity.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Every kind of join state reads back as written. */
class EventStateSerdeTest {
  private final EventStateSerde serde = new EventStateSerde();

  @Test
  void anAwaitingEventReadsBackWithWhateverIsKnownOfIt() {
    for (Awaiting state : new Awaiting[] {
        new Awaiting(EventJoinTest.event(1), EventJoinTest.prediction(1, 3, "champion"), 99),
        new Awaiting(EventJoinTest.event(1), null, 99),
        new Awaiting(null, EventJoinTest.prediction(1, 3, "shadow"), 99)}) {
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
  void theKindsOfTheFirstFormatAreStillWrittenInItAndOnlyTheWaitingLabelInTheSecond() {
    assertThat(serde.serialize("t", new Labelled(5))[0]).isEqualTo((byte) 1);
    assertThat(serde.serialize("t", new Awaiting(EventJoinTest.event(1), null, 5))[0]).isEqualTo((byte) 1);
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
        .isEqualTo(new Awaiting(EventJoinTest.event(1), null, 99));
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
