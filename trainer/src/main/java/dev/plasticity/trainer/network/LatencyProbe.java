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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  /**
   * The latency of {@code architecture}; a network with early exits is measured at full depth
   * (every row through every layer and head), the most a row costs.
   */
  CandidateFigures.Latency measure(Architecture architecture) {
    Architecture measured = architecture.getEarlyExits()
        ? Architecture.newBuilder(architecture).setExitConfidence(ExitCalibration.FULL_DEPTH).build() : architecture;
    Samples samples = samples(measured);
    return new CandidateFigures.Latency(Duration.ofNanos(nearestRank(samples.nanos(), 0.5)),
        Duration.ofNanos(nearestRank(samples.nanos(), 0.99)), calls, samples.device());
  }

  /**
   * The latency of a network with early exits expected over where its rows leave: each exit with a
   * share is timed on its own (exit 0 as the network with a threshold of 0, so every row leaves
   * there; the last at full depth; an exit between as the network cut after that layer, run to its
   * end), and the median and 99th percentile are those of the mixture of the timings, each exit's
   * weighted by its share.
   */
  CandidateFigures.Latency measure(Architecture architecture, ExitShares shares) {
    shares.checkFits(architecture);
    int exits = shares.shares().size();
    List<long[]> timings = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    String device = "";
    int timed = 0;
    for (int k = 0; k < exits; k++) {
      double share = shares.shares().get(k);
      if (share <= 0) {
        continue;
      }
      Samples samples = samples(exitingAt(architecture, k));
      timings.add(samples.nanos());
      weights.add(share);
      device = samples.device();
      timed += calls;
    }
    return new CandidateFigures.Latency(Duration.ofNanos(weightedRank(timings, weights, 0.5)),
        Duration.ofNanos(weightedRank(timings, weights, 0.99)), timed, device);
  }

  /** A network that does, for every row, the work of a row of {@code architecture} leaving at exit {@code k}. */
  static Architecture exitingAt(Architecture architecture, int k) {
    int last = architecture.getHiddenUnits().size() - 1;
    if (k == 0) {
      return Architecture.newBuilder(architecture).setExitConfidence(0.0).build();
    }
    Architecture.Builder cut = Architecture.newBuilder(architecture).setExitConfidence(ExitCalibration.FULL_DEPTH);
    if (k < last) {
      cut.setHiddenUnits(List.copyOf(architecture.getHiddenUnits().subList(0, k + 1)));
    }
    return cut.build();
  }

  private record Samples(long[] nanos, String device) {}

  /** {@code calls} timed single-row predictions after the warm-up, sorted. */
  private Samples samples(Architecture architecture) {
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
      return new Samples(nanos, model.getNDManager().getDevice().toString());
    } catch (TranslateException e) {
      throw new IllegalStateException("measuring the latency of " + ModelFormat.describe(architecture)
          + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The smallest timing with at least {@code share} of the mixture's weight at or below it, where
   * each timing of {@code timings.get(i)} weighs {@code weights.get(i)} / its count.
   */
  static long weightedRank(List<long[]> timings, List<Double> weights, double share) {
    List<double[]> all = new ArrayList<>();
    double total = 0;
    for (int i = 0; i < timings.size(); i++) {
      double weight = weights.get(i) / timings.get(i).length;
      for (long t : timings.get(i)) {
        all.add(new double[] {t, weight});
      }
      total += weights.get(i);
    }
    all.sort((a, b) -> Double.compare(a[0], b[0]));
    double cumulative = 0;
    for (double[] timing : all) {
      cumulative += timing[1];
      if (cumulative >= share * total - 1e-12) {
        return (long) timing[0];
      }
    }
    return (long) all.get(all.size() - 1)[0];
  }

  /** The smallest sample with at least {@code share} of the samples at or below it. */
  static long nearestRank(long[] sorted, double share) {
    int rank = (int) Math.ceil(share * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
