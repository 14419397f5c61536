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
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
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
