package dev.plasticity.streamjobs;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.LabelledEvent;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records into {@link LabelledEvent}s and validates them; a record that does not
 * decode, or names no model, carries no features, a NaN or infinite feature, or a negative label,
 * goes to {@link #DEAD_LETTERS} with the reason. Counts both outcomes ({@code eventsDecoded},
 * {@code deadLetters}). Never throws on bad input.
 */
final class DecodeLabelledEvents extends ProcessFunction<KafkaRecord, ObservedEvent> {
  private static final long serialVersionUID = 1L;

  static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private transient LabelledEventDecoder decoder;
  private transient Counter decoded;
  private transient Counter deadLetters;

  @Override
  public void open(OpenContext openContext) {
    decoder = new LabelledEventDecoder();
    decoded = getRuntimeContext().getMetricGroup().counter("eventsDecoded");
    deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
  }

  @Override
  public void processElement(KafkaRecord record, Context ctx, Collector<ObservedEvent> out) {
    String error;
    try {
      ObservedEvent event = decoder.decode(record.value(), record.partition(), record.offset());
      error = validate(event);
      if (error == null) {
        decoded.inc();
        out.collect(event);
        return;
      }
    } catch (AvroCodec.InvalidPayloadException e) {
      error = e.getMessage();
    }
    deadLetters.inc();
    ctx.output(DEAD_LETTERS, DeadLetter.newBuilder()
        .setSourceTopic(record.topic())
        .setPartition(record.partition())
        .setOffset(record.offset())
        .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
        .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
        .setError(error)
        .setFailedAt(ctx.timerService().currentProcessingTime())
        .build());
  }

  /** The reason the event is unusable, or null when it is fine. */
  static String validate(ObservedEvent event) {
    String problem = problem(event);
    // the event id is only in the original bytes: decoded for the message, not for every event
    return problem == null ? null : "invalid LabelledEvent " + event.event().getEventId() + ": " + problem;
  }

  private static String problem(ObservedEvent event) {
    if (event.model().isBlank()) {
      return "missing model name";
    }
    double[] values = event.values();
    if (values.length == 0) {
      return "no numeric features";
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        return "feature '" + event.names().name(i) + "' is " + values[i];
      }
    }
    if (event.label() < 0) {
      return "negative label " + event.label();
    }
    return null;
  }
}
