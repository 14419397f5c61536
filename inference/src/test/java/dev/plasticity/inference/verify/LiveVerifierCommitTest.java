package dev.plasticity.inference.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.registry.client.RegistryClient;
import dev.plasticity.schemas.AvroCodec;
import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.Topics;
import dev.plasticity.schemas.VersionOutcome;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The verifier's consumer loop when the group refuses a commit. */
class LiveVerifierCommitTest {
  private static final AvroCodec<LiveOutcome> OUTCOMES = AvroCodec.of(LiveOutcome.class);
  private static final TopicPartition PARTITION = new TopicPartition(Topics.LIVE_OUTCOMES, 0);

  @Test
  @Timeout(60) // a guard against a hang, not a measure
  void aCommitRefusedAfterARebalanceDoesNotStopTheVerifier() throws InterruptedException {
    AtomicInteger commits = new AtomicInteger();
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
      @Override
      public synchronized void commitSync() {
        if (commits.incrementAndGet() == 1) {
          throw new CommitFailedException("the group rebalanced");
        }
        super.commitSync();
      }
    };
    consumer.assign(List.of(PARTITION));
    consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
    consumer.addRecord(record(0));
    RegistryClient unused = new RegistryClient(URI.create("http://127.0.0.1:9"), Duration.ofSeconds(1), null);

    try (LiveVerifier verifier = LiveVerifier.start(consumer, unused, VerifySettings.defaults(), "commit-test")) {
      while (commits.get() < 2 && verifier.isRunning()) {
        Thread.sleep(10);
      }
      assertThat(verifier.isRunning()).as("still running after the refused commit").isTrue();
      consumer.addRecord(record(1));
      while (verifier.outcomesRead() < 2 && verifier.isRunning()) {
        Thread.sleep(10);
      }

      assertThat(verifier.outcomesRead()).as("reads on after it").isEqualTo(2);
    }
  }

  private static ConsumerRecord<byte[], byte[]> record(long offset) {
    LiveOutcome outcome = LiveOutcome.newBuilder().setEventId("e" + offset).setModel("churn").setEventTime(0)
        .setJoinedAt(0).setLabel(1).setOutcomes(List.of(VersionOutcome.newBuilder().setVersion(1)
            .setAlias("champion").setServed(true).setPredictedClass(1).setCorrect(true).build()))
        .build();
    return new ConsumerRecord<>(Topics.LIVE_OUTCOMES, 0, offset, "churn".getBytes(StandardCharsets.UTF_8),
        OUTCOMES.encode(outcome));
  }
}
