package dev.plasticity.streamjobs;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.LabelledEvent;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A decoded, valid labelled event, the bytes it was decoded from, and where it was read from (for
 * the trigger's data window).
 *
 * <p>Between operators and in state it travels field by field with those bytes (see {@link
 * ObservedEventSerializer}); the bytes are what a dead letter for a late event carries, the
 * original record rather than a re-encoding. Immutable as far as the job is concerned: nothing
 * changes the event or the bytes.
 *
 * @param event the event
 * @param payload the Avro single-object encoding of {@code event}, as read from Kafka
 * @param partition source partition
 * @param offset offset in that partition
 */
@TypeInfo(ObservedEventSerializer.TypeInfoFactory.class)
public record ObservedEvent(LabelledEvent event, byte[] payload, int partition, long offset) {
  static final AvroCodec<LabelledEvent> CODEC = AvroCodec.of(LabelledEvent.class);

  public ObservedEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(payload, "payload");
  }

  /** An event with its bytes encoded here (for events that did not come from Kafka, as in tests). */
  public ObservedEvent(LabelledEvent event, int partition, long offset) {
    this(event, CODEC.encode(event), partition, offset);
  }

  /** The event's time, epoch millis. */
  public long eventTime() {
    return event.getEventTime();
  }
}
