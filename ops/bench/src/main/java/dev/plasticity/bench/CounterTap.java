package dev.plasticity.bench;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps the job's {@code eventsDecoded} and {@code eventsAssessed}
 * counters of every subtask, so that a benchmark in the same JVM as the MiniCluster can watch
 * them without touching the job. Configure it with {@code
 * metrics.reporter.tap.factory.class: dev.plasticity.bench.CounterTap$Factory}. Thread-safe.
 */
public final class CounterTap implements MetricReporter {
  private static final List<Counter> decoded = new CopyOnWriteArrayList<>();
  private static final List<Counter> assessed = new CopyOnWriteArrayList<>();
  /** Each task's busy, back-pressured and idle time gauges, by "task[subtask] kind". */
  private static final java.util.Map<String, org.apache.flink.metrics.Gauge<?>> taskTimes =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  /** Loaded by Flink through {@link java.util.ServiceLoader}. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new CounterTap();
    }
  }

  /** Events the job's subtasks decoded so far. */
  static long decoded() {
    return decoded.stream().mapToLong(Counter::getCount).sum();
  }

  /** Events the job's drift subtasks took in event-time order so far. */
  static long assessed() {
    return assessed.stream().mapToLong(Counter::getCount).sum();
  }

  static void reset() {
    decoded.clear();
    assessed.clear();
    taskTimes.clear();
  }

  /** How each subtask spends a second now: busy / back-pressured / idle milliseconds, one line per subtask. */
  static String taskTimes() {
    StringBuilder out = new StringBuilder();
    taskTimes.forEach((key, gauge) -> out.append("    ").append(key).append(": ").append(gauge.getValue()).append(" ms/s\n"));
    return out.toString();
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    if (metric instanceof org.apache.flink.metrics.Gauge<?> gauge
        && (name.equals("busyTimeMsPerSecond") || name.equals("backPressuredTimeMsPerSecond") || name.equals("idleTimeMsPerSecond"))) {
      String task = group.getAllVariables().getOrDefault("<task_name>", "?");
      taskTimes.put((task.length() > 40 ? task.substring(0, 40) : task) + "[" + group.getAllVariables().get("<subtask_index>") + "] "
          + name.replace("TimeMsPerSecond", ""), gauge);
    }
    if (metric instanceof Counter counter) {
      switch (name) {
        case "eventsDecoded" -> decoded.add(counter);
        case "eventsAssessed" -> assessed.add(counter);
        default -> { }
      }
    }
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}
}
