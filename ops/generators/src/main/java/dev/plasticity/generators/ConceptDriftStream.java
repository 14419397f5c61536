package dev.plasticity.generators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Drift from one concept to another at a chosen position: each instance comes from the new concept with a
 * probability that rises along a sigmoid centred on {@code position} (see {@link Drift}), and from the old concept
 * otherwise. A narrow width gives abrupt drift, a wide one gradual drift.
 *
 * <p>Equal, instance for instance, to MOA's {@code moa.streams.ConceptDriftStream} (Bifet, Holmes, Pfahringer,
 * Kirkby and Gavaldà, "New ensemble methods for evolving data streams", KDD 2009) with the same streams, position,
 * width and seed: one {@code nextDouble()} of its own seeded {@link Random} per instance decides which stream gives
 * it, and only that stream advances.
 *
 * <p>Several drifts are drift streams nested in the {@code driftStream} argument, as in MOA; {@link #chain} builds the
 * nesting from absolute positions. A nested stream counts only the instances it produced itself, so its position is
 * relative to the start of the outer stream's drift; {@link #drifts()} reports positions on the outer stream's count,
 * which are exact for the outer drift and exact in expectation for nested ones (the random sigmoid makes the nested
 * stream's count wander by a few times the square root of the outer width).
 *
 * <p>Not thread-safe.
 */
final class ConceptDriftStream implements StreamGenerator {

    /** MOA's default {@code width}. */
    static final int DEFAULT_WIDTH = 1000;
    /** MOA's default {@code randomSeed}. */
    static final long DEFAULT_SEED = 1;

    private final StreamGenerator stream;
    private final StreamGenerator driftStream;
    private final long position;
    private final int width;
    private final Random random;
    private long count;

    /**
     * @param stream the concept before the drift (MOA's {@code -s})
     * @param driftStream the concept after the drift, possibly itself a {@code ConceptDriftStream} (MOA's {@code -d});
     *     it must have the same attributes and number of classes as {@code stream}
     * @param position the 1-based instance at which the new concept has probability 1/2, at least 0 (MOA's
     *     {@code -p})
     * @param width the number of instances the change takes, at least 1 (MOA's {@code -w})
     * @param randomSeed the seed of the choice between the two streams (MOA's {@code -r}, an int there)
     */
    ConceptDriftStream(StreamGenerator stream, StreamGenerator driftStream, long position, int width,
            long randomSeed) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.driftStream = Objects.requireNonNull(driftStream, "driftStream");
        if (!stream.attributes().equals(driftStream.attributes())
                || stream.numClasses() != driftStream.numClasses()) {
            throw new IllegalArgumentException("a drift joins streams with the same attributes and classes, got "
                    + stream.attributes() + " with " + stream.numClasses() + " classes and "
                    + driftStream.attributes() + " with " + driftStream.numClasses() + " classes");
        }
        new Drift(position, width); // validates both
        this.position = position;
        this.width = width;
        this.random = new Random(randomSeed);
    }

    /**
     * Drift through several concepts: {@code concepts.get(0)} until {@code positions.get(0)}, then
     * {@code concepts.get(1)} until {@code positions.get(1)}, and so on, every change {@code width} instances wide.
     *
     * <p>Builds MOA's nesting: the drift stream of each level is the next level, at position
     * {@code positions[i] - positions[i - 1]} (see the class comment), and every level uses {@code randomSeed}, as MOA
     * command lines that leave {@code -r} at its default do. Drifts at 250,000, 500,000 and 750,000 thus give MOA's
     * usual {@code -p 250000} at every level.
     *
     * @param concepts at least two streams with the same attributes and classes
     * @param positions one absolute position per change, strictly increasing, {@code concepts.size() - 1} of them
     * @param width the width of every change, at least 1
     * @param randomSeed the seed of every level's choice between its streams
     */
    static ConceptDriftStream chain(List<? extends StreamGenerator> concepts, List<Long> positions, int width,
            long randomSeed) {
        if (concepts.size() < 2) {
            throw new IllegalArgumentException("a drift needs at least two concepts, got " + concepts.size());
        }
        if (positions.size() != concepts.size() - 1) {
            throw new IllegalArgumentException("one position per change: " + concepts.size() + " concepts need "
                    + (concepts.size() - 1) + " positions, got " + positions.size());
        }
        for (int i = 1; i < positions.size(); i++) {
            if (positions.get(i) <= positions.get(i - 1)) {
                throw new IllegalArgumentException("drift positions must increase strictly, got " + positions);
            }
        }
        int last = concepts.size() - 1;
        StreamGenerator tail = concepts.get(last);
        for (int i = last - 1; i >= 0; i--) {
            long relative = positions.get(i) - (i == 0 ? 0 : positions.get(i - 1));
            tail = new ConceptDriftStream(concepts.get(i), tail, relative, width, randomSeed);
        }
        return (ConceptDriftStream) tail;
    }

    /**
     * The drifts of this stream on its own instance count: its own, and those nested in the drift stream shifted by
     * this stream's position (exact in expectation; see the class comment). Drifts of a nested first stream are
     * reported unshifted, which is right only while they lie well before this stream's position.
     */
    public List<Drift> drifts() {
        List<Drift> drifts = new ArrayList<>();
        if (stream instanceof ConceptDriftStream before) {
            drifts.addAll(before.drifts());
        }
        drifts.add(new Drift(position, width));
        if (driftStream instanceof ConceptDriftStream after) {
            for (Drift d : after.drifts()) {
                drifts.add(new Drift(position + d.position(), d.width()));
            }
        }
        return Collections.unmodifiableList(drifts);
    }

    @Override
    public List<Attribute> attributes() {
        return stream.attributes();
    }

    @Override
    public int numClasses() {
        return stream.numClasses();
    }

    @Override
    public Instance next() {
        count++;
        double x = -4.0 * (double) (count - position) / (double) width;
        double probabilityNew = 1.0 / (1.0 + Math.exp(x));
        return random.nextDouble() > probabilityNew ? stream.next() : driftStream.next();
    }
}
