package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.streamjobs.drift.SeaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

/** Watermarks per Kafka partition, driven by hand: events, a clock, periodic emits. */
class PartitionWatermarksTest {
  static final Duration BOUND = Duration.ofMillis(200);
  static final Duration IDLENESS = Duration.ofSeconds(30);
  static final SeaData.Point POINT = SeaData.iid(1, 1, SeaData.OLD_THRESHOLD, 0).get(0);

  long now;
  final List<String> emitted = new ArrayList<>();
  final WatermarkOutput output = new WatermarkOutput() {
    @Override public void emitWatermark(Watermark watermark) { emitted.add(String.valueOf(watermark.getTimestamp())); }
    @Override public void markIdle() { emitted.add("idle"); }
    @Override public void markActive() { emitted.add("active"); }
  };
  final PartitionWatermarks watermarks = new PartitionWatermarks(BOUND, IDLENESS, () -> now);

  void event(int partition, long eventTime) {
    LabelledEvent event = LabelledEvent.newBuilder(Fixtures.event("sea", 0, POINT, 1)).setEventTime(eventTime).build();
    watermarks.onEvent(new ObservedEvent(event, partition, 0), eventTime, output);
  }

  void emit(long at) {
    now = at;
    watermarks.onPeriodicEmit(output);
  }

  @Test
  void theWatermarkIsTheSlowestPartitionsHighestEventTimeLessTheBound() {
    event(0, 10_000);
    event(1, 50_000);
    event(0, 9_000); // out of order within its partition
    emit(0);
    assertEquals(List.of("9799"), emitted, "10,000 - 200 - 1: partition 0 holds it back, not partition 1's 50,000");
    event(0, 60_000);
    emit(20);
    assertEquals(List.of("9799", "49799"), emitted);
  }

  @Test
  void aPartitionWithoutEventsForTheIdlenessStopsHoldingTheWatermarkBack() {
    event(0, 10_000);
    event(1, 50_000);
    emit(0);
    for (long t = 20; t < 30_000; t += 20) {
      event(1, 50_000 + t);
      emit(t);
    }
    assertEquals("9799", emitted.get(emitted.size() - 1), "still within the idleness");
    event(1, 90_000);
    emit(30_000);
    assertEquals("89799", emitted.get(emitted.size() - 1), "partition 0 has been idle for 30 s");
  }

  @Test
  void whenEveryPartitionIsIdleTheOutputIsIdleUntilTheNextEvent() {
    event(0, 10_000);
    emit(0);
    emit(29_999);
    emit(30_000);
    emit(30_020);
    assertEquals(List.of("9799", "idle"), emitted, "marked idle once");
    event(0, 11_000);
    emit(30_040);
    assertEquals(List.of("9799", "idle", "active", "10799"), emitted);
  }

  @Test
  void aSubtaskThatNeverSeesAnEventTurnsIdleAfterTheIdleness() {
    emit(1_000);
    emit(30_999);
    assertEquals(List.of(), emitted);
    emit(31_000);
    assertEquals(List.of("idle"), emitted);
  }

  @Test
  void theWatermarkNeverGoesBack() {
    event(0, 10_000);
    emit(0);
    event(1, 5_000); // a partition first seen behind the others
    emit(20);
    assertEquals(List.of("9799"), emitted);
  }

  @Test
  void aNegativeBoundOrNoIdlenessIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PartitionWatermarks(Duration.ofMillis(-1), IDLENESS, () -> 0));
    assertThrows(IllegalArgumentException.class, () -> new PartitionWatermarks(BOUND, Duration.ZERO, () -> 0));
  }
}
