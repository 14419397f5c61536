package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job on a stream whose concept never moves (its own broker, so no triggers leak in). */
class DriftJobStableStreamTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @Test
  void aStableStreamRaisesNoTriggerAndNoDeadLetter() throws Exception {
    try (KafkaIO io = new KafkaIO(kafka.bootstrapServers())) {
      DriftJobTest.publishSeaStream(io, 2000, Integer.MAX_VALUE);
      io.flush();

      DriftJobTest.runJobToEnd(kafka.bootstrapServers());

      assertEquals(0, io.readAll(Topics.DRIFT_TRIGGERS).size());
      assertEquals(0, io.readAll(Topics.EVENTS_DLQ).size());
    }
  }
}
