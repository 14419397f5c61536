package dev.plasticity.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the launcher sees a Flink job end: a real local job that fails, and one that is cancelled. */
@Timeout(120)
class DriftJobHealthTest {

  @Test
  void aFailedJobIsStoppedWithItsCauseAndEndsTheWatch() throws Exception {
    JobClient job = start(true);
    Optional<ServiceHealth> stopped = StackCommand.watch(() -> List.of(DriftJobHealth.of(job)), new CountDownLatch(1));

    assertThat(stopped).hasValueSatisfying(health -> {
      assertThat(health.service()).isEqualTo("drift-job");
      assertThat(health.stopped()).isTrue();
      assertThat(health.detail()).contains("failed").contains("label 2147483647 broke the operator");
    });
  }

  @Test
  void aCancelledJobIsStopped() throws Exception {
    JobClient job = start(false);
    awaitRunning(job);
    assertThat(DriftJobHealth.of(job).up()).isTrue();

    job.cancel().get();

    Optional<ServiceHealth> stopped = StackCommand.watch(() -> List.of(DriftJobHealth.of(job)), new CountDownLatch(1));
    assertThat(stopped).hasValueSatisfying(health -> assertThat(health.stopped()).isTrue());
  }

  private static JobClient start(boolean fail) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    if (fail) {
      env.fromData(1, 2, 3).map(x -> {
        if (x == 2) {
          throw new IllegalStateException("label 2147483647 broke the operator");
        }
        return x;
      }).sinkTo(new DiscardingSink<>());
    } else {
      env.fromSequence(0, Long.MAX_VALUE).map(x -> {
        Thread.sleep(10);
        return x;
      }).sinkTo(new DiscardingSink<>());
    }
    return env.executeAsync(fail ? "fails" : "runs");
  }

  private static void awaitRunning(JobClient job) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!DriftJobHealth.of(job).up() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }
}
