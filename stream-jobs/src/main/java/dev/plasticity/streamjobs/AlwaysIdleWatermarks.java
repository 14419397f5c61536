package dev.plasticity.streamjobs;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks for a stream without event time (model versions): none, and the stream is marked
 * idle on every event and every periodic emit (so the job's watermark interval must be set, as
 * {@code DriftJobOptions} makes sure), so it does not hold back the watermark of an operator it is
 * connected to, beyond the first interval after a start, and never moves it either; the other
 * input's watermark is the operator's.
 *
 * <p>Not a watermark at the end of time: when the other input went idle (no events for {@code
 * sourceIdleness}), Flink would take that one as the operator's watermark, fire every timer and
 * judge every later event late.
 */
final class AlwaysIdleWatermarks<T> implements WatermarkGenerator<T> {
  @Override
  public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
    output.markIdle();
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    output.markIdle();
  }
}
