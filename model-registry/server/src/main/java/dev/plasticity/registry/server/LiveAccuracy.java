package dev.plasticity.registry.server;

import dev.plasticity.schemas.LiveOutcome;
import dev.plasticity.schemas.VersionOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Live accuracy of every version of a model, per bucket of event time: of the labelled events in a
 * bucket that a version scored, the share it got right. Fed one {@link LiveOutcome} at a time (an
 * event whose label met every version that scored it); a late label lands in its event's bucket.
 * Each model keeps its newest {@code bucketsKept} buckets, and at most {@code maxModels} models are
 * kept (the one whose outcomes arrived least recently is forgotten first). Thread-safe.
 *
 * <pre>{@code
 * LiveAccuracy accuracy = new LiveAccuracy(Duration.ofMinutes(1), 360, 1000);
 * accuracy.add(outcome);
 * List<LiveAccuracy.Series> series = accuracy.series("fraud"); // one per version, oldest bucket first
 * }</pre>
 */
final class LiveAccuracy {
  /** One bucket of one version: {@code events} it scored in {@code [start, start + bucket)}, {@code correct} of them right. */
  record Point(long start, long events, long correct, long served) {
    /** correct / events. */
    double accuracy() {
      return (double) correct / events;
    }
  }

  /** One version's buckets, oldest first. */
  record Series(int version, List<Point> points) {}

  private static final class Tally {
    long events;
    long correct;
    long served;
  }

  private final long bucketMillis;
  private final int bucketsKept;
  private final int maxModels;
  /** model -> bucket start -> version -> tally. */
  private final Map<String, TreeMap<Long, TreeMap<Integer, Tally>>> byModel;

  /**
   * @param bucket the width of a bucket of event time, at least 1 ms
   * @param bucketsKept how many of a model's newest buckets are kept, at least 1
   * @param maxModels how many models are kept, at least 1
   */
  LiveAccuracy(Duration bucket, int bucketsKept, int maxModels) {
    Objects.requireNonNull(bucket, "bucket");
    if (bucket.toMillis() < 1) {
      throw new IllegalArgumentException("a bucket is at least 1 ms, got " + bucket);
    }
    if (bucketsKept < 1) {
      throw new IllegalArgumentException("bucketsKept must be at least 1, got " + bucketsKept);
    }
    if (maxModels < 1) {
      throw new IllegalArgumentException("maxModels must be at least 1, got " + maxModels);
    }
    this.bucketMillis = bucket.toMillis();
    this.bucketsKept = bucketsKept;
    this.maxModels = maxModels;
    this.byModel = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TreeMap<Long, TreeMap<Integer, Tally>>> eldest) {
        return size() > LiveAccuracy.this.maxModels;
      }
    };
  }

  /** The width of a bucket, in milliseconds. */
  long bucketMillis() {
    return bucketMillis;
  }

  /**
   * Counts every version's outcome for the event in its event-time bucket. A bucket older than the
   * model's kept ones is not counted.
   *
   * @throws IllegalArgumentException when the outcome breaks the record's rules (no model, a
   *     negative event time, no versions, a version below 1, one version twice); nothing is counted then
   */
  synchronized void add(LiveOutcome outcome) {
    check(outcome);
    String model = outcome.getModel();
    TreeMap<Long, TreeMap<Integer, Tally>> buckets = byModel.remove(model); // re-inserted: the most recent model
    if (buckets == null) {
      buckets = new TreeMap<>();
    }
    byModel.put(model, buckets);
    long start = Math.floorDiv(outcome.getEventTime(), bucketMillis) * bucketMillis;
    if (buckets.size() >= bucketsKept && start < buckets.firstKey()) {
      return; // older than everything kept
    }
    TreeMap<Integer, Tally> versions = buckets.computeIfAbsent(start, s -> new TreeMap<>());
    for (VersionOutcome scored : outcome.getOutcomes()) {
      Tally tally = versions.computeIfAbsent(scored.getVersion(), v -> new Tally());
      tally.events++;
      if (scored.getCorrect()) {
        tally.correct++;
      }
      if (scored.getServed()) {
        tally.served++;
      }
    }
    while (buckets.size() > bucketsKept) {
      buckets.pollFirstEntry();
    }
  }

  /** {@code model}'s series, one per version in version order, each oldest bucket first; empty when none arrived. */
  synchronized List<Series> series(String model) {
    TreeMap<Long, TreeMap<Integer, Tally>> buckets = byModel.get(model);
    if (buckets == null) {
      return List.of();
    }
    TreeMap<Integer, List<Point>> byVersion = new TreeMap<>();
    buckets.forEach((start, versions) -> versions.forEach((version, tally) -> byVersion
        .computeIfAbsent(version, v -> new ArrayList<>())
        .add(new Point(start, tally.events, tally.correct, tally.served))));
    List<Series> series = new ArrayList<>();
    byVersion.forEach((version, points) -> series.add(new Series(version, List.copyOf(points))));
    return List.copyOf(series);
  }

  private static void check(LiveOutcome outcome) {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome.getModel() == null || outcome.getModel().isEmpty()) {
      throw new IllegalArgumentException("a live outcome names its model");
    }
    if (outcome.getEventTime() < 0) {
      throw new IllegalArgumentException("a live outcome's eventTime is epoch millis, at least 0, got "
          + outcome.getEventTime());
    }
    if (outcome.getOutcomes() == null || outcome.getOutcomes().isEmpty()) {
      throw new IllegalArgumentException("a live outcome lists at least one version that scored the event");
    }
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (VersionOutcome scored : outcome.getOutcomes()) {
      if (scored.getVersion() < 1) {
        throw new IllegalArgumentException("a live outcome's versions are at least 1, got " + scored.getVersion());
      }
      if (!seen.add(scored.getVersion())) {
        throw new IllegalArgumentException("a live outcome lists version " + scored.getVersion() + " twice");
      }
    }
  }
}
