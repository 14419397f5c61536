package dev.plasticity.trainer.run;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a model's labelled events back from the events topic, starting at an event time (Kafka
 * record timestamps are event times), waiting for more to arrive when the window is still being
 * written. A record that does not decode, and an event of the model that cannot be trained on (a
 * label outside {@code [0, maxClasses)}, a feature that is not a finite number), is not skipped
 * silently: it is counted ({@link #undecodable()}, {@link #invalid()}), its cause logged, and it
 * is written to the events' dead-letter topic with a reason that starts {@value #REASON_PREFIX},
 * which tells it apart from the drift job's own letter for the same record. Not thread-safe.
 */
final class EventWindowReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventWindowReader.class);
  /** How the reason of every dead letter this reader writes starts. */
  static final String REASON_PREFIX = "trainer window reader: ";

  private final String bootstrapServers;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroCodec<LabelledEvent> codec = AvroCodec.of(LabelledEvent.class);
  private final int maxClasses;
  private final List<String> features;
  private DeadLetters deadLetters; // opened at the first record that needs one
  private int undecodable;
  private String firstUndecodable;
  private int invalid;

  /** @param maxClasses labels must be in {@code [0, maxClasses)}; an event labelled otherwise is dead-lettered */
  EventWindowReader(String bootstrapServers, int maxClasses) {
    this(bootstrapServers, maxClasses, List.of());
  }

  /**
   * @param maxClasses labels must be in {@code [0, maxClasses)}; an event labelled otherwise is dead-lettered
   * @param features numeric features every event must have (its model's definition declares them);
   *     an event that lacks one is dead-lettered
   */
  EventWindowReader(String bootstrapServers, int maxClasses, List<String> features) {
    this.bootstrapServers = bootstrapServers;
    this.maxClasses = maxClasses;
    this.features = List.copyOf(features);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Up to {@code wanted} events of {@code model} with event time at or after {@code fromTime},
   * oldest first. Waits up to {@code wait} for them; returns what it has then if that is at least
   * {@code minimum}. Once it holds {@code enough}, it reads on only to the end of the log as it is
   * then, and returns.
   *
   * @throws IllegalStateException when fewer than {@code minimum} events arrived in time
   */
  List<LabelledEvent> read(
      String model, long fromTime, int wanted, int minimum, int enough, Duration wait, IntConsumer progress) {
    List<TopicPartition> partitions = assignAll();
    Map<TopicPartition, OffsetAndTimestamp> starts = firstOffsetsAt(partitions, fromTime);
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp start = starts.get(tp);
      if (start != null) {
        consumer.seek(tp, start.offset());
      } else {
        consumer.seekToEnd(List.of(tp)); // nothing that recent yet: take what arrives next
      }
    }
    List<LabelledEvent> events = new ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    int reported = 0;
    Map<TopicPartition, Long> arrived = null; // the log's end once enough events are read
    while (events.size() < wanted && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        LabelledEvent event = decode(record);
        if (event != null && model.equals(event.getModel()) && event.getEventTime() >= fromTime
            && usable(record, event)) {
          events.add(event);
        }
      }
      if (arrived == null && events.size() >= enough) {
        arrived = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
      }
      if (arrived != null && readTo(arrived)) {
        break;
      }
      if (events.size() / 500 > reported / 500) {
        reported = events.size();
        progress.accept(events.size());
      }
    }
    if (events.size() < minimum) {
      throw new IllegalStateException(
          "only " + events.size() + " events of model '" + model + "' since " + fromTime + " arrived within "
              + wait.toSeconds() + " s; training needs at least " + minimum + (undecodable == 0 ? ""
              : "; " + undecodable + " records did not decode and went to " + Topics.EVENTS_DLQ + ", the first"
                  + " because: " + firstUndecodable)
              + (invalid == 0 ? ""
              : "; " + invalid + " events could not be trained on and went to " + Topics.EVENTS_DLQ));
    }
    events.sort(Comparator.comparingLong(LabelledEvent::getEventTime));
    return events.size() > wanted ? events.subList(0, wanted) : events;
  }

  /** Whether this reader's position is at or past {@code ends} on every partition. */
  private boolean readTo(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Assigns every partition of the labelled-events topic to this reader. */
  private List<TopicPartition> assignAll() {
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.EVENTS_LABELLED, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    return partitions;
  }

  /** Per partition, the first record with a timestamp at or after {@code fromTime} (null where none is). */
  private Map<TopicPartition, OffsetAndTimestamp> firstOffsetsAt(List<TopicPartition> partitions, long fromTime) {
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(tp -> times.put(tp, fromTime));
    return consumer.offsetsForTimes(times, Duration.ofSeconds(30));
  }

  /**
   * Up to {@code wanted} events of {@code model} with event time in {@code [fromTime, untilTime)},
   * oldest first: events already on the topic (a window that has closed, such as the one a
   * serving version was trained on). Reads each partition from the first record at or after
   * {@code fromTime} to its end as it is when called (models share the topic, and their event
   * times need not rise with the offsets), or until {@code wait} has passed, and never waits for
   * more; returns what it found, possibly none.
   */
  List<LabelledEvent> readBetween(String model, long fromTime, long untilTime, int wanted, Duration wait) {
    if (untilTime <= fromTime) {
      return List.of();
    }
    List<TopicPartition> partitions = assignAll();
    Map<TopicPartition, OffsetAndTimestamp> starts = firstOffsetsAt(partitions, fromTime);
    Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp start = starts.get(tp);
      if (start == null) {
        ends.remove(tp); // nothing at or after fromTime
        consumer.pause(List.of(tp));
      } else {
        consumer.seek(tp, start.offset());
      }
    }
    List<LabelledEvent> events = new ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    while (!ends.isEmpty() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (record.offset() >= ends.getOrDefault(tp, -1L)) {
          continue;
        }
        LabelledEvent event = decode(record);
        if (event != null && model.equals(event.getModel()) && event.getEventTime() >= fromTime
            && event.getEventTime() < untilTime && usable(record, event)) {
          events.add(event);
        }
      }
      ends.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
    }
    events.sort(Comparator.comparingLong(LabelledEvent::getEventTime));
    return events.size() > wanted ? List.copyOf(events.subList(0, wanted)) : events;
  }

  /** Records this reader could not decode and wrote to the dead-letter topic, since it was opened. */
  int undecodable() {
    return undecodable;
  }

  /** Events of the model read that could not be trained on and were written to the dead-letter topic. */
  int invalid() {
    return invalid;
  }

  /** The event {@code record} holds, or null when it does not decode: then it is dead-lettered. */
  private LabelledEvent decode(ConsumerRecord<byte[], byte[]> record) {
    try {
      return codec.decode(record.value());
    } catch (AvroCodec.InvalidPayloadException e) {
      String why = e.getMessage();
      deadLetter(record, "undecodable record", why);
      if (undecodable++ == 0) {
        firstUndecodable = why;
      }
      return null;
    }
  }

  /** Whether {@code event} can be trained on; if not, it is dead-lettered. */
  private boolean usable(ConsumerRecord<byte[], byte[]> record, LabelledEvent event) {
    String problem = null;
    if (event.getLabel() < 0 || event.getLabel() >= maxClasses) {
      problem = "label " + event.getLabel() + " is outside the classes [0, " + maxClasses + ")";
    } else if (!event.getFeatures().keySet().containsAll(features)) {
      problem = "lacks the feature(s) " + features.stream().filter(f -> !event.getFeatures().containsKey(f)).toList()
          + " its model's definition declares";
    } else {
      for (Map.Entry<String, Double> feature : event.getFeatures().entrySet()) {
        if (feature.getValue() == null || !Double.isFinite(feature.getValue())) {
          problem = "feature '" + feature.getKey() + "' is " + feature.getValue() + ", not a finite number";
          break;
        }
      }
    }
    if (problem == null) {
      return true;
    }
    deadLetter(record, "event " + event.getEventId() + " of " + event.getModel() + " not trained on",
        "event " + event.getEventId() + " of model '" + event.getModel() + "': " + problem);
    invalid++;
    return false;
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> record, String what, String why) {
    log.warn("{} at {}-{}@{}, sending it to {}: {}", what, record.topic(), record.partition(), record.offset(),
        Topics.EVENTS_DLQ, why);
    if (deadLetters == null) {
      deadLetters = new DeadLetters(bootstrapServers, Clock.systemUTC());
    }
    deadLetters.send(Topics.EVENTS_DLQ, record, REASON_PREFIX + why);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
    if (deadLetters != null) {
      deadLetters.close();
    }
  }
}
