package dev.plasticity.trainer.run;

import dev.plasticity.schemas.LabelledEvent;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Where a retraining run's labelled events come from. {@link KafkaEventSource} reads them back
 * from the labelled-events topic; tests may hand a run events from memory. Implementations say
 * whether they are thread-safe; a run calls its source from one thread.
 */
interface EventSource {
  /**
   * Up to {@code wanted} events of {@code model} with event time at or after {@code fromTime},
   * oldest first; waits up to {@code wait} for them and settles for {@code minimum}. Once it holds
   * {@code enough} events it waits for no more: it returns those that have arrived by then, up to
   * {@code wanted} ({@code enough} = {@code wanted} waits for them all).
   *
   * @param progress told how many events have been read so far, now and then
   * @throws IllegalStateException when fewer than {@code minimum} events arrived in time
   */
  Window read(String model, long fromTime, int wanted, int minimum, int enough, Duration wait,
      IntConsumer progress);

  /**
   * This source for a model with a definition: events labelled outside its {@code classes}, or
   * lacking one of its numeric {@code features}, cannot be trained on. A source that has no
   * unusable events (in memory) returns itself.
   */
  default EventSource definedBy(int classes, List<String> features) {
    return this;
  }

  /** Up to {@code wanted} events of {@code model} with event time in {@code [fromTime, untilTime)}, oldest first. */
  List<LabelledEvent> readBetween(String model, long fromTime, long untilTime, int wanted, Duration wait);

  /**
   * Events read for a run, and how many records were dead-lettered on the way.
   *
   * @param undecodable records that did not decode
   * @param invalid events that could not be trained on (a label out of range, say)
   */
  record Window(List<LabelledEvent> events, int undecodable, int invalid) {
    public Window {
      events = List.copyOf(Objects.requireNonNull(events, "events"));
    }
  }
}
