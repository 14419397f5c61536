package dev.plasticity.streamjobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Groups consecutive events of one model into a list before the shuffle to the drift operator, so
 * that what Flink pays per record (serialising, routing by key, the keyed operator's dispatch and
 * state lookups) is paid per batch rather than per event. At a few million events a second that
 * per-record cost, not the drift tests, bounds the job.
 *
 * <p>A batch never crosses a watermark or a checkpoint barrier: the open batches are emitted
 * before each watermark or watermark status is forwarded, before each barrier, at the end of the
 * input, when one holds {@code maxEvents}, and at the latest {@code maxDelayMillis} of processing
 * time after its first event. So the drift operator sees every event before the watermark of its
 * own channel that followed it, as without batching; a batch adds no delay to an event that waits
 * for the watermark anyway; and this operator keeps no state. An event behind the watermark
 * arrives up to that delay later than it would alone, while other channels may move the
 * operator's watermark on: like network jitter, that can turn an event within the allowed
 * lateness into one beyond it. A batch carries its latest event time as its timestamp.
 */
final class BatchByModel extends AbstractStreamOperator<List<ObservedEvent>>
    implements OneInputStreamOperator<ObservedEvent, List<ObservedEvent>>, BoundedOneInput {
  private static final long serialVersionUID = 1L;

  /** The most events a batch holds, as the job runs it. */
  static final int DEFAULT_MAX_EVENTS = 128;
  /** The longest, in processing-time milliseconds, an event waits in a batch, as the job runs it. */
  static final long DEFAULT_MAX_DELAY_MILLIS = 100;

  private final int maxEvents;
  private final long maxDelayMillis;
  /** Open batches by model, in the order they were opened. */
  private transient Map<String, List<ObservedEvent>> open;
  private transient boolean flushScheduled;

  BatchByModel(int maxEvents, long maxDelayMillis) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents must be >= 1, got " + maxEvents);
    }
    if (maxDelayMillis < 1) {
      throw new IllegalArgumentException("maxDelayMillis must be >= 1, got " + maxDelayMillis);
    }
    this.maxEvents = maxEvents;
    this.maxDelayMillis = maxDelayMillis;
  }

  @Override
  public void open() throws Exception {
    super.open();
    open = new LinkedHashMap<>();
  }

  @Override
  public void processElement(StreamRecord<ObservedEvent> record) {
    ObservedEvent event = record.getValue();
    List<ObservedEvent> batch = open.get(event.model());
    if (batch == null) {
      batch = new ArrayList<>(Math.min(maxEvents, 64));
      open.put(event.model(), batch);
    }
    batch.add(event);
    if (batch.size() >= maxEvents) {
      open.remove(event.model());
      emit(batch);
    }
    if (!flushScheduled && !open.isEmpty()) {
      flushScheduled = true;
      long now = getProcessingTimeService().getCurrentProcessingTime();
      getProcessingTimeService().registerTimer(now + maxDelayMillis, time -> {
        flushScheduled = false;
        flush();
      });
    }
  }

  private void emit(List<ObservedEvent> batch) {
    long latest = Long.MIN_VALUE;
    for (ObservedEvent event : batch) {
      latest = Math.max(latest, event.eventTime());
    }
    output.collect(new StreamRecord<>(batch, latest));
  }

  /** Emits every open batch. */
  private void flush() {
    if (open.isEmpty()) {
      return;
    }
    for (List<ObservedEvent> batch : open.values()) {
      emit(batch);
    }
    open.clear();
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void processWatermarkStatus(WatermarkStatus status) throws Exception {
    flush();
    super.processWatermarkStatus(status);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void endInput() {
    flush();
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }
}
