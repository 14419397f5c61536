package dev.plasticity.streamjobs;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks for a stream without event time (model versions): always the end of time, so the
 * stream never holds back the watermark of an operator it is connected to.
 */
final class EndOfTimeWatermarks<T> implements WatermarkGenerator<T> {
  private boolean emitted;

  @Override
  public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
    onPeriodicEmit(output);
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    if (!emitted) {
      output.emitWatermark(new Watermark(Long.MAX_VALUE));
      emitted = true;
    }
  }
}
