package dev.plasticity.streamjobs;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.LabelledEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records into {@link LabelledEvent}s and validates them; a record that does not
 * decode (or is larger than the maximum record size, or claims more bytes than it has), or names
 * no model, carries no features, more than {@link #MAX_FEATURES} features, a NaN or infinite
 * feature, a negative label or one not below {@link #MAX_CLASSES}, or an event time before 1970 or
 * more than {@code maxEventTimeAheadMillis} ahead of the clock, goes to {@link #DEAD_LETTERS} with
 * the reason. Whether the label is a class of the serving version is checked where the version is
 * known ({@link ChampionDriftFunction}). Counts both outcomes ({@code eventsDecoded}, {@code
 * deadLetters}). Never throws on bad input. One instance per subtask (Flink's usual), not shared.
 */
final class DecodeLabelledEvents extends ProcessFunction<KafkaRecord, ObservedEvent> {
  private static final long serialVersionUID = 2L;

  static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  /**
   * A hard bound on class indexes, whatever a model says: labels index per-class counts, and this
   * holds before any version tells the model's class count. Versions with more classes are refused.
   */
  static final int MAX_CLASSES = 1 << 20;
  /** The most numeric features an event may carry; each is kept in the window's state. */
  static final int MAX_FEATURES = 4096;

  private final long maxEventTimeAheadMillis;
  private transient LabelledEventDecoder decoder;
  private transient Counter decoded;
  private transient Counter deadLetters;
  /** Dead letters by reason, each counted into {@link #deadLetters} too. */
  private transient Counter undecodable;
  private transient Counter invalid;

  DecodeLabelledEvents(long maxEventTimeAheadMillis) {
    if (maxEventTimeAheadMillis <= 0) {
      throw new IllegalArgumentException("maxEventTimeAheadMillis must be > 0, got " + maxEventTimeAheadMillis);
    }
    this.maxEventTimeAheadMillis = maxEventTimeAheadMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    decoder = new LabelledEventDecoder();
    decoded = getRuntimeContext().getMetricGroup().counter("eventsDecoded");
    deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    DriftJobMetrics prometheus = new DriftJobMetrics(getRuntimeContext().getMetricGroup());
    undecodable = prometheus.deadLetters("undecodable", deadLetters);
    invalid = prometheus.deadLetters("invalid", deadLetters);
  }

  @Override
  public void processElement(KafkaRecord record, Context ctx, Collector<ObservedEvent> out) {
    String error;
    long now = ctx.timerService().currentProcessingTime();
    try {
      ObservedEvent event = decoder.decode(record.value(), record.partition(), record.offset());
      error = validate(event, now, maxEventTimeAheadMillis);
      if (error == null) {
        decoded.inc();
        out.collect(event);
        return;
      }
      invalid.inc();
    } catch (AvroCodec.InvalidPayloadException e) {
      error = e.getMessage();
      undecodable.inc();
    } catch (RuntimeException e) { // a bug on one record's path must not fail the job: the record says which
      error = "could not decode or check the record: " + e;
      undecodable.inc();
    }
    ctx.output(DEAD_LETTERS, record.deadLetter(error, now));
  }

  /**
   * The reason the event is unusable, or null when it is fine.
   *
   * @param now the job's clock, epoch millis
   * @param maxAheadMillis how far ahead of {@code now} an event time may be
   */
  static String validate(ObservedEvent event, long now, long maxAheadMillis) {
    String problem = problem(event, now, maxAheadMillis);
    // the event id is only in the original bytes: decoded for the message, not for every event
    return problem == null ? null : "invalid LabelledEvent " + event.event().getEventId() + ": " + problem;
  }

  private static String problem(ObservedEvent event, long now, long maxAheadMillis) {
    if (event.model().isBlank()) {
      return "missing model name";
    }
    double[] values = event.values();
    if (values.length == 0) {
      return "no numeric features";
    }
    if (values.length > MAX_FEATURES) {
      return values.length + " numeric features, more than the " + MAX_FEATURES + " an event may carry";
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        return "feature '" + event.names().name(i) + "' is " + values[i];
      }
    }
    if (event.label() < 0) {
      return "negative label " + event.label();
    }
    if (event.label() >= MAX_CLASSES) {
      return "label " + event.label() + " is not a class index below the hard bound of " + MAX_CLASSES + " classes";
    }
    if (event.eventTime() < 0) {
      return "event time " + event.eventTime() + " is before 1970 (event times are epoch millis)";
    }
    if (event.eventTime() - now > maxAheadMillis) {
      return "event time " + event.eventTime() + " is more than " + maxAheadMillis + " ms ahead of the job's clock ("
          + now + ")";
    }
    return null;
  }
}
