package dev.plasticity.streamjobs;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DeadLetter;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.PartitionRange;
import dev.plasticity.schemas.DriftKind;
import dev.plasticity.streamjobs.drift.ChangeDetector;
import dev.plasticity.streamjobs.drift.ChangeDetectorKind;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import dev.plasticity.streamjobs.drift.DriftMonitor;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.streamjobs.drift.Observation;
import dev.plasticity.streamjobs.drift.TestResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
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
 * Per model: puts events in event-time order, keeps a tumbling count window of them, assesses
 * each full window against the reference statistics of the current champion, and emits a {@link
 * DriftTrigger} when it drifted. Events arrive in batches of one model ({@link BatchByModel});
 * every rule below is per event, and a batch gives the triggers its events would give one by one.
 *
 * <ul>
 *   <li><b>Event time.</b> An event waits in state until the watermark passes its event time, then
 *       events are taken in event-time order (arrival order among equal times). Waiting events are
 *       kept in buckets of {@link #BUCKET_MILLIS} of event time, each in order, with a sorted
 *       index of the buckets and one timer per model at the earliest waiting event, so the
 *       watermark's advance costs what it releases, however far one partition runs ahead of
 *       another, and however sparse the events are in event time. An event
 *       that arrives behind the watermark but within {@code allowedLateness} is taken at once; one later than that goes to {@link #LATE} (the
 *       job writes it to the dead-letter topic, so nothing is silently lost).
 *   <li><b>Champions</b> arrive on the broadcast side; only alias {@code champion} with a higher
 *       version number than the one held replaces it. Each champion carries its model's {@code
 *       DriftConfig}, applied over the job's default settings.
 *   <li>Events of a model with no champion yet are buffered (at most windowSize, oldest dropped)
 *       and become the start of the first window once a champion is known.
 *   <li>When the champion changes, the next event resets the window and clears the cooldown.
 *   <li><b>Concept detector.</b> When the model's settings name one ({@code ADWIN}, {@code DDM},
 *       ...), every event the served version predicted feeds its error (0 or 1) to that
 *       detector, kept per model in state; a detection triggers CONCEPT drift at once, without
 *       waiting for the window to fill, with the window's events so far as the data window.
 *   <li><b>Cooldown.</b> After a trigger for version v no other trigger for v fires until a newer
 *       champion arrives, or until {@code cooldownEvents} events or {@code cooldownMillis} of event
 *       time went by, when those are set.
 *   <li>The trigger id is a name-based UUID of model, base version and the first offset per
 *       partition of the window, so replaying the same window yields the same id.
 *   <li><b>Bad input never fails the job.</b> Once a champion is known, an event whose label is
 *       not one of its classes ({@code [0, numClasses)} of its architecture) goes to {@link
 *       #REFUSED} with the rule and the class count, as do the events buffered before the first
 *       champion when it arrives. A window the monitor cannot assess (an exception in the tests
 *       on its events) sends its events to {@link #REFUSED} with the exception, and the job goes
 *       on. A failure of the operator's own state is not caught: it fails the job as before.
 * </ul>
 *
 * <p>Metrics (Flink's metric system, per subtask): {@code eventsPerSecond}, {@code
 * lateEventsDropped}, {@code refusedEvents}, {@code windowsAssessed}, {@code windowsFailed}, {@code
 * driftTriggers}, and under {@code model.<name>.feature.<feature>} a gauge per test with the
 * statistic of the last window.
 *
 * <p>One instance per subtask, as Flink runs it; not thread-safe.
 */
final class ChampionDriftFunction extends KeyedBroadcastProcessFunction<String, List<ObservedEvent>, ModelVersion, DriftTrigger> {
  private static final long serialVersionUID = 2L;
  private static final Logger log = LoggerFactory.getLogger(ChampionDriftFunction.class);

  static final String CHAMPION = "champion";
  static final MapStateDescriptor<String, ModelVersion> CHAMPIONS =
      new MapStateDescriptor<>("champions", Types.STRING, TypeInformation.of(ModelVersion.class));
  /** Events later than the allowed lateness, as dead letters. */
  static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));
  /** Events refused by the champion's rules or that a window could not be assessed with, as dead letters. */
  static final OutputTag<DeadLetter> REFUSED = new OutputTag<>("refused-events", TypeInformation.of(DeadLetter.class));

  private final DriftSettings defaults;
  private final String eventsTopic;
  private final long allowedLatenessMillis;

  /** Width in event time of a bucket of waiting events. */
  static final long BUCKET_MILLIS = 20;

  /** Events ahead of the watermark, by the start of their bucket; each bucket in event-time order. */
  private transient MapState<Long, List<ObservedEvent>> pending;
  /** The starts of the buckets in {@link #pending}, ascending; null when none (or state from before it). */
  private transient ValueState<long[]> bucketStarts;
  /** The earliest event-time timer set for waiting events that has not fired yet, if any. */
  private transient ValueState<Long> timerAt;
  private transient ListState<ObservedEvent> window;
  private transient ValueState<Integer> windowCount;
  private transient ValueState<Integer> monitoredVersion;
  private transient ValueState<Integer> cooldownVersion;
  private transient ValueState<Long> eventsSinceTrigger;
  private transient ValueState<Long> cooldownUntil;
  /** The concept-drift detector on the served version's error stream, when one is configured. */
  private transient ValueState<ChangeDetector> detector;
  /** Monitors by model@version; rebuilt from broadcast state after a restore. */
  private transient Map<String, DriftMonitor> monitors;
  /** Resolved settings by model@version, so events do not rebuild them; rebuilt after a restore. */
  private transient Map<String, DriftSettings> resolved;
  private transient ModelVersion lastResolvedVersion;
  private transient DriftSettings lastResolved;
  private transient Map<String, Double> lastStatistics;
  private transient Counter events;
  private transient Counter late;
  private transient Counter refused;
  private transient Counter windowsFailed;
  private transient Counter windowsAssessed;
  private transient Counter triggers;

  ChampionDriftFunction(DriftSettings defaults, String eventsTopic, long allowedLatenessMillis) {
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.eventsTopic = Objects.requireNonNull(eventsTopic, "eventsTopic");
    if (allowedLatenessMillis < 0) {
      throw new IllegalArgumentException("allowedLatenessMillis must be >= 0, got " + allowedLatenessMillis);
    }
    this.allowedLatenessMillis = allowedLatenessMillis;
  }

  @Override
  public void open(OpenContext openContext) {
    TypeInformation<ObservedEvent> eventType = TypeInformation.of(ObservedEvent.class);
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-buckets", Types.LONG,
        Types.LIST(eventType)));
    bucketStarts = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-bucket-starts",
        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    timerAt = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-timer", Types.LONG));
    window = getRuntimeContext().getListState(new ListStateDescriptor<>("window", eventType));
    windowCount = getRuntimeContext().getState(new ValueStateDescriptor<>("window-count", Types.INT));
    monitoredVersion = getRuntimeContext().getState(new ValueStateDescriptor<>("monitored-version", Types.INT));
    cooldownVersion = getRuntimeContext().getState(new ValueStateDescriptor<>("cooldown-version", Types.INT));
    eventsSinceTrigger = getRuntimeContext().getState(new ValueStateDescriptor<>("events-since-trigger", Types.LONG));
    cooldownUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("cooldown-until", Types.LONG));
    detector = getRuntimeContext().getState(new ValueStateDescriptor<>("concept-detector", TypeInformation.of(ChangeDetector.class)));
    monitors = new HashMap<>();
    resolved = new HashMap<>();
    lastStatistics = new HashMap<>();
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    events = metrics.counter("eventsAssessed");
    metrics.meter("eventsPerSecond", new MeterView(events));
    late = metrics.counter("lateEventsDropped");
    refused = metrics.counter("refusedEvents");
    windowsFailed = metrics.counter("windowsFailed");
    windowsAssessed = metrics.counter("windowsAssessed");
    triggers = metrics.counter("driftTriggers");
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

  /** The job's defaults with the model's own configuration applied, resolved once per version. */
  DriftSettings settingsFor(ModelVersion version) {
    if (version == lastResolvedVersion) { // the broadcast state hands out the same instance each time
      return lastResolved;
    }
    String key = version.getModel() + "@" + version.getVersion();
    DriftSettings settings = resolved.get(key);
    if (settings == null) {
      try {
        settings = defaults.overriddenBy(version.getDriftConfig());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid driftConfig: " + e.getMessage(), e);
      }
      resolved.put(key, settings);
    }
    lastResolvedVersion = version;
    lastResolved = settings;
    return settings;
  }

  /**
   * A batch of the key's events ({@link BatchByModel}), each handled as it would be alone: late
   * ones to {@link #LATE}, ones within the allowed lateness taken at once, the rest into their
   * bucket. Each bucket the batch touches is read and written once; a timer is set only when an
   * event is earlier than every waiting one.
   */
  @Override
  public void processElement(List<ObservedEvent> batch, ReadOnlyContext ctx, Collector<DriftTrigger> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    List<ObservedEvent> due = null;
    Map<Long, List<ObservedEvent>> touched = new HashMap<>();
    List<Long> newBuckets = new ArrayList<>();
    long earliest = Long.MAX_VALUE;
    for (ObservedEvent event : batch) {
      long time = event.eventTime();
      if (watermark != Long.MIN_VALUE && time <= watermark - allowedLatenessMillis) {
        late.inc();
        ctx.output(LATE, lateLetter(event, watermark, ctx.currentProcessingTime()));
        continue;
      }
      if (time <= watermark) { // late, but within the allowed lateness: take it now
        if (due == null) {
          due = new ArrayList<>();
        }
        due.add(event);
        continue;
      }
      long bucket = bucketOf(time);
      List<ObservedEvent> waiting = touched.get(bucket);
      if (waiting == null) {
        waiting = pending.get(bucket);
        if (waiting == null) {
          waiting = new ArrayList<>();
          newBuckets.add(bucket);
        }
        touched.put(bucket, waiting);
      }
      // each bucket stays in event-time order, arrival order among equal times; events mostly come in order
      int at = waiting.size();
      while (at > 0 && waiting.get(at - 1).eventTime() > time) {
        at--;
      }
      waiting.add(at, event);
      earliest = Math.min(earliest, time);
    }
    for (Map.Entry<Long, List<ObservedEvent>> bucket : touched.entrySet()) {
      pending.put(bucket.getKey(), bucket.getValue());
    }
    if (!newBuckets.isEmpty()) {
      bucketStarts.update(withBuckets(bucketStarts(), newBuckets));
    }
    if (earliest != Long.MAX_VALUE) {
      setTimerBy(earliest, ctx);
    }
    if (due != null) {
      take(due, ctx, out);
    }
  }

  private static long bucketOf(long time) {
    return Math.floorDiv(time, BUCKET_MILLIS) * BUCKET_MILLIS;
  }

  /** The index of waiting buckets; rebuilt from the buckets themselves for state kept before it. */
  private long[] bucketStarts() throws Exception {
    long[] starts = bucketStarts.value();
    if (starts != null) {
      return starts;
    }
    List<Long> keys = new ArrayList<>();
    pending.keys().forEach(keys::add);
    return withBuckets(new long[0], keys);
  }

  /** {@code starts} (ascending) with {@code more} (new, distinct) added, ascending. */
  static long[] withBuckets(long[] starts, List<Long> more) {
    long[] added = more.stream().mapToLong(Long::longValue).sorted().toArray();
    if (added.length == 0) {
      return starts;
    }
    long[] merged = Arrays.copyOf(starts, starts.length + added.length);
    if (starts.length == 0 || added[0] > starts[starts.length - 1]) { // the usual case: later buckets
      System.arraycopy(added, 0, merged, starts.length, added.length);
      return merged;
    }
    int i = starts.length - 1;
    int j = added.length - 1;
    for (int k = merged.length - 1; j >= 0; k--) { // merge from the back
      merged[k] = i >= 0 && starts[i] > added[j] ? starts[i--] : added[j--];
    }
    return merged;
  }

  /** Makes sure a timer fires once the watermark reaches {@code time}. */
  private void setTimerBy(long time, ReadOnlyContext ctx) throws Exception {
    Long set = timerAt.value();
    if (set == null || time < set) {
      ctx.timerService().registerEventTimeTimer(time);
      timerAt.update(time);
    }
  }

  /**
   * The watermark passed the earliest waiting event: takes every waiting event at or before the
   * watermark, bucket by bucket in the index's order and in order within each, and sets the timer
   * at the earliest of the rest. A bucket keeps events only while the watermark is before its
   * end, so the first bucket left holds the earliest waiting event. A timer set before an earlier
   * one (its events taken already) finds nothing due, or fewer.
   */
  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DriftTrigger> out) throws Exception {
    Long set = timerAt.value();
    if (set != null && set <= timestamp) {
      timerAt.clear(); // this is the timer set last
    }
    long watermark = ctx.timerService().currentWatermark();
    long[] starts = bucketStarts();
    List<ObservedEvent> taken = new ArrayList<>();
    int emptied = 0;
    while (emptied < starts.length && starts[emptied] <= watermark) {
      long bucket = starts[emptied];
      List<ObservedEvent> waiting = pending.get(bucket);
      int due = 0;
      while (waiting != null && due < waiting.size() && waiting.get(due).eventTime() <= watermark) {
        due++;
      }
      if (waiting != null && due < waiting.size()) { // the watermark is inside this bucket
        taken.addAll(waiting.subList(0, due));
        pending.put(bucket, new ArrayList<>(waiting.subList(due, waiting.size())));
        break;
      }
      if (waiting != null) {
        taken.addAll(waiting);
        pending.remove(bucket);
      }
      emptied++;
    }
    if (emptied == starts.length) {
      bucketStarts.clear();
    } else {
      if (emptied > 0 || bucketStarts.value() == null) {
        bucketStarts.update(Arrays.copyOfRange(starts, emptied, starts.length));
      }
      setTimerBy(pending.get(starts[emptied]).get(0).eventTime(), ctx);
    }
    if (!taken.isEmpty()) {
      take(taken, ctx, out);
    }
  }

  private DeadLetter lateLetter(ObservedEvent event, long watermark, long now) {
    return deadLetter(event, "late event " + eventId(event) + ": event time " + event.eventTime()
        + " is more than the allowed lateness of " + allowedLatenessMillis + " ms behind the watermark " + watermark, now);
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

  private void refuse(ObservedEvent event, String reason, ReadOnlyContext ctx) {
    refused.inc();
    ctx.output(REFUSED, deadLetter(event, "refused event " + eventId(event) + ": " + reason, ctx.currentProcessingTime()));
  }

  /**
   * The events whose label is a class of {@code champion}, in order; the others go to {@link
   * #REFUSED} with the rule and the class count.
   */
  private List<ObservedEvent> ofItsClasses(ModelVersion champion, List<ObservedEvent> events, ReadOnlyContext ctx) {
    int classes = champion.getArchitecture().getNumClasses();
    List<ObservedEvent> kept = null;
    for (int i = 0; i < events.size(); i++) {
      ObservedEvent event = events.get(i);
      if (event.label() < classes) {
        if (kept != null) {
          kept.add(event);
        }
        continue;
      }
      if (kept == null) {
        kept = new ArrayList<>(events.subList(0, i));
      }
      refuse(event, "label " + event.label() + " is not a class of " + champion.getModel() + " v" + champion.getVersion()
          + ": a label must be in [0, numClasses) and the model has numClasses " + classes, ctx);
    }
    return kept == null ? events : kept;
  }

  /**
   * Events in event-time order (or late within the allowed lateness), as one step: the champion,
   * monitored version and window count are read once before and written once after, and new
   * window events are appended in one go (the cooldown and the concept detector's state are
   * touched per event only when configured).
   */
  private void take(List<ObservedEvent> taken, ReadOnlyContext ctx, Collector<DriftTrigger> out) throws Exception {
    events.inc(taken.size());
    ModelVersion champion = ctx.getBroadcastState(CHAMPIONS).get(ctx.getCurrentKey());
    Integer monitored = monitoredVersion.value();
    Integer counted = windowCount.value();
    int count = counted == null ? 0 : counted;
    if (champion != null && !Objects.equals(monitored, champion.getVersion())) {
      if (monitored != null) { // a new champion: its window starts now
        window.clear();
        count = 0;
      } else if (count > 0) { // the first champion: events buffered before it must be of its classes too
        List<ObservedEvent> buffered = new ArrayList<>();
        window.get().forEach(buffered::add);
        List<ObservedEvent> kept = ofItsClasses(champion, buffered, ctx);
        if (kept != buffered) {
          window.update(kept);
          count = kept.size();
        }
      }
      monitoredVersion.update(champion.getVersion());
      clearCooldown();
      detector.clear(); // the new version's errors start a new stream
    }
    DriftSettings settings = champion == null ? defaults : settingsFor(champion);
    if (champion == null) {
      window.addAll(taken);
      count += taken.size();
      if (count > settings.windowSize()) {
        List<ObservedEvent> buffered = new ArrayList<>();
        window.get().forEach(buffered::add);
        window.update(buffered.subList(buffered.size() - settings.windowSize(), buffered.size()));
        count = settings.windowSize();
      }
      windowCount.update(count);
      return;
    }
    List<ObservedEvent> fresh = new ArrayList<>(Math.min(taken.size(), settings.windowSize()));
    boolean watchingErrors = settings.hasConceptDetector();
    for (ObservedEvent event : ofItsClasses(champion, taken, ctx)) {
      fresh.add(event);
      count++;
      advanceCooldown(settings, event.eventTime());
      if (watchingErrors) {
        watchErrors(champion, settings, event, fresh, ctx, out);
      }
      if (count >= settings.windowSize()) {
        List<ObservedEvent> all = new ArrayList<>(count);
        window.get().forEach(all::add);
        all.addAll(fresh);
        fresh = new ArrayList<>(); // not clear(): nulling its references showed as a fifth of this thread in a profile
        List<ObservedEvent> full = all.subList(0, settings.windowSize());
        assess(champion, settings, full, ctx, out);
        List<ObservedEvent> rest = new ArrayList<>(all.subList(settings.windowSize(), all.size()));
        window.update(rest);
        count = rest.size();
      }
    }
    window.addAll(fresh);
    windowCount.update(count);
  }

  /**
   * Feeds the served version's error on this event to the model's detector; on a detection,
   * triggers CONCEPT drift with the events of the current window so far as its data window.
   */
  private void watchErrors(ModelVersion champion, DriftSettings settings, ObservedEvent event, List<ObservedEvent> fresh,
      ReadOnlyContext ctx, Collector<DriftTrigger> out) throws Exception {
    int version = champion.getVersion();
    if (event.prediction() == null || event.predictionVersion() == null || event.predictionVersion() != version) {
      return;
    }
    ChangeDetector watching = detector.value();
    if (watching == null) {
      watching = ChangeDetectorKind.valueOf(settings.conceptDetector())
          .create(Objects.hash(champion.getModel().toString(), version));
    }
    watching.update(event.prediction() != event.label() ? 1.0 : 0.0);
    detector.update(watching);
    if (!watching.driftDetected() || cooldownVersion.value() != null) {
      return;
    }
    window.addAll(fresh); // the window so far, including the events of this step
    fresh.clear();
    List<ObservedEvent> events = new ArrayList<>();
    window.get().forEach(events::add);
    long predicted = events.stream().filter(o -> version == orMinus1(o.predictionVersion())).count();
    long errors = events.stream().filter(o -> version == orMinus1(o.predictionVersion())
        && o.prediction() != null && o.prediction() != o.label()).count();
    double recentError = predicted == 0 ? 1.0 : errors / (double) predicted;
    double referenceError = champion.getReference().getErrorRate();
    TestResult result = new TestResult(settings.conceptDetector(), recentError, null, referenceError, true,
        Math.min(1.0, Math.max(Math.ulp(1.0), (recentError - referenceError) / Math.max(1e-9, 1 - referenceError))), predicted);
    DriftAssessment assessment = new DriftAssessment(true, DriftKind.CONCEPT,
        List.of(new DriftAssessment.Finding(DriftAssessment.ERROR, result)), result.severity(), events.size());
    DriftTrigger trigger = trigger(champion.getModel(), version, assessment, events, ctx.currentProcessingTime(),
        settings.conceptDetector() + "@" + event.partition() + ":" + event.offset());
    log.info("drift on {} v{}: {} detected CONCEPT at offset {}:{}, recent error {} vs reference {} ({})",
        trigger.getModel(), version, settings.conceptDetector(), event.partition(), event.offset(),
        String.format("%.3f", recentError), String.format("%.3f", referenceError), trigger.getTriggerId());
    out.collect(trigger);
    triggers.inc();
    startCooldown(settings, version, event.eventTime());
  }

  private static int orMinus1(Integer value) {
    return value == null ? -1 : value;
  }

  private void startCooldown(DriftSettings settings, int version, long eventTime) throws Exception {
    cooldownVersion.update(version);
    eventsSinceTrigger.update(0L);
    if (settings.cooldownMillis() > 0) {
      cooldownUntil.update(eventTime + settings.cooldownMillis());
    }
  }

  private void advanceCooldown(DriftSettings settings, long eventTime) throws Exception {
    if (settings.cooldownEvents() == 0 && settings.cooldownMillis() == 0) {
      // a trigger's cooldown lasts until a newer champion: nothing to count. (Were a restore to
      // bring defaults with a cooldown, counting would start there rather than at the trigger.)
      return;
    }
    if (cooldownVersion.value() == null) {
      return;
    }
    long since = (eventsSinceTrigger.value() == null ? 0 : eventsSinceTrigger.value()) + 1;
    boolean eventsDone = settings.cooldownEvents() > 0 && since >= settings.cooldownEvents();
    boolean timeDone = settings.cooldownMillis() > 0 && cooldownUntil.value() != null && eventTime >= cooldownUntil.value();
    if (eventsDone || timeDone) {
      clearCooldown();
    } else {
      eventsSinceTrigger.update(since);
    }
  }

  private void clearCooldown() {
    cooldownVersion.clear();
    eventsSinceTrigger.clear();
    cooldownUntil.clear();
  }

  private void assess(ModelVersion champion, DriftSettings settings, List<ObservedEvent> events, ReadOnlyContext ctx,
      Collector<DriftTrigger> out) throws Exception {
    int version = champion.getVersion();
    long lastTime = Long.MIN_VALUE;
    DriftAssessment assessment;
    try { // logic on these events only: what fails here is theirs, not the operator's state
      DriftMonitor monitor = monitors.computeIfAbsent(champion.getModel() + "@" + version,
          k -> new DriftMonitor(champion.getReference(), settings));
      List<Observation> observations = new ArrayList<>(events.size());
      for (ObservedEvent e : events) {
        observations.add(e.observation());
        lastTime = Math.max(lastTime, e.eventTime());
      }
      assessment = monitor.assess(observations, version);
    } catch (RuntimeException e) {
      windowsFailed.inc();
      log.warn("could not assess a window of {} events of {} v{}; they go to the dead-letter topic", events.size(),
          champion.getModel(), version, e);
      String reason = "the window of " + events.size() + " events it belongs to could not be assessed against "
          + champion.getModel() + " v" + version + ": " + e;
      for (ObservedEvent event : events) {
        refuse(event, reason, ctx);
      }
      return;
    }
    windowsAssessed.inc();
    publishStatistics(champion.getModel(), assessment);
    if (!assessment.drifted()) {
      return;
    }
    if (cooldownVersion.value() != null) {
      log.debug("{} v{} drifted again ({}) while cooling down", champion.getModel(), version, assessment.kind());
      return;
    }
    DriftTrigger trigger = trigger(champion.getModel(), version, assessment, events, ctx.currentProcessingTime(), null);
    log.info("drift on {} v{}: {} severity {} ({})", trigger.getModel(), version, trigger.getKind(),
        String.format("%.2f", trigger.getSeverity()), trigger.getTriggerId());
    out.collect(trigger);
    triggers.inc();
    startCooldown(settings, version, lastTime);
  }

  /** Keeps each test's last statistic for a gauge, registering the gauge the first time. */
  private void publishStatistics(String model, DriftAssessment assessment) {
    for (DriftAssessment.Finding f : assessment.findings()) {
      String key = model + '\u0000' + f.feature() + '\u0000' + f.result().test();
      if (lastStatistics.put(key, f.result().statistic()) == null) {
        getRuntimeContext().getMetricGroup()
            .addGroup("model", model)
            .addGroup("feature", f.feature())
            .gauge(f.result().test(), () -> lastStatistics.get(key));
      }
    }
  }

  /**
   * @param detection for a detector's alarm, which detector and where it fired (part of the id);
   *     null for a window assessment
   */
  DriftTrigger trigger(String model, int baseVersion, DriftAssessment assessment, List<ObservedEvent> events, long now,
      String detection) {
    TreeMap<Integer, long[]> ranges = new TreeMap<>();
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (ObservedEvent e : events) {
      long[] range = ranges.computeIfAbsent(e.partition(), p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      range[0] = Math.min(range[0], e.offset());
      range[1] = Math.max(range[1], e.offset());
      start = Math.min(start, e.eventTime());
      end = Math.max(end, e.eventTime());
    }
    List<PartitionRange> offsets = new ArrayList<>();
    StringBuilder identity = new StringBuilder(model).append('|').append(baseVersion);
    ranges.forEach((partition, range) -> {
      offsets.add(new PartitionRange(partition, range[0], range[1]));
      identity.append('|').append(partition).append(':').append(range[0]);
    });
    if (detection != null) {
      identity.append('|').append(detection);
    }
    List<Evidence> evidence = new ArrayList<>();
    for (DriftAssessment.Finding f : assessment.findings()) {
      evidence.add(new Evidence(f.feature(), f.result().test(), f.result().statistic(), f.result().pValue(),
          f.result().threshold(), f.result().drifted()));
    }
    return DriftTrigger.newBuilder()
        .setTriggerId(UUID.nameUUIDFromBytes(identity.toString().getBytes(StandardCharsets.UTF_8)).toString())
        .setModel(model)
        .setBaseVersion(baseVersion)
        .setKind(assessment.kind())
        .setEvidence(evidence)
        .setWindow(new DataWindow(eventsTopic, start, end, (long) events.size(), offsets))
        .setSeverity(assessment.severity())
        .setDetectedAt(now)
        .build();
  }
}
