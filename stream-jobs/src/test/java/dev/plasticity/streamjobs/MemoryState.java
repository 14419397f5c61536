package dev.plasticity.streamjobs;

import dev.plasticity.streamjobs.drift.ChangeDetector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One key's state in plain fields and maps, for driving {@link EventTimeBuffer} and {@link ModelWatch} without Flink. */
final class MemoryState implements EventTimeBuffer.Store, ModelWatch.State {
  final Map<Long, List<ObservedEvent>> buckets = new HashMap<>();
  long[] index;
  Long timer;
  Integer monitoredVersion;
  int count;
  final List<ObservedEvent> window = new ArrayList<>();
  Cooldown cooldown = Cooldown.NONE;
  ChangeDetector detector;
  boolean warned;
  long sinceCadence;

  @Override public List<ObservedEvent> bucket(long start) { return buckets.containsKey(start) ? new ArrayList<>(buckets.get(start)) : null; }
  @Override public void putBucket(long start, List<ObservedEvent> events) { buckets.put(start, new ArrayList<>(events)); }
  @Override public void removeBucket(long start) { buckets.remove(start); }
  @Override public Iterable<Long> bucketStarts() { return new ArrayList<>(buckets.keySet()); }
  @Override public long[] index() { return index; }
  @Override public void index(long[] starts) { index = starts; }
  @Override public Long timer() { return timer; }
  @Override public void timer(Long time) { timer = time; }
  @Override public Integer monitoredVersion() { return monitoredVersion; }
  @Override public void monitoredVersion(int version) { monitoredVersion = version; }
  @Override public int count() { return count; }
  @Override public void count(int count) { this.count = count; }
  @Override public List<ObservedEvent> window() { return new ArrayList<>(window); }
  @Override public void appendToWindow(List<ObservedEvent> events) { window.addAll(events); }
  @Override public void replaceWindow(List<ObservedEvent> events) { List<ObservedEvent> copy = new ArrayList<>(events); window.clear(); window.addAll(copy); }
  @Override public void clearWindow() { window.clear(); }
  @Override public Cooldown cooldown() { return cooldown; }
  @Override public void cooldown(Cooldown cooldown) { this.cooldown = cooldown; }
  @Override public ChangeDetector detector() { return detector; }
  @Override public void detector(ChangeDetector detector) { this.detector = detector; }
  @Override public boolean warned() { return warned; }
  @Override public void warned(boolean sent) { warned = sent; }
  @Override public long sinceCadence() { return sinceCadence; }
  @Override public void sinceCadence(long events) { sinceCadence = events; }
}
