package dev.plasticity.ops;

import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/**
 * How the launcher reads a Kafka Streams app's state: {@code RUNNING} is up; {@code CREATED} and
 * {@code REBALANCING} are on their way (partitions being assigned, stores restored); a recorded
 * failure, {@code PENDING_ERROR} and {@code ERROR} have stopped for good on an error; {@code
 * PENDING_SHUTDOWN} and {@code NOT_RUNNING} have stopped because the app was closed.
 */
final class StreamsHealth {
  private StreamsHealth() {}

  /**
   * The health of the app named {@code service}.
   *
   * @param failure what stopped it, when its app recorded a cause
   * @param running what it is doing while up, e.g. its counts
   */
  static ServiceHealth of(String service, KafkaStreams.State state, Optional<Throwable> failure, String running) {
    if (failure.isPresent()) {
      return ServiceHealth.failed(service, failure.get());
    }
    return switch (state) {
      case RUNNING -> ServiceHealth.up(service, running);
      case CREATED, REBALANCING -> ServiceHealth.recovering(service, state + ": waiting for partitions and stores");
      case PENDING_ERROR, ERROR -> ServiceHealth.stopped(service, "failed: Kafka Streams is in state " + state
          + " (the log has the cause)");
      case PENDING_SHUTDOWN, NOT_RUNNING -> ServiceHealth.stopped(service, state + ": closed");
    };
  }
}
