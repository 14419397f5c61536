package dev.plasticity.trainer;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What serving a candidate network would cost, known before it is trained.
 *
 * @param parameters trainable parameters: weights and biases of every linear layer, plus the scale
 *     and shift of every normalisation layer (batch normalisation's running mean and variance are
 *     state, not parameters)
 * @param multiplyAdds multiply–adds of one input row through the linear layers (inputs × outputs
 *     each); element-wise work (biases, normalisation, activations, skip additions) grows only with
 *     the widths and is not counted
 * @param latency single-row inference latency on the serving device; empty when it was not
 *     measured (no latency constraint, or a cheaper constraint had already failed)
 */
public record CandidateFigures(long parameters, long multiplyAdds, Optional<Latency> latency) {
  public CandidateFigures {
    Objects.requireNonNull(latency, "latency");
  }

  /**
   * Single-row inference latency of an initialised, untrained network.
   *
   * @param median median of the timed calls
   * @param p99 99th percentile (nearest rank) of the timed calls
   * @param calls timed calls, after the warm-up calls
   * @param device the DJL device the network ran on, e.g. {@code cpu()} or {@code gpu(0)}
   */
  public record Latency(Duration median, Duration p99, int calls, String device) {}

  @Override
  public String toString() {
    return String.format("%d parameters, %d multiply-adds%s", parameters, multiplyAdds,
        latency.map(l -> String.format(", latency median %.1f µs / p99 %.1f µs over %d calls on %s",
            l.median().toNanos() / 1e3, l.p99().toNanos() / 1e3, l.calls(), l.device())).orElse(""));
  }
}
