package dev.plasticity.ops;

import dev.plasticity.streamjobs.DriftJob;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/**
 * The health of a drift job the launcher started, read from its {@link JobClient}: up while Flink
 * runs it, recovering while it is scheduled or restarts after a failure, stopped once it failed
 * (with the cause {@link DriftJob#failureOf} finds), was cancelled or finished.
 */
final class DriftJobHealth {
  static final String SERVICE = "drift-job";

  private DriftJobHealth() {}

  static ServiceHealth of(JobClient job) {
    Optional<Throwable> failure = DriftJob.failureOf(job);
    if (failure.isPresent()) {
      return ServiceHealth.failed(SERVICE, failure.get());
    }
    if (job.getJobExecutionResult().isDone()) {
      return ServiceHealth.stopped(SERVICE, "ended (finished or cancelled): no more events are assessed");
    }
    JobStatus status;
    try {
      status = job.getJobStatus().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return ServiceHealth.recovering(SERVICE, "status unknown: " + ServiceHealth.describe(e.getCause()));
    } catch (TimeoutException e) {
      return ServiceHealth.recovering(SERVICE, "status unknown: Flink did not answer within 10 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ServiceHealth.recovering(SERVICE, "status unknown: interrupted");
    } catch (IllegalStateException e) { // the local cluster is shutting down: the result says why next time
      return ServiceHealth.recovering(SERVICE, "status unknown: " + e.getMessage());
    }
    if (status == JobStatus.FAILED) {
      // Flink reports FAILED a moment before the job's result carries the cause: wait for the result
      try {
        job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        // the cause, if it came, is read below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Optional<Throwable> cause = DriftJob.failureOf(job);
      if (cause.isPresent()) {
        return ServiceHealth.failed(SERVICE, cause.get());
      }
    }
    return switch (status) {
      case RUNNING -> ServiceHealth.up(SERVICE, "RUNNING");
      case INITIALIZING, CREATED, RECONCILING -> ServiceHealth.recovering(SERVICE, status + ": starting");
      case RESTARTING, FAILING -> ServiceHealth.recovering(SERVICE, status + ": restarting after a failure");
      case CANCELLING, CANCELED, FAILED, FINISHED, SUSPENDED ->
          ServiceHealth.stopped(SERVICE, status + ": no more events are assessed");
    };
  }
}
