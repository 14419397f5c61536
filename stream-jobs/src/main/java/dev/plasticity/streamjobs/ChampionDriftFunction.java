package dev.plasticity.streamjobs;

import dev.plasticity.schemas.Aliases;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DeadLetters;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.streamjobs.drift.TestResult;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drift job's operator per model: champions arrive on the broadcast side, batches of one
 * model's events ({@link BatchByModel}) on the keyed side. This class is wiring: it moves Flink
 * state in and out and calls the plain classes that hold the logic — {@link EventTimeBuffer} puts
 * events in event-time order (late ones go to {@link #LATE}), {@link ModelWatch} turns them into
 * windows, verdicts and triggers (refused events go to {@link #REFUSED}), with {@link Cooldown} and
 * {@link Triggers}. Only alias {@link #CHAMPION} with a higher version number
 * than the one held replaces a champion; each carries its model's {@code DriftConfig}, applied over
 * the job's default settings. A failure of the operator's own state is not caught: it fails the job.
 *
 * <p>The state's names and types are those of the job before this operator was split (commit
 * 8e7897e), so its checkpoints and savepoints restore ({@code OperatorSnapshotRestoreTest}).
 *
 * <p>Metrics (Flink's metric system, per subtask): {@code eventsPerSecond}, {@code
 * lateEventsDropped}, {@code refusedEvents}, {@code windowsAssessed}, {@code windowsFailed}, {@code
 * driftTriggers} (every trigger sent: drift, warning, cadence), {@code unansweredTriggers} (cooldowns
 * that ended with the triggering version still champion), and under {@code model.<name>.feature.<feature>} a gauge per test with the
 * statistic of the last window. Under the group {@value DriftJobMetrics#GROUP}, for Prometheus ({@link
 * DriftJobMetrics}): {@code events_per_second}, {@code dead_letters} by {@code reason} ({@code late},
 * {@code refused}), {@code triggers} by {@code kind} and {@code signal}, and per {@code model},
 * {@code feature} and {@code test} the last window's {@code drift_statistic}, {@code drift_threshold}
 * and {@code drift_severity}. Accumulator {@link #WINDOWS_ASSESSED} counts the windows assessed.
 *
 * <p>One instance per subtask, as Flink runs it; not thread-safe.
 */
final class ChampionDriftFunction extends KeyedBroadcastProcessFunction<String, List<ObservedEvent>, ModelVersion, DriftTrigger> {
  private static final long serialVersionUID = 3L;
  private static final Logger log = LoggerFactory.getLogger(ChampionDriftFunction.class);

  /** The alias of the version whose drift the job watches. */
  static final String CHAMPION = Aliases.CHAMPION;
  static final MapStateDescriptor<String, ModelVersion> CHAMPIONS =
      new MapStateDescriptor<>("champions", Types.STRING, TypeInformation.of(ModelVersion.class));
  /** Events later than the allowed lateness, as dead letters. */
  static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));
  /** Events refused by the champion's rules or that a window could not be assessed with, as dead letters. */
  static final OutputTag<DeadLetter> REFUSED = new OutputTag<>("refused-events", TypeInformation.of(DeadLetter.class));
  /** Name of the accumulator counting the windows assessed (a job's positive sign of progress). */
  static final String WINDOWS_ASSESSED = "windowsAssessed";

  private final DriftSettings defaults;
  private final String eventsTopic;
  private final long allowedLatenessMillis;

  private transient KeyedDriftState state;
  private transient EventTimeBuffer buffer;
  private transient ModelWatch watch;
  private transient Emitter emitter;
  private transient Map<String, TestResult> lastResults;
  private transient DriftJobMetrics prometheus;
  private transient Counter events;
  private transient Counter late;
  private transient Counter refused;
  private transient Counter windowsFailed;
  private transient Counter windowsAssessed;
  private transient Counter triggers;
  private transient Counter unanswered;
  private transient org.apache.flink.api.common.accumulators.LongCounter assessedWindows;

  ChampionDriftFunction(DriftSettings defaults, String eventsTopic, long allowedLatenessMillis) {
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.eventsTopic = Objects.requireNonNull(eventsTopic, "eventsTopic");
    this.allowedLatenessMillis = new EventTimeBuffer(allowedLatenessMillis).allowedLatenessMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    state = new KeyedDriftState(getRuntimeContext());
    buffer = new EventTimeBuffer(allowedLatenessMillis);
    watch = new ModelWatch(defaults, new Triggers(eventsTopic));
    emitter = new Emitter();
    lastResults = new HashMap<>();
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    events = metrics.counter("eventsAssessed");
    metrics.meter("eventsPerSecond", new MeterView(events));
    prometheus = new DriftJobMetrics(metrics);
    prometheus.eventsPerSecond(events);
    late = prometheus.deadLetters("late", metrics.counter("lateEventsDropped"));
    refused = prometheus.deadLetters("refused", metrics.counter("refusedEvents"));
    windowsFailed = metrics.counter("windowsFailed");
    windowsAssessed = metrics.counter("windowsAssessed");
    triggers = metrics.counter("driftTriggers");
    unanswered = metrics.counter("unansweredTriggers");
    assessedWindows = getRuntimeContext().getLongCounter(WINDOWS_ASSESSED);
  }

  @Override
  public void processBroadcastElement(ModelVersion version, Context ctx, Collector<DriftTrigger> out) throws Exception {
    if (!CHAMPION.equals(version.getAlias())) {
      return;
    }
    ModelVersion current = ctx.getBroadcastState(CHAMPIONS).get(version.getModel());
    if (!Aliases.newer(version, current)) { // by the registry's change number: a rollback's older version is newer
      return;
    }
    String problem = DecodeModelVersions.championProblem(version, defaults);
    if (problem != null) { // the versions' decoder dead-letters such a version; one built by other wiring is ignored here
      log.warn("ignoring champion {} v{}: {}", version.getModel(), version.getVersion(), problem);
      return;
    }
    ctx.getBroadcastState(CHAMPIONS).put(version.getModel(), version);
  }

  @Override
  public void processElement(List<ObservedEvent> batch, ReadOnlyContext ctx, Collector<DriftTrigger> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    EventTimeBuffer.Admission admitted = buffer.admit(batch, watermark, state);
    for (ObservedEvent event : admitted.late()) {
      late.inc();
      ctx.output(LATE, deadLetter(event, "late event " + eventId(event) + ": event time " + event.eventTime()
          + " is more than the allowed lateness of " + allowedLatenessMillis + " ms behind the watermark " + watermark,
          ctx.currentProcessingTime()));
    }
    if (admitted.timer() != null) {
      ctx.timerService().registerEventTimeTimer(admitted.timer());
    }
    if (!admitted.due().isEmpty()) {
      take(admitted.due(), ctx, out);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DriftTrigger> out) throws Exception {
    EventTimeBuffer.Release released = buffer.release(timestamp, ctx.timerService().currentWatermark(), state);
    if (released.timer() != null) {
      ctx.timerService().registerEventTimeTimer(released.timer());
    }
    if (!released.taken().isEmpty()) {
      take(released.taken(), ctx, out);
    }
  }

  private void take(List<ObservedEvent> taken, ReadOnlyContext ctx, Collector<DriftTrigger> out) throws Exception {
    events.inc(taken.size());
    emitter.ctx = ctx;
    emitter.out = out;
    watch.take(ctx.getBroadcastState(CHAMPIONS).get(ctx.getCurrentKey()), taken, ctx.currentProcessingTime(), state, emitter);
  }

  /** Sends what {@link ModelWatch} found to the collector, the side outputs and the metrics. */
  private final class Emitter implements ModelWatch.Outcomes {
    ReadOnlyContext ctx;
    Collector<DriftTrigger> out;

    @Override
    public void triggered(DriftTrigger trigger) {
      out.collect(trigger);
      triggers.inc();
      prometheus.triggered(trigger.getKind().name(), trigger.getSignal().name());
    }

    @Override
    public void refused(ObservedEvent event, String reason) {
      refused.inc();
      ctx.output(REFUSED, deadLetter(event, "refused event " + eventId(event) + ": " + reason, ctx.currentProcessingTime()));
    }

    @Override
    public void assessed(String model, DriftAssessment assessment) {
      windowsAssessed.inc();
      assessedWindows.add(1L);
      for (DriftAssessment.Finding f : assessment.findings()) { // each test's last result as gauges
        String key = model + '\u0000' + f.feature() + '\u0000' + f.result().test();
        if (lastResults.put(key, f.result()) == null) {
          getRuntimeContext().getMetricGroup().addGroup("model", model).addGroup("feature", f.feature())
              .gauge(f.result().test(), () -> lastResults.get(key).statistic());
          prometheus.driftTest(model, f.feature(), f.result().test(), () -> lastResults.get(key));
        }
      }
    }

    @Override
    public void unanswered(String model, int version, int count) {
      unanswered.inc();
    }

    @Override
    public void failed(String model, int version, int events, RuntimeException cause) {
      windowsFailed.inc();
      log.warn("could not assess a window of {} events of {} v{}; they go to the dead-letter topic", events, model,
          version, cause);
    }
  }

  /**
   * A dead letter of an event with its topic, partition, offset and original bytes; the key is the
   * model name, as the original record's key is not carried past decoding. Built by the shared
   * {@link DeadLetters}, as every dead letter is.
   */
  private DeadLetter deadLetter(ObservedEvent event, String error, long now) {
    return DeadLetters.of(eventsTopic, event.partition(), event.offset(), event.model().getBytes(StandardCharsets.UTF_8),
        event.payload(), error, now);
  }

  /** The event's id for a message, decoded from its bytes (rare paths only). */
  private static String eventId(ObservedEvent event) {
    try {
      return String.valueOf(event.event().getEventId());
    } catch (RuntimeException e) {
      return "at " + event.partition() + ":" + event.offset();
    }
  }
}
