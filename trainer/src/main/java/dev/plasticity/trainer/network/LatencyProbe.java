package dev.plasticity.trainer.network;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.plasticity.registry.client.ClassProbabilities;
import dev.plasticity.registry.client.InputLayout;
import dev.plasticity.registry.client.ModelFormat;
import dev.plasticity.schemas.Architecture;
import dev.plasticity.trainer.CandidateFigures;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Measures the single-row inference latency of an architecture on the serving device: builds and
 * initialises the network (untrained: latency does not depend on the weights) the way a consumer
 * loads it, on DJL's default device, predicts one row {@code warmUpCalls} times untimed, then
 * {@code calls} times timed, through the translator consumers use. The clock is injected, so tests
 * can give it fixed ticks. Thread-safe if the clock is.
 */
public final class LatencyProbe {
  static final int WARM_UP_CALLS = 100;
  static final int CALLS = 1000;

  private final int warmUpCalls;
  private final int calls;
  private final LongSupplier nanoTime;

  LatencyProbe(int warmUpCalls, int calls, LongSupplier nanoTime) {
    if (warmUpCalls < 0) {
      throw new IllegalArgumentException("warm-up calls must not be negative, was " + warmUpCalls);
    }
    if (calls < 1) {
      throw new IllegalArgumentException("a latency needs at least one timed call, was " + calls);
    }
    this.warmUpCalls = warmUpCalls;
    this.calls = calls;
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** 100 warm-up calls, then 1,000 timed with {@link System#nanoTime()}. */
  public static LatencyProbe standard() {
    return new LatencyProbe(WARM_UP_CALLS, CALLS, System::nanoTime);
  }

  CandidateFigures.Latency measure(Architecture architecture) {
    float[][] row = new float[1][InputLayout.of(architecture).width()];
    long[] nanos = new long[calls];
    try (Model model = ModelFormat.newModel("latency-probe", architecture);
        Predictor<float[][], float[][]> predictor = model.newPredictor(new ClassProbabilities())) {
      for (int i = 0; i < warmUpCalls; i++) {
        predictor.predict(row);
      }
      for (int i = 0; i < calls; i++) {
        long started = nanoTime.getAsLong();
        predictor.predict(row);
        nanos[i] = nanoTime.getAsLong() - started;
      }
      Arrays.sort(nanos);
      return new CandidateFigures.Latency(Duration.ofNanos(nearestRank(nanos, 0.5)),
          Duration.ofNanos(nearestRank(nanos, 0.99)), calls, model.getNDManager().getDevice().toString());
    } catch (TranslateException e) {
      throw new IllegalStateException("measuring the latency of " + ModelFormat.describe(architecture)
          + " failed: " + e.getMessage(), e);
    }
  }

  /** The smallest sample with at least {@code share} of the samples at or below it. */
  static long nearestRank(long[] sorted, double share) {
    int rank = (int) Math.ceil(share * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
