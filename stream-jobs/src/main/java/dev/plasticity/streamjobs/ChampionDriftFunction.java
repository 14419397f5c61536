package dev.plasticity.streamjobs;

import dev.plasticity.schemas.DataWindow;
import dev.plasticity.schemas.DriftTrigger;
import dev.plasticity.schemas.Evidence;
import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.schemas.ModelVersion;
import dev.plasticity.schemas.PartitionRange;
import dev.plasticity.streamjobs.drift.DriftAssessment;
import dev.plasticity.streamjobs.drift.DriftMonitor;
import dev.plasticity.streamjobs.drift.DriftSettings;
import dev.plasticity.streamjobs.drift.Observation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per model: keeps a tumbling count window of events, assesses each full window against the
 * reference statistics of the current champion, and emits a {@link DriftTrigger} when it drifted.
 *
 * <ul>
 *   <li>Champions arrive on the broadcast side; only alias {@code champion} with a higher version
 *       number than the one held replaces it.
 *   <li>Events of a model with no champion yet are buffered (at most windowSize, oldest dropped)
 *       and become the start of the first window once a champion is known.
 *   <li>When the champion changes, the next event resets the window and clears the cooldown.
 *   <li>After a trigger for version v no other trigger for v fires until a newer champion arrives,
 *       or, when {@link DriftSettings#cooldownEvents()} &gt; 0, until that many events went by.
 *   <li>The trigger id is a name-based UUID of model, base version and the first offset per
 *       partition of the window, so replaying the same window yields the same id.
 * </ul>
 */
final class ChampionDriftFunction extends KeyedBroadcastProcessFunction<String, ObservedEvent, ModelVersion, DriftTrigger> {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(ChampionDriftFunction.class);

  static final String CHAMPION = "champion";
  static final MapStateDescriptor<String, ModelVersion> CHAMPIONS =
      new MapStateDescriptor<>("champions", Types.STRING, TypeInformation.of(ModelVersion.class));

  private final DriftSettings settings;
  private final String eventsTopic;

  private transient ListState<ObservedEvent> window;
  private transient ValueState<Integer> windowCount;
  private transient ValueState<Integer> monitoredVersion;
  private transient ValueState<Integer> cooldownVersion;
  private transient ValueState<Long> eventsSinceTrigger;
  /** Monitors by model@version; rebuilt from broadcast state after a restore. */
  private transient Map<String, DriftMonitor> monitors;
  private transient Counter windowsAssessed;
  private transient Counter triggers;

  ChampionDriftFunction(DriftSettings settings, String eventsTopic) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.eventsTopic = Objects.requireNonNull(eventsTopic, "eventsTopic");
  }

  @Override
  public void open(OpenContext openContext) {
    window = getRuntimeContext().getListState(new ListStateDescriptor<>("window", TypeInformation.of(ObservedEvent.class)));
    windowCount = getRuntimeContext().getState(new ValueStateDescriptor<>("window-count", Types.INT));
    monitoredVersion = getRuntimeContext().getState(new ValueStateDescriptor<>("monitored-version", Types.INT));
    cooldownVersion = getRuntimeContext().getState(new ValueStateDescriptor<>("cooldown-version", Types.INT));
    eventsSinceTrigger = getRuntimeContext().getState(new ValueStateDescriptor<>("events-since-trigger", Types.LONG));
    monitors = new HashMap<>();
    windowsAssessed = getRuntimeContext().getMetricGroup().counter("windowsAssessed");
    triggers = getRuntimeContext().getMetricGroup().counter("driftTriggers");
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
    try {
      new DriftMonitor(version.getReference(), settings);
    } catch (IllegalArgumentException e) {
      log.warn("ignoring champion {} v{}: unusable reference statistics: {}", version.getModel(), version.getVersion(), e.getMessage());
      return;
    }
    ctx.getBroadcastState(CHAMPIONS).put(version.getModel(), version);
  }

  @Override
  public void processElement(ObservedEvent event, ReadOnlyContext ctx, Collector<DriftTrigger> out) throws Exception {
    ModelVersion champion = ctx.getBroadcastState(CHAMPIONS).get(ctx.getCurrentKey());
    Integer monitored = monitoredVersion.value();
    int count = windowCount.value() == null ? 0 : windowCount.value();
    if (champion != null && !Objects.equals(monitored, champion.getVersion())) {
      if (monitored != null) { // a new champion: its window starts now
        window.clear();
        count = 0;
      }
      monitoredVersion.update(champion.getVersion());
      cooldownVersion.clear();
      eventsSinceTrigger.clear();
    }
    window.add(event);
    count++;
    if (champion == null) {
      if (count > settings.windowSize()) {
        List<ObservedEvent> buffered = new ArrayList<>();
        window.get().forEach(buffered::add);
        window.update(buffered.subList(buffered.size() - settings.windowSize(), buffered.size()));
        count = settings.windowSize();
      }
      windowCount.update(count);
      return;
    }
    Integer cooling = cooldownVersion.value();
    if (cooling != null && settings.cooldownEvents() > 0) {
      long since = (eventsSinceTrigger.value() == null ? 0 : eventsSinceTrigger.value()) + 1;
      if (since >= settings.cooldownEvents()) {
        cooldownVersion.clear();
        eventsSinceTrigger.clear();
      } else {
        eventsSinceTrigger.update(since);
      }
    }
    if (count >= settings.windowSize()) {
      List<ObservedEvent> all = new ArrayList<>(count);
      window.get().forEach(all::add);
      List<ObservedEvent> full = all.subList(0, settings.windowSize());
      assess(champion, full, ctx, out);
      List<ObservedEvent> rest = new ArrayList<>(all.subList(settings.windowSize(), all.size()));
      window.update(rest);
      count = rest.size();
    }
    windowCount.update(count);
  }

  private void assess(ModelVersion champion, List<ObservedEvent> events, ReadOnlyContext ctx, Collector<DriftTrigger> out)
      throws Exception {
    int version = champion.getVersion();
    DriftMonitor monitor = monitors.computeIfAbsent(champion.getModel() + "@" + version,
        k -> new DriftMonitor(champion.getReference(), settings));
    List<Observation> observations = new ArrayList<>(events.size());
    for (ObservedEvent e : events) {
      LabelledEvent le = e.event();
      observations.add(new Observation(le.getFeatures(), le.getLabel(), le.getPrediction(), le.getPredictionVersion()));
    }
    DriftAssessment assessment = monitor.assess(observations, version);
    windowsAssessed.inc();
    if (!assessment.drifted()) {
      return;
    }
    if (cooldownVersion.value() != null) {
      log.debug("{} v{} drifted again ({}) while cooling down", champion.getModel(), version, assessment.kind());
      return;
    }
    DriftTrigger trigger = trigger(champion.getModel(), version, assessment, events, ctx.currentProcessingTime());
    log.info("drift on {} v{}: {} severity {} ({})", trigger.getModel(), version, trigger.getKind(),
        String.format("%.2f", trigger.getSeverity()), trigger.getTriggerId());
    out.collect(trigger);
    triggers.inc();
    cooldownVersion.update(version);
    eventsSinceTrigger.update(0L);
  }

  DriftTrigger trigger(String model, int baseVersion, DriftAssessment assessment, List<ObservedEvent> events, long now) {
    TreeMap<Integer, long[]> ranges = new TreeMap<>();
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (ObservedEvent e : events) {
      long[] range = ranges.computeIfAbsent(e.partition(), p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      range[0] = Math.min(range[0], e.offset());
      range[1] = Math.max(range[1], e.offset());
      start = Math.min(start, e.event().getEventTime());
      end = Math.max(end, e.event().getEventTime());
    }
    List<PartitionRange> offsets = new ArrayList<>();
    StringBuilder identity = new StringBuilder(model).append('|').append(baseVersion);
    ranges.forEach((partition, range) -> {
      offsets.add(new PartitionRange(partition, range[0], range[1]));
      identity.append('|').append(partition).append(':').append(range[0]);
    });
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
