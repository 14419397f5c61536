package dev.plasticity.trainer.run;

import dev.plasticity.schemas.LabelledEvent;
import java.time.Duration;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Events read back from the labelled-events topic, one {@link EventWindowReader} (one consumer)
 * per read; bad records go to the events' dead-letter topic. Thread-safe: it holds only the
 * broker's address.
 */
final class KafkaEventSource implements EventSource {
  private final String bootstrapServers;
  private final int maxClasses;
  private final List<String> features;

  /** @param maxClasses labels must be in {@code [0, maxClasses)}; an event labelled otherwise is dead-lettered */
  KafkaEventSource(String bootstrapServers, int maxClasses) {
    this(bootstrapServers, maxClasses, List.of());
  }

  /** @param features numeric features every event must have; one that lacks any is dead-lettered */
  private KafkaEventSource(String bootstrapServers, int maxClasses, List<String> features) {
    this.bootstrapServers = bootstrapServers;
    this.maxClasses = maxClasses;
    this.features = List.copyOf(features);
  }

  @Override
  public EventSource definedBy(int classes, List<String> features) {
    return new KafkaEventSource(bootstrapServers, Math.min(maxClasses, classes), features);
  }

  @Override
  public Window read(String model, long fromTime, int wanted, int minimum, int enough, Duration wait,
      IntConsumer progress) {
    try (EventWindowReader reader = new EventWindowReader(bootstrapServers, maxClasses, features)) {
      List<LabelledEvent> events = reader.read(model, fromTime, wanted, minimum, enough, wait, progress);
      return new Window(events, reader.undecodable(), reader.invalid());
    }
  }

  @Override
  public List<LabelledEvent> readBetween(String model, long fromTime, long untilTime, int wanted, Duration wait) {
    try (EventWindowReader reader = new EventWindowReader(bootstrapServers, maxClasses, features)) {
      return reader.readBetween(model, fromTime, untilTime, wanted, wait);
    }
  }
}
