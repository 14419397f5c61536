package dev.plasticity.client;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One observation of a model's stream, as a service sees it before its label is known: what {@link
 * PlasticityClient#publishEvent} sends to be scored and {@link PlasticityClient#publishLabelled} sends
 * with its label. Immutable; the maps are copied.
 *
 * @param model the model the event is for
 * @param id unique per model: the key that joins the event, its prediction and its label
 * @param time when the event happened; it becomes the Kafka record's timestamp, on which the label
 *     join and the drift job's windows run
 * @param features numeric features by name, every one finite
 * @param categorical categorical features by name (empty when the model has none)
 */
public record Event(String model, String id, Instant time, Map<String, Double> features, Map<String, String> categorical) {
  public Event {
    requireText(model, "model");
    requireText(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(categorical, "categorical");
    for (Map.Entry<String, Double> feature : features.entrySet()) {
      if (feature.getValue() == null || !Double.isFinite(feature.getValue())) {
        throw new IllegalArgumentException("event " + id + ": feature '" + feature.getKey()
            + "' must be a finite number, was " + feature.getValue());
      }
    }
    features = Map.copyOf(features);
    categorical = Map.copyOf(categorical);
  }

  /** An event with numeric features only. */
  public static Event of(String model, String id, Instant time, Map<String, Double> features) {
    return new Event(model, id, time, features, Map.of());
  }

  static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
