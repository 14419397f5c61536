package dev.plasticity.trainer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A limit a candidate network must stay within to be served. The trainer checks every candidate
 * against the model's constraints before training it and never trains one that violates any.
 * Immutable and thread-safe.
 */
public sealed interface Constraint permits Constraint.MaxParameters, Constraint.MaxMultiplyAdds, Constraint.MaxLatency {

  /** Why {@code figures} break this constraint, or empty when they satisfy it. */
  Optional<String> violation(CandidateFigures figures);

  /** Whether checking this constraint needs the latency measured on the serving device. */
  default boolean needsLatency() {
    return false;
  }

  /**
   * What the trainer enforces when a model's configuration names no constraints: generous limits
   * for tabular models (today's default network, 3 inputs and [32, 32], has 1,250 parameters and
   * a single-row latency in the tens of microseconds on a CPU).
   */
  public static List<Constraint> defaults() {
    return List.of(new MaxParameters(1_000_000), new MaxMultiplyAdds(1_000_000),
        new MaxLatency(Duration.ofMillis(5), Duration.ofMillis(50)));
  }

  /** At most {@code limit} trainable parameters ({@link CandidateFigures#parameters()}). */
  record MaxParameters(long limit) implements Constraint {
    public MaxParameters {
      if (limit < 1) {
        throw new IllegalArgumentException("a parameter limit must be positive, was " + limit);
      }
    }

    @Override
    public Optional<String> violation(CandidateFigures figures) {
      return figures.parameters() <= limit ? Optional.empty()
          : Optional.of(figures.parameters() + " parameters exceed the limit of " + limit);
    }
  }

  /** At most {@code limit} multiply–adds per row ({@link CandidateFigures#multiplyAdds()}). */
  record MaxMultiplyAdds(long limit) implements Constraint {
    public MaxMultiplyAdds {
      if (limit < 1) {
        throw new IllegalArgumentException("a multiply-add limit must be positive, was " + limit);
      }
    }

    @Override
    public Optional<String> violation(CandidateFigures figures) {
      return figures.multiplyAdds() <= limit ? Optional.empty()
          : Optional.of(figures.multiplyAdds() + " multiply-adds per row exceed the limit of " + limit);
    }
  }

  /**
   * Single-row inference latency on the serving device at most {@code median} at the median and
   * {@code p99} at the 99th percentile ({@link CandidateFigures#latency()}).
   */
  record MaxLatency(Duration median, Duration p99) implements Constraint {
    public MaxLatency {
      Objects.requireNonNull(median, "median");
      Objects.requireNonNull(p99, "p99");
      if (median.isNegative() || median.isZero() || p99.compareTo(median) < 0) {
        throw new IllegalArgumentException(
            "latency limits need 0 < median <= p99, were median " + median + " and p99 " + p99);
      }
    }

    @Override
    public boolean needsLatency() {
      return true;
    }

    /** @throws IllegalStateException when the latency was not measured */
    @Override
    public Optional<String> violation(CandidateFigures figures) {
      CandidateFigures.Latency measured = figures.latency().orElseThrow(() -> new IllegalStateException(
          "a latency limit needs the latency measured on the serving device; these figures have none"));
      if (measured.median().compareTo(median) > 0) {
        return Optional.of(String.format("median single-row latency %.1f µs on %s exceeds the limit of %.1f µs",
            measured.median().toNanos() / 1e3, measured.device(), median.toNanos() / 1e3));
      }
      if (measured.p99().compareTo(p99) > 0) {
        return Optional.of(String.format("p99 single-row latency %.1f µs on %s exceeds the limit of %.1f µs",
            measured.p99().toNanos() / 1e3, measured.device(), p99.toNanos() / 1e3));
      }
      return Optional.empty();
    }
  }
}
