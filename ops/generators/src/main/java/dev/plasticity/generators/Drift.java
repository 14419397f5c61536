package dev.plasticity.generators;

/**
 * Where a concept drift happens in a stream, in MOA's {@code ConceptDriftStream} terms.
 *
 * <p>Around {@code position} the probability that an instance comes from the new concept follows the sigmoid
 * {@code 1 / (1 + exp(-4 (t - position) / width))}, where {@code t} counts instances from 1: the {@code position}-th
 * instance is drawn from the new concept with probability 1/2, and the change takes about {@code width} instances
 * (from 12% to 88%). A width of 50 on a stream of a million instances is what the drift literature calls abrupt.
 *
 * @param position 1-based number of the instance at which the new concept has probability 1/2
 * @param width the number of instances the change takes, at least 1
 */
public record Drift(long position, int width) {

    public Drift {
        if (position < 0) {
            throw new IllegalArgumentException("a drift position is an instance count >= 0, was " + position);
        }
        if (width < 1) {
            throw new IllegalArgumentException("a drift width must be at least 1 instance, was " + width);
        }
    }
}
