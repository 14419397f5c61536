package dev.plasticity.streamjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plasticity.schemas.LabelledEvent;
import dev.plasticity.streamjobs.drift.SeaData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When batches close, checked through Flink's operator harness. */
class BatchByModelTest {
  OneInputStreamOperatorTestHarness<ObservedEvent, List<ObservedEvent>> harness;
  int next;

  @BeforeEach
  void open() throws Exception {
    harness = new OneInputStreamOperatorTestHarness<>(new BatchByModel(3, 100));
    harness.setProcessingTime(0);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  void send(String model) throws Exception {
    int i = next++;
    LabelledEvent event = Fixtures.event(model, i, SeaData.iid(i, 1, SeaData.OLD_THRESHOLD, 0).get(0), 1);
    harness.processElement(new ObservedEvent(event, 0, i), event.getEventTime());
  }

  /** The output so far: a batch as its events' offsets per model, a watermark as "W<time>", a status by name. */
  List<String> output() {
    List<String> seen = new ArrayList<>();
    ConcurrentLinkedQueue<Object> queue = harness.getOutput();
    for (Object o : queue) {
      if (o instanceof Watermark w) {
        seen.add("W" + w.getTimestamp());
      } else if (o instanceof WatermarkStatus status) {
        seen.add(status.isIdle() ? "IDLE" : "ACTIVE");
      } else {
        @SuppressWarnings("unchecked")
        List<ObservedEvent> batch = ((StreamRecord<List<ObservedEvent>>) o).getValue();
        seen.add(batch.get(0).model() + batch.stream().map(ObservedEvent::offset).toList());
      }
    }
    return seen;
  }

  @Test
  void aBatchHoldsOneModelsEventsAndClosesWhenFull() throws Exception {
    send("a");
    send("b");
    send("a");
    send("a");
    assertEquals(List.of("a[0, 2, 3]"), output());
  }

  @Test
  void everyOpenBatchIsEmittedBeforeTheWatermarkThatFollowsItsEvents() throws Exception {
    send("a");
    send("b");
    harness.processWatermark(new Watermark(7));
    send("a");
    assertEquals(List.of("a[0]", "b[1]", "W7"), output());
  }

  @Test
  void checkpointBarriersTheEndOfInputAndTheDelayCloseBatches() throws Exception {
    send("a");
    harness.prepareSnapshotPreBarrier(1);
    send("b");
    harness.setProcessingTime(99);
    assertEquals(List.of("a[0]"), output(), "b waits less than the delay");
    harness.setProcessingTime(100);
    send("a");
    harness.endInput();
    assertEquals(List.of("a[0]", "b[1]", "a[2]"), output());
  }

  @Test
  void anIdleStatusClosesBatchesFirstAndABatchCarriesItsLatestEventTime() throws Exception {
    send("a");
    send("a");
    harness.processWatermarkStatus(WatermarkStatus.IDLE);
    assertEquals(List.of("a[0, 1]", "IDLE"), output());
    @SuppressWarnings("unchecked")
    StreamRecord<List<ObservedEvent>> batch = (StreamRecord<List<ObservedEvent>>) harness.getOutput().peek();
    assertEquals(Fixtures.T0 + 100L, batch.getTimestamp());
  }

  @Test
  void refusesNonsenseBounds() {
    assertThrows(IllegalArgumentException.class, () -> new BatchByModel(0, 100));
    assertThrows(IllegalArgumentException.class, () -> new BatchByModel(10, 0));
  }
}
