package dev.plasticity.generators;

import java.util.List;
import java.util.Objects;

/**
 * A named stream of known length with the drifts a detector should find in it, for scoring detectors.
 *
 * <p>The record is immutable but the stream it holds is not: every factory call builds a fresh stream, so ask the
 * factory again (for example {@link ArfStreams#byName}) for a second pass.
 *
 * @param name the stream's name in the paper it comes from, e.g. {@code SEA_a}
 * @param stream the generator, positioned at its first instance
 * @param numInstances how many instances the benchmark draws
 * @param driftType what kind of drift the stream has
 * @param drifts the drifts, by position on the stream's 1-based instance count; empty for incremental drift, which
 *     has no position
 */
public record BenchmarkStream(String name, StreamGenerator stream, long numInstances, DriftType driftType,
        List<Drift> drifts) {

    /** How the concept changes. */
    public enum DriftType {
        /** The concept switches within a few dozen instances. */
        ABRUPT,
        /** The old and new concepts alternate over many thousands of instances. */
        GRADUAL,
        /** The concept moves a little after every instance. */
        INCREMENTAL
    }

    public BenchmarkStream {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(driftType, "driftType");
        drifts = List.copyOf(drifts);
        if (numInstances < 1) {
            throw new IllegalArgumentException("a benchmark stream needs at least one instance, was " + numInstances);
        }
        if ((driftType == DriftType.INCREMENTAL) != drifts.isEmpty()) {
            throw new IllegalArgumentException(
                    "incremental drift has no positions and abrupt or gradual drift has some; got " + driftType
                            + " with " + drifts);
        }
    }
}
