package dev.plasticity.streamjobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts one key's events in event-time order: an event waits until the watermark passes its event
 * time, then events are released in event-time order (arrival order among equal times). Waiting
 * events are kept in buckets of {@link #BUCKET_MILLIS} of event time, each in order, with a sorted
 * index of the buckets and one timer per key at the earliest waiting event, so the watermark's
 * advance costs what it releases, however far one partition runs ahead of another, and however
 * sparse the events are in event time. An event that arrives behind the watermark but within the
 * allowed lateness is due at once; one later than that is late (the caller dead-letters it).
 *
 * <p>The buckets, the index and the timer live in a {@link Store} (Flink state in the job, a map in
 * tests); this class keeps nothing between calls. Not thread-safe, as its store.
 */
final class EventTimeBuffer {
  /** Width in event time of a bucket of waiting events. */
  static final long BUCKET_MILLIS = 20;

  /** Where one key's waiting events are kept. Each method may throw what the state behind it throws. */
  interface Store {
    /** The bucket starting at {@code start}, in event-time order; null when there is none. */
    List<ObservedEvent> bucket(long start) throws Exception;

    void putBucket(long start, List<ObservedEvent> events) throws Exception;

    void removeBucket(long start) throws Exception;

    /** Every bucket's start, in any order (to rebuild an index that state from before it lacks). */
    Iterable<Long> bucketStarts() throws Exception;

    /** The index: the buckets' starts ascending; null when none, or not kept yet. */
    long[] index() throws Exception;

    /** Replaces the index; null clears it. */
    void index(long[] starts) throws Exception;

    /** The earliest timer set for waiting events that has not fired yet, or null. */
    Long timer() throws Exception;

    /** Records the timer; null clears it. */
    void timer(Long time) throws Exception;
  }

  /**
   * What {@link #admit} made of a batch.
   *
   * @param late events further behind the watermark than the allowed lateness, in arrival order
   * @param due events behind the watermark but within the allowed lateness, to take at once
   * @param timer a time to set an event-time timer at, or null when the one set already does
   */
  record Admission(List<ObservedEvent> late, List<ObservedEvent> due, Long timer) {}

  /**
   * What {@link #release} took.
   *
   * @param taken the events at or before the watermark, in event-time order
   * @param timer a time to set an event-time timer at, or null when nothing is waiting
   */
  record Release(List<ObservedEvent> taken, Long timer) {}

  private final long allowedLatenessMillis;

  EventTimeBuffer(long allowedLatenessMillis) {
    if (allowedLatenessMillis < 0) {
      throw new IllegalArgumentException("allowedLatenessMillis must be >= 0, got " + allowedLatenessMillis);
    }
    this.allowedLatenessMillis = allowedLatenessMillis;
  }

  long allowedLatenessMillis() {
    return allowedLatenessMillis;
  }

  /**
   * A batch of the key's events, each handled as it would be alone: late ones and ones within the
   * allowed lateness returned, the rest put into their bucket. Each bucket the batch touches is
   * read and written once; a timer is asked for only when an event is earlier than every waiting one.
   */
  Admission admit(List<ObservedEvent> batch, long watermark, Store store) throws Exception {
    List<ObservedEvent> late = List.of();
    List<ObservedEvent> due = List.of();
    Map<Long, List<ObservedEvent>> touched = new HashMap<>();
    List<Long> newBuckets = new ArrayList<>();
    long earliest = Long.MAX_VALUE;
    // a batch is one partition's events, mostly in event-time order: runs of them share a bucket,
    // found once per run rather than by a boxed key per event
    long lastBucket = 0;
    List<ObservedEvent> waiting = null;
    for (ObservedEvent event : batch) {
      long time = event.eventTime();
      if (watermark != Long.MIN_VALUE && time <= watermark - allowedLatenessMillis) {
        late = late.isEmpty() ? new ArrayList<>() : late;
        late.add(event);
        continue;
      }
      if (time <= watermark) { // late, but within the allowed lateness: take it now
        due = due.isEmpty() ? new ArrayList<>() : due;
        due.add(event);
        continue;
      }
      long bucket = bucketOf(time);
      if (waiting == null || bucket != lastBucket) {
        lastBucket = bucket;
        waiting = touched.get(bucket);
        if (waiting == null) {
          waiting = store.bucket(bucket);
          if (waiting == null) {
            waiting = new ArrayList<>();
            newBuckets.add(bucket);
          }
          touched.put(bucket, waiting);
        }
      }
      // each bucket stays in event-time order, arrival order among equal times; events mostly come in order
      int at = waiting.size();
      while (at > 0 && waiting.get(at - 1).eventTime() > time) {
        at--;
      }
      waiting.add(at, event);
      earliest = Math.min(earliest, time);
    }
    // the index before the new buckets are stored: rebuilt after, it would hold them twice
    long[] index = newBuckets.isEmpty() ? null : index(store);
    for (Map.Entry<Long, List<ObservedEvent>> bucket : touched.entrySet()) {
      store.putBucket(bucket.getKey(), bucket.getValue());
    }
    if (!newBuckets.isEmpty()) {
      store.index(withBuckets(index, newBuckets));
    }
    return new Admission(late, due, earliest == Long.MAX_VALUE ? null : timerBy(earliest, store));
  }

  /**
   * The watermark passed the earliest waiting event (a timer fired at {@code timerTime}): takes
   * every waiting event at or before the watermark, bucket by bucket in the index's order and in
   * order within each, and asks for a timer at the earliest of the rest. A bucket keeps events only
   * while the watermark is before its end, so the first bucket left holds the earliest waiting
   * event. A timer set before an earlier one (its events taken already) finds nothing due, or fewer.
   */
  Release release(long timerTime, long watermark, Store store) throws Exception {
    Long set = store.timer();
    if (set != null && set <= timerTime) {
      store.timer(null); // this is the timer set last
    }
    long[] starts = index(store);
    List<ObservedEvent> taken = new ArrayList<>();
    int emptied = 0;
    while (emptied < starts.length && starts[emptied] <= watermark) {
      long bucket = starts[emptied];
      List<ObservedEvent> waiting = store.bucket(bucket);
      int due = 0;
      while (waiting != null && due < waiting.size() && waiting.get(due).eventTime() <= watermark) {
        due++;
      }
      if (waiting != null && due < waiting.size()) { // the watermark is inside this bucket
        taken.addAll(waiting.subList(0, due));
        store.putBucket(bucket, new ArrayList<>(waiting.subList(due, waiting.size())));
        break;
      }
      if (waiting != null) {
        taken.addAll(waiting);
        store.removeBucket(bucket);
      }
      emptied++;
    }
    Long timer = null;
    if (emptied == starts.length) {
      store.index(null);
    } else {
      if (emptied > 0 || store.index() == null) {
        store.index(Arrays.copyOfRange(starts, emptied, starts.length));
      }
      timer = timerBy(store.bucket(starts[emptied]).get(0).eventTime(), store);
    }
    return new Release(taken, timer);
  }

  static long bucketOf(long time) {
    return Math.floorDiv(time, BUCKET_MILLIS) * BUCKET_MILLIS;
  }

  /** The time to set a timer at so that one fires once the watermark reaches {@code time}; null when one is set by then. */
  private static Long timerBy(long time, Store store) throws Exception {
    Long set = store.timer();
    if (set == null || time < set) {
      store.timer(time);
      return time;
    }
    return null;
  }

  /** The index of waiting buckets; rebuilt from the buckets themselves for state kept before it. */
  private static long[] index(Store store) throws Exception {
    long[] starts = store.index();
    if (starts != null) {
      return starts;
    }
    List<Long> keys = new ArrayList<>();
    store.bucketStarts().forEach(keys::add);
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
}
