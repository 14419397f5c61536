package dev.plasticity.streamjobs;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.streamjobs.drift.FeatureNames;
import dev.plasticity.streamjobs.drift.Observation;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A decoded, valid labelled event as the drift job carries it: the fields the drift operator reads,
 * with the numeric features as an array in a shared {@link FeatureNames} layout; the bytes it was
 * decoded from; and where it was read from (for the trigger's data window).
 *
 * <p>Between operators and in state it travels field by field with those bytes (see {@link
 * ObservedEventSerializer}); the bytes are what a dead letter for a late event carries, the
 * original record rather than a re-encoding, and what {@link #event()} decodes on the rare paths
 * that need the whole record. Immutable as far as the job is concerned: nothing changes the
 * values or the bytes.
 *
 * @param model the model the event is for
 * @param eventTime the event's time, epoch millis
 * @param names the layout of {@code values}
 * @param values the numeric feature values, in the order of {@code names}
 * @param categorical categorical features by name (immutable)
 * @param label the true class index
 * @param prediction the class a served model predicted, or null
 * @param predictionVersion the version that predicted it, or null
 * @param payload the Avro single-object encoding of the event, as read from Kafka
 * @param partition source partition
 * @param offset offset in that partition
 */
@TypeInfo(ObservedEventSerializer.TypeInfoFactory.class)
record ObservedEvent(String model, long eventTime, FeatureNames names, double[] values,
    Map<String, String> categorical, int label, Integer prediction, Integer predictionVersion,
    byte[] payload, int partition, long offset) {
  static final AvroCodec<LabelledEvent> CODEC = AvroCodec.of(LabelledEvent.class);

  public ObservedEvent {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(categorical, "categorical");
    Objects.requireNonNull(payload, "payload");
    if (values.length != names.size()) {
      throw new IllegalArgumentException(values.length + " values for " + names.size() + " feature names");
    }
  }

  /** An event with its bytes encoded here (for events that did not come from Kafka, as in tests). */
  public ObservedEvent(LabelledEvent event, int partition, long offset) {
    this(event, CODEC.encode(event), partition, offset);
  }

  /** The drift job's view of a decoded event and the bytes it came from. */
  public ObservedEvent(LabelledEvent event, byte[] payload, int partition, long offset) {
    this(event, FeatureNames.of(java.util.List.copyOf(event.getFeatures().keySet())), payload, partition, offset);
  }

  private ObservedEvent(LabelledEvent event, FeatureNames names, byte[] payload, int partition, long offset) {
    this(event.getModel(), event.getEventTime(), names, valuesOf(event, names),
        event.getCategorical() == null ? Map.of() : Map.copyOf(event.getCategorical()), event.getLabel(),
        event.getPrediction(), event.getPredictionVersion(), payload, partition, offset);
  }

  private static double[] valuesOf(LabelledEvent event, FeatureNames names) {
    double[] values = new double[names.size()];
    for (int i = 0; i < values.length; i++) {
      Double v = event.getFeatures().get(names.name(i));
      values[i] = v == null ? Double.NaN : v;
    }
    return values;
  }

  /** The whole event, decoded from {@link #payload()}: for dead letters and tests, not per event. */
  public LabelledEvent event() {
    return CODEC.decode(payload);
  }

  /** What the drift monitor reads of this event. */
  public Observation observation() {
    return new Observation(names, values, label, prediction, predictionVersion, categorical);
  }
}
