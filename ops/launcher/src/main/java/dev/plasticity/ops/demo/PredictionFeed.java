package dev.plasticity.ops.demo;

import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.Prediction;
import dev.plasticity.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The demo application's view of the scoring app's answers: reads {@link Topics#PREDICTIONS}
 * (committed records only, from the end as it was when the feed started) on its own thread and
 * hands each decoded {@link Prediction} to a listener. A record that does not decode is counted
 * and skipped: the feed only reads, it owns no dead-letter duty for a topic another app writes.
 *
 * <p>Thread-safe; {@link #close()} stops the thread and waits for it.
 */
final class PredictionFeed implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final AtomicLong undecodable = new AtomicLong();
  private final AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class);
  private volatile Throwable failure;

  PredictionFeed(String bootstrapServers, Consumer<Prediction> listener) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(Topics.PREDICTIONS, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // fixes the start now, before the application publishes
    thread = new Thread(() -> {
      try {
        while (true) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            Prediction prediction;
            try {
              prediction = codec.decode(record.value());
            } catch (AvroCodec.InvalidPayloadException e) {
              undecodable.incrementAndGet();
              continue;
            }
            listener.accept(prediction);
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        consumer.close(Duration.ofSeconds(5));
      }
    }, "demo-predictions");
    thread.setDaemon(true);
    thread.start();
  }

  /** Records on the predictions topic that did not decode as a {@code Prediction}. */
  long undecodable() {
    return undecodable.get();
  }

  /** Why the feed stopped reading, if it did before {@link #close()}. */
  java.util.Optional<Throwable> failure() {
    return java.util.Optional.ofNullable(failure);
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(10_000);
  }
}
