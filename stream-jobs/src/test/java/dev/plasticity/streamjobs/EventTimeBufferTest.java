package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.streamjobs.drift.SeaData;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-time reorder buffer on its own, over a store in memory. */
class EventTimeBufferTest {
  final MemoryState store = new MemoryState();
  final SeaData.Point point = SeaData.iid(1, 1, SeaData.OLD_THRESHOLD, 0).get(0);

  /** An event at {@code T0 + millis}, at offset {@code offset}. */
  ObservedEvent at(long millis, long offset) {
    LabelledEvent event = Fixtures.event("m", (int) offset, point, 1);
    event.setEventTime(Fixtures.T0 + millis);
    return new ObservedEvent(event, 0, offset);
  }

  static List<Long> offsets(List<ObservedEvent> events) {
    return events.stream().map(ObservedEvent::offset).toList();
  }

  @Test
  void eventsWaitForTheWatermarkAndLeaveInEventTimeOrderArrivalOrderAmongEqualTimes() throws Exception {
    EventTimeBuffer buffer = new EventTimeBuffer(0);
    EventTimeBuffer.Admission admitted = buffer.admit(List.of(at(50, 0), at(10, 1), at(30, 2), at(10, 3), at(90, 4)),
        Fixtures.T0, store);
    assertEquals(List.of(), admitted.late());
    assertEquals(List.of(), admitted.due());
    assertEquals(Fixtures.T0 + 10, admitted.timer(), "one timer, at the earliest waiting event");

    EventTimeBuffer.Release first = buffer.release(Fixtures.T0 + 10, Fixtures.T0 + 50, store);
    assertEquals(List.of(1L, 3L, 2L, 0L), offsets(first.taken()));
    assertEquals(Fixtures.T0 + 90, first.timer(), "the next timer, at the earliest event still waiting");
    EventTimeBuffer.Release rest = buffer.release(Fixtures.T0 + 90, Fixtures.T0 + 90, store);
    assertEquals(List.of(4L), offsets(rest.taken()));
    assertNull(rest.timer(), "nothing waits");
    assertEquals(0, store.buckets.size());
    assertNull(store.index);
  }

  @Test
  void anEventBehindTheWatermarkIsDueAtOnceWithinTheAllowedLatenessAndLateBeyondIt() throws Exception {
    EventTimeBuffer buffer = new EventTimeBuffer(1_000);
    long watermark = Fixtures.T0 + 5_000;
    EventTimeBuffer.Admission admitted = buffer.admit(List.of(at(4_500, 0), at(3_000, 1), at(4_000, 2), at(6_000, 3)),
        watermark, store);
    assertEquals(List.of(0L), offsets(admitted.due()), "500 ms behind: within the allowed second");
    assertEquals(List.of(1L, 2L), offsets(admitted.late()), "a second or more behind: late");
    assertEquals(Fixtures.T0 + 6_000, admitted.timer());
  }

  @Test
  void aTimerIsAskedForOnlyWhenAnEventIsEarlierThanEveryWaitingOne() throws Exception {
    EventTimeBuffer buffer = new EventTimeBuffer(0);
    assertEquals(Fixtures.T0 + 100, buffer.admit(List.of(at(100, 0)), Fixtures.T0, store).timer());
    assertNull(buffer.admit(List.of(at(200, 1), at(150, 2)), Fixtures.T0, store).timer());
    assertEquals(Fixtures.T0 + 40, buffer.admit(List.of(at(40, 3)), Fixtures.T0, store).timer());
    assertEquals(Fixtures.T0 + 40, store.timer);
  }

  @Test
  void aTimerSetBeforeAnEarlierOneFindsNothingDueAndKeepsTheLaterTimer() throws Exception {
    EventTimeBuffer buffer = new EventTimeBuffer(0);
    buffer.admit(List.of(at(100, 0)), Fixtures.T0, store);
    buffer.admit(List.of(at(40, 1)), Fixtures.T0, store); // timers at 100 and at 40
    EventTimeBuffer.Release atForty = buffer.release(Fixtures.T0 + 40, Fixtures.T0 + 100, store);
    assertEquals(List.of(1L, 0L), offsets(atForty.taken()));
    EventTimeBuffer.Release atHundred = buffer.release(Fixtures.T0 + 100, Fixtures.T0 + 100, store);
    assertEquals(List.of(), atHundred.taken());
    assertNull(atHundred.timer());
  }

  @Test
  void stateKeptBeforeTheBucketIndexExistedIsReleasedInOrder() throws Exception {
    EventTimeBuffer buffer = new EventTimeBuffer(0);
    buffer.admit(List.of(at(100, 0), at(20, 1), at(60, 2)), Fixtures.T0, store);
    store.index = null; // as checkpoints from before the index hold it
    assertEquals(List.of(1L, 2L, 0L), offsets(buffer.release(Fixtures.T0 + 20, Fixtures.T0 + 100, store).taken()));
  }

  @Test
  void aWatermarkInsideABucketTakesOnlyItsEarlierEvents() throws Exception {
    EventTimeBuffer buffer = new EventTimeBuffer(0);
    buffer.admit(List.of(at(1, 0), at(5, 1), at(15, 2)), Fixtures.T0, store); // one 20 ms bucket
    EventTimeBuffer.Release released = buffer.release(Fixtures.T0 + 1, Fixtures.T0 + 5, store);
    assertEquals(List.of(0L, 1L), offsets(released.taken()));
    assertEquals(Fixtures.T0 + 15, released.timer());
    assertArrayEquals(new long[] {EventTimeBuffer.bucketOf(Fixtures.T0)}, store.index, Arrays.toString(store.index) + " " + store.buckets.keySet());
  }

  @Test
  void theBucketIndexStaysSortedWhateverOrderBucketsComeIn() {
    assertEquals("[]", Arrays.toString(EventTimeBuffer.withBuckets(new long[0], List.of())));
    assertEquals("[20, 40, 60, 80]", Arrays.toString(EventTimeBuffer.withBuckets(new long[] {20, 40}, List.of(80L, 60L))));
    assertEquals("[0, 20, 40, 60, 80, 100]",
        Arrays.toString(EventTimeBuffer.withBuckets(new long[] {20, 60, 80}, List.of(100L, 0L, 40L))));
    assertEquals("[-40, -20, 0]", Arrays.toString(EventTimeBuffer.withBuckets(new long[] {0}, List.of(-20L, -40L))));
  }

  @Test
  void aNegativeAllowedLatenessIsRefusedWithTheRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EventTimeBuffer(-1));
    assertEquals("allowedLatenessMillis must be >= 0, got -1", e.getMessage());
  }
}
