package dev.plasticity.streamjobs;

import dev.plasticity.streamjobs.drift.TestResult;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/**
 * The drift job's metrics for Prometheus, in one operator's Flink metric group, under the group
 * {@value #GROUP}, with snake_case names and each dimension a key-value group (Flink's Prometheus
 * reporter turns a key-value group into a label and its key into part of the name, after Flink's
 * {@code flink_taskmanager_job_task_operator_} scope):
 *
 * <ul>
 *   <li>{@code plasticity_events_per_second}: events the drift operator assessed, per second;
 *   <li>{@code plasticity_reason_dead_letters{reason}}: records sent to the dead-letter topic;
 *   <li>{@code plasticity_kind_signal_triggers{kind, signal}}: triggers sent;
 *   <li>{@code plasticity_model_feature_test_drift_statistic{model, feature, test}}, {@code
 *       ..._drift_threshold} and {@code ..._drift_severity}: the last window's result of each test.
 * </ul>
 *
 * <p>Flink's own counters are Prometheus gauges that only grow; they carry no {@code _total}.
 * One instance per operator subtask, as Flink runs it; not thread-safe.
 */
final class DriftJobMetrics {
  /** The metric group every name below sits in. */
  static final String GROUP = "plasticity";

  private final MetricGroup group;
  private final Map<String, Counter> triggers = new HashMap<>();

  DriftJobMetrics(MetricGroup operator) {
    this.group = operator.addGroup(GROUP);
  }

  /** {@code events_per_second} over {@code events}. */
  void eventsPerSecond(Counter events) {
    group.meter("events_per_second", new MeterView(events));
  }

  /**
   * The counter of dead letters for {@code reason}; each increment counts into {@code alsoCounting}
   * too (an operator's total kept under its earlier name).
   */
  Counter deadLetters(String reason, Counter alsoCounting) {
    return group.addGroup("reason", reason).counter("dead_letters", new CountingAlso(alsoCounting));
  }

  /** One trigger of {@code kind} and {@code signal} was sent. */
  void triggered(String kind, String signal) {
    triggers.computeIfAbsent(kind + '/' + signal,
        k -> group.addGroup("kind", kind).addGroup("signal", signal).counter("triggers")).inc();
  }

  /**
   * Registers the gauges of one test of one feature of one model, which read the newest result
   * {@code last} gives; call once per model, feature and test.
   */
  void driftTest(String model, String feature, String test, Supplier<TestResult> last) {
    MetricGroup tested = group.addGroup("model", model).addGroup("feature", feature).addGroup("test", test);
    tested.gauge("drift_statistic", (Gauge<Double>) () -> last.get().statistic());
    tested.gauge("drift_threshold", (Gauge<Double>) () -> last.get().threshold());
    tested.gauge("drift_severity", (Gauge<Double>) () -> last.get().severity());
  }

  /** A counter whose increments count into another too. */
  private static final class CountingAlso extends SimpleCounter {
    private final Counter other;

    CountingAlso(Counter other) {
      this.other = Objects.requireNonNull(other, "other");
    }

    @Override
    public void inc() {
      super.inc();
      other.inc();
    }

    @Override
    public void inc(long n) {
      super.inc(n);
      other.inc(n);
    }
  }
}
