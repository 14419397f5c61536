package dev.plasticity.streamjobs;

import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.streamjobs.drift.ChangeDetector;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import dev.plasticity.streamjobs.drift.DriftSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
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
 * driftTriggers}, and under {@code model.<name>.feature.<feature>} a gauge per test with the
 * statistic of the last window. Accumulator {@link #WINDOWS_ASSESSED} counts the windows assessed.
 *
 * <p>One instance per subtask, as Flink runs it; not thread-safe.
 */
final class ChampionDriftFunction extends KeyedBroadcastProcessFunction<String, List<ObservedEvent>, ModelVersion, DriftTrigger> {
  private static final long serialVersionUID = 3L;
  private static final Logger log = LoggerFactory.getLogger(ChampionDriftFunction.class);

  /** The alias of the version whose drift the job watches. */
  static final String CHAMPION = "champion";
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

  private transient KeyedState state;
  private transient EventTimeBuffer buffer;
  private transient ModelWatch watch;
  private transient Emitter emitter;
  private transient Map<String, Double> lastStatistics;
  private transient Counter events;
  private transient Counter late;
  private transient Counter refused;
  private transient Counter windowsFailed;
  private transient Counter windowsAssessed;
  private transient Counter triggers;
  private transient org.apache.flink.api.common.accumulators.LongCounter assessedWindows;

  ChampionDriftFunction(DriftSettings defaults, String eventsTopic, long allowedLatenessMillis) {
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.eventsTopic = Objects.requireNonNull(eventsTopic, "eventsTopic");
    this.allowedLatenessMillis = new EventTimeBuffer(allowedLatenessMillis).allowedLatenessMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    state = new KeyedState();
    buffer = new EventTimeBuffer(allowedLatenessMillis);
    watch = new ModelWatch(defaults, new Triggers(eventsTopic));
    emitter = new Emitter();
    lastStatistics = new HashMap<>();
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    events = metrics.counter("eventsAssessed");
    metrics.meter("eventsPerSecond", new MeterView(events));
    late = metrics.counter("lateEventsDropped");
    refused = metrics.counter("refusedEvents");
    windowsFailed = metrics.counter("windowsFailed");
    windowsAssessed = metrics.counter("windowsAssessed");
    triggers = metrics.counter("driftTriggers");
    assessedWindows = getRuntimeContext().getLongCounter(WINDOWS_ASSESSED);
  }

  @Override
  public void processBroadcastElement(ModelVersion version, Context ctx, Collector<DriftTrigger> out) throws Exception {
    if (!CHAMPION.equals(version.getAlias())) {
      return;
    }
    ModelVersion current = ctx.getBroadcastState(CHAMPIONS).get(version.getModel());
    if (current != null && version.getVersion() <= current.getVersion()) {
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
      for (DriftAssessment.Finding f : assessment.findings()) { // each test's last statistic as a gauge
        String key = model + '\u0000' + f.feature() + '\u0000' + f.result().test();
        if (lastStatistics.put(key, f.result().statistic()) == null) {
          getRuntimeContext().getMetricGroup().addGroup("model", model).addGroup("feature", f.feature())
              .gauge(f.result().test(), () -> lastStatistics.get(key));
        }
      }
    }

    @Override
    public void failed(String model, int version, int events, RuntimeException cause) {
      windowsFailed.inc();
      log.warn("could not assess a window of {} events of {} v{}; they go to the dead-letter topic", events, model,
          version, cause);
    }
  }

  /**
   * The key's state in Flink: the names and types the job has always used, so old checkpoints
   * restore. Waiting events by the start of their bucket, the buckets' index and the pending
   * timer; the window, its count, the monitored version, the cooldown in three values and the
   * concept detector.
   */
  private final class KeyedState implements EventTimeBuffer.Store, ModelWatch.State {
    private final MapState<Long, List<ObservedEvent>> pending;
    private final ValueState<long[]> bucketStarts;
    private final ValueState<Long> timerAt;
    private final ListState<ObservedEvent> window;
    private final ValueState<Integer> windowCount;
    private final ValueState<Integer> monitoredVersion;
    private final ValueState<Integer> cooldownVersion;
    private final ValueState<Long> eventsSinceTrigger;
    private final ValueState<Long> cooldownUntil;
    private final ValueState<ChangeDetector> detector;

    KeyedState() {
      TypeInformation<ObservedEvent> eventType = TypeInformation.of(ObservedEvent.class);
      pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-buckets", Types.LONG, Types.LIST(eventType)));
      bucketStarts = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-bucket-starts",
          PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
      timerAt = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-timer", Types.LONG));
      window = getRuntimeContext().getListState(new ListStateDescriptor<>("window", eventType));
      windowCount = getRuntimeContext().getState(new ValueStateDescriptor<>("window-count", Types.INT));
      monitoredVersion = getRuntimeContext().getState(new ValueStateDescriptor<>("monitored-version", Types.INT));
      cooldownVersion = getRuntimeContext().getState(new ValueStateDescriptor<>("cooldown-version", Types.INT));
      eventsSinceTrigger = getRuntimeContext().getState(new ValueStateDescriptor<>("events-since-trigger", Types.LONG));
      cooldownUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("cooldown-until", Types.LONG));
      detector = getRuntimeContext().getState(new ValueStateDescriptor<>("concept-detector",
          TypeInformation.of(ChangeDetector.class)));
    }

    @Override public List<ObservedEvent> bucket(long start) throws Exception { return pending.get(start); }
    @Override public void putBucket(long start, List<ObservedEvent> events) throws Exception { pending.put(start, events); }
    @Override public void removeBucket(long start) throws Exception { pending.remove(start); }
    @Override public Iterable<Long> bucketStarts() throws Exception { return pending.keys(); }
    @Override public long[] index() throws Exception { return bucketStarts.value(); }
    @Override public Long timer() throws Exception { return timerAt.value(); }
    @Override public Integer monitoredVersion() throws Exception { return monitoredVersion.value(); }
    @Override public void monitoredVersion(int version) throws Exception { monitoredVersion.update(version); }
    @Override public void count(int count) throws Exception { windowCount.update(count); }
    @Override public void appendToWindow(List<ObservedEvent> events) throws Exception { window.addAll(events); }
    @Override public void replaceWindow(List<ObservedEvent> events) throws Exception { window.update(events); }
    @Override public void clearWindow() { window.clear(); }
    @Override public ChangeDetector detector() throws Exception { return detector.value(); }

    @Override
    public void index(long[] starts) throws Exception {
      if (starts == null) {
        bucketStarts.clear();
      } else {
        bucketStarts.update(starts);
      }
    }

    @Override
    public void timer(Long time) throws Exception {
      if (time == null) {
        timerAt.clear();
      } else {
        timerAt.update(time);
      }
    }

    @Override
    public int count() throws Exception {
      Integer count = windowCount.value();
      return count == null ? 0 : count;
    }

    @Override
    public List<ObservedEvent> window() throws Exception {
      List<ObservedEvent> events = new ArrayList<>();
      window.get().forEach(events::add);
      return events;
    }

    @Override
    public Cooldown cooldown() throws Exception {
      Integer version = cooldownVersion.value();
      return version == null ? Cooldown.NONE : new Cooldown(version, eventsSinceTrigger.value(), cooldownUntil.value());
    }

    @Override
    public void cooldown(Cooldown cooldown) throws Exception {
      if (!cooldown.active()) {
        cooldownVersion.clear();
        eventsSinceTrigger.clear();
        cooldownUntil.clear();
        return;
      }
      cooldownVersion.update(cooldown.version());
      set(eventsSinceTrigger, cooldown.eventsSince());
      set(cooldownUntil, cooldown.until());
    }

    @Override
    public void detector(ChangeDetector value) throws Exception {
      set(detector, value);
    }

    private <T> void set(ValueState<T> value, T to) throws Exception {
      if (to == null) {
        value.clear();
      } else {
        value.update(to);
      }
    }
  }

  /**
   * A dead letter of an event with its topic, partition, offset and original bytes; the key is the
   * model name, as the original record's key is not carried past decoding.
   */
  private DeadLetter deadLetter(ObservedEvent event, String error, long now) {
    return DeadLetter.newBuilder()
        .setSourceTopic(eventsTopic)
        .setPartition(event.partition())
        .setOffset(event.offset())
        .setKey(ByteBuffer.wrap(event.model().getBytes(StandardCharsets.UTF_8)))
        .setValue(ByteBuffer.wrap(event.payload()))
        .setError(error)
        .setFailedAt(now)
        .build();
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
