package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plasticity.ops.demo.Demo;
import dev.plasticity.ops.demo.DemoReport;
import dev.plasticity.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stack on a stream whose concept never changes: it must stay quiet once the drift job
 * has read and checkpointed every event. Its own broker, so no other test's triggers are in sight.
 */
class NoDriftLoopTest {
  @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
  @TempDir Path dir;

  @Test
  void aStreamWithoutDriftRaisesNoTrigger() throws Exception {
    DemoReport report = LoopRun.run(dir, kafka.bootstrapServers(),
        new Demo.Settings("sea", 11, 3000, Long.MAX_VALUE, false, 3, 4, 0.1, 4000, 0, 15_000,
        Duration.ofMinutes(3))).report();

    assertThat(report.completed()).as(report.outcome()).isTrue();
    assertThat(report.eventsReadByDriftJob())
        .as("events the drift job had read into a completed checkpoint when the triggers were counted")
        .isEqualTo(report.eventsTotal());
    assertThat(report.triggersTotal()).isZero();
    assertThat(report.versionServed()).isEqualTo(report.firstVersion());
    assertThat(report.failedPredictions()).isZero();
    // every event went unlabelled -> scoring -> prediction -> label -> join -> labelled event
    assertThat(report.labelledShare()).as("labelled events joined / events sent").isEqualTo(1.0);
    assertThat(report.predictionLatencyP50Millis()).isNotNull();
    assertThat(report.predictionLatencyP99Millis()).isGreaterThanOrEqualTo(report.predictionLatencyP50Millis());
  }
}
