package dev.plasticity.trainer.run;

import dev.plasticity.schemas.AvroSerde;
import dev.plasticity.schemas.DeadLetter;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records the trainer cannot use to a dead-letter topic as {@link DeadLetter}s, built by the
 * shared {@link dev.plasticity.schemas.DeadLetters#of(ConsumerRecord, String, long)} (the source
 * topic, partition and offset, the original key and value bytes, the reason and when it failed),
 * keyed by the original key. {@link #send} returns only once the broker has acknowledged the
 * letter, so a caller commits the source offset only after the record is safe.
 *
 * <p>Thread-safe.
 */
public final class DeadLetters implements AutoCloseable {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaProducer<byte[], DeadLetter> producer;
  private final Clock clock;

  public DeadLetters(String bootstrapServers, Clock clock) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), AvroSerde.of(DeadLetter.class));
    this.clock = clock;
  }

  /**
   * Writes {@code record} with {@code reason} to {@code topic} and waits for the acknowledgement.
   *
   * @throws IllegalArgumentException when {@code reason} is blank: a dead letter says why
   * @throws IllegalStateException when the letter could not be written: the caller must not commit
   *     the record's offset
   */
  public void send(String topic, ConsumerRecord<byte[], byte[]> record, String reason) {
    DeadLetter letter = dev.plasticity.schemas.DeadLetters.of(record, reason, clock.millis());
    try {
      producer.send(new ProducerRecord<>(topic, record.key(), letter)).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(cannotWrite(topic, record) + ": interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(cannotWrite(topic, record) + ": " + cause, cause);
    }
  }

  private static String cannotWrite(String topic, ConsumerRecord<byte[], byte[]> record) {
    return "cannot write the dead letter of " + record.topic() + "-" + record.partition() + "@" + record.offset()
        + " to " + topic;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
