package dev.plasticity.streamjobs;

import dev.plasticity.streamjobs.drift.ChangeDetector;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The drift operator's keyed state in Flink, as the {@link EventTimeBuffer.Store} and {@link
 * ModelWatch.State} of the current key: the names and types the job has always used, so old checkpoints
 * restore. Waiting events by the start of their bucket, the buckets' index and the pending
 * timer; the window, its count, the monitored version, the cooldown in three values and the
 * concept detector. State added since (absent in older checkpoints, read as its default): the
 * cooldown's attempt, re-arming, last severity and served error, whether the detector's warning
 * was sent, and the events since the last cadence trigger. Reads and writes go to the key Flink has set on the operator. Not thread-safe,
 * as Flink's keyed state.
 */
final class KeyedDriftState implements EventTimeBuffer.Store, ModelWatch.State {
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
  private final ValueState<Integer> attempt;
  private final ValueState<Boolean> rearmed;
  private final ValueState<Double> lastSeverity;
  private final ValueState<Double> lastError;
  private final ValueState<Boolean> warned;
  private final ValueState<Long> sinceCadence;

  KeyedDriftState(RuntimeContext context) {
    TypeInformation<ObservedEvent> eventType = TypeInformation.of(ObservedEvent.class);
    pending = context.getMapState(new MapStateDescriptor<>("pending-buckets", Types.LONG, Types.LIST(eventType)));
    bucketStarts = context.getState(new ValueStateDescriptor<>("pending-bucket-starts",
        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    timerAt = context.getState(new ValueStateDescriptor<>("pending-timer", Types.LONG));
    window = context.getListState(new ListStateDescriptor<>("window", eventType));
    windowCount = context.getState(new ValueStateDescriptor<>("window-count", Types.INT));
    monitoredVersion = context.getState(new ValueStateDescriptor<>("monitored-version", Types.INT));
    cooldownVersion = context.getState(new ValueStateDescriptor<>("cooldown-version", Types.INT));
    eventsSinceTrigger = context.getState(new ValueStateDescriptor<>("events-since-trigger", Types.LONG));
    cooldownUntil = context.getState(new ValueStateDescriptor<>("cooldown-until", Types.LONG));
    detector = context.getState(new ValueStateDescriptor<>("concept-detector",
        TypeInformation.of(ChangeDetector.class)));
    attempt = context.getState(new ValueStateDescriptor<>("trigger-attempt", Types.INT));
    rearmed = context.getState(new ValueStateDescriptor<>("cooldown-rearmed", Types.BOOLEAN));
    lastSeverity = context.getState(new ValueStateDescriptor<>("last-trigger-severity", Types.DOUBLE));
    lastError = context.getState(new ValueStateDescriptor<>("last-trigger-error", Types.DOUBLE));
    warned = context.getState(new ValueStateDescriptor<>("warning-sent", Types.BOOLEAN));
    sinceCadence = context.getState(new ValueStateDescriptor<>("events-since-cadence", Types.LONG));
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
    if (version == null) {
      return Cooldown.NONE;
    }
    Integer tries = attempt.value();
    Double severity = lastSeverity.value();
    return new Cooldown(version, eventsSinceTrigger.value(), cooldownUntil.value(), tries == null ? 0 : tries,
        Boolean.TRUE.equals(rearmed.value()), severity == null ? 0.0 : severity, lastError.value());
  }

  @Override
  public void cooldown(Cooldown cooldown) throws Exception {
    if (cooldown.version() == null) {
      cooldownVersion.clear();
      eventsSinceTrigger.clear();
      cooldownUntil.clear();
      attempt.clear();
      rearmed.clear();
      lastSeverity.clear();
      lastError.clear();
      return;
    }
    cooldownVersion.update(cooldown.version());
    set(eventsSinceTrigger, cooldown.eventsSince());
    set(cooldownUntil, cooldown.until());
    set(attempt, cooldown.attempt() == 0 ? null : cooldown.attempt());
    set(rearmed, cooldown.rearmed() ? Boolean.TRUE : null);
    set(lastSeverity, cooldown.lastSeverity());
    set(lastError, cooldown.lastError());
  }

  @Override
  public boolean warned() throws Exception {
    return Boolean.TRUE.equals(warned.value());
  }

  @Override
  public void warned(boolean sent) throws Exception {
    set(warned, sent ? Boolean.TRUE : null);
  }

  @Override
  public long sinceCadence() throws Exception {
    Long since = sinceCadence.value();
    return since == null ? 0 : since;
  }

  @Override
  public void sinceCadence(long events) throws Exception {
    set(sinceCadence, events == 0 ? null : events);
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

