package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plasticity.schemas.Topics;
import dev.plasticity.testkit.KafkaBroker;
import org.apache.flink.api.common.JobExecutionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job on a stream whose concept never moves (its own broker, so no triggers leak in). */
class DriftJobStableStreamTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

  @Test
  void aStableStreamRaisesNoTriggerAndNoDeadLetterThoughEveryWindowIsAssessed() throws Exception {
    try (KafkaIO io = new KafkaIO(kafka.bootstrapServers())) {
      DriftJobTest.publishSeaStream(io, 2000, Integer.MAX_VALUE);
      io.flush();

      JobExecutionResult result = DriftJobTest.runJobToEnd(kafka.bootstrapServers());

      // 2,000 events make 4 windows of 500; fewer when events are taken before the champion is
      // read, as the buffer before a champion keeps one window's worth
      long assessed = (Long) result.getAccumulatorResult(ChampionDriftFunction.WINDOWS_ASSESSED);
      assertTrue(assessed >= 1 && assessed <= 4, "windows assessed: " + assessed);
      assertEquals(0, io.readAll(Topics.DRIFT_TRIGGERS).size());
      assertEquals(0, io.readAll(Topics.EVENTS_DLQ).size());
    }
  }
}
