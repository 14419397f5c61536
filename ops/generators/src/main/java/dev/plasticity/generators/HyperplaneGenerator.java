package dev.plasticity.generators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The rotating hyperplane: attributes uniform in [0, 1), class 1 when {@code sum(w_i x_i) >= sum(w_i) / 2}, and the
 * weights of the first {@code numDriftAtts} attributes move by {@code magChange} after every instance, each
 * reversing its direction with probability {@code sigmaPercentage}/100 — incremental drift.
 *
 * <p>From Geoff Hulten, Laurie Spencer and Pedro Domingos, "Mining time-changing data streams", KDD 2001. Equal,
 * instance for instance, to MOA's {@code moa.streams.generators.HyperplaneGenerator} with the same options. As in
 * MOA, labels are always 0 or 1: {@code numClasses} only sets {@link #numClasses()}.
 *
 * <p>Not thread-safe.
 */
public final class HyperplaneGenerator implements StreamGenerator {

    /** MOA's default {@code numClasses}. */
    static final int DEFAULT_NUM_CLASSES = 2;
    /** MOA's default {@code numAtts}. */
    static final int DEFAULT_NUM_ATTS = 10;
    /** MOA's default {@code numDriftAtts}. */
    static final int DEFAULT_NUM_DRIFT_ATTS = 2;
    /** MOA's default {@code magChange}: no drift. */
    static final double DEFAULT_MAG_CHANGE = 0.0;
    /** MOA's default {@code noisePercentage}. */
    static final int DEFAULT_NOISE_PERCENTAGE = 5;
    /** MOA's default {@code sigmaPercentage}. */
    static final int DEFAULT_SIGMA_PERCENTAGE = 10;
    /** MOA's default {@code instanceRandomSeed}. */
    static final long DEFAULT_SEED = 1;

    private final int numClasses;
    private final int numDriftAtts;
    private final double magChange;
    private final int noisePercentage;
    private final int sigmaPercentage;
    private final List<Attribute> attributes;
    private final Random random;
    private final double[] weights;
    private final int[] directions;

    /** MOA's defaults: 2 classes, 10 attributes, 2 drifting, no change, 5% noise, 10% reversal, seed 1. */
    HyperplaneGenerator() {
        this(DEFAULT_NUM_CLASSES, DEFAULT_NUM_ATTS, DEFAULT_NUM_DRIFT_ATTS, DEFAULT_MAG_CHANGE,
                DEFAULT_NOISE_PERCENTAGE, DEFAULT_SIGMA_PERCENTAGE, DEFAULT_SEED);
    }

    /**
     * @param numClasses the number of classes reported, at least 2 (MOA's {@code -c}; labels stay 0 or 1)
     * @param numAtts the number of attributes, at least 1 (MOA's {@code -a})
     * @param numDriftAtts how many of the first attributes have drifting weights, 0 to {@code numAtts}
     *     (MOA's {@code -k})
     * @param magChange how far a drifting weight moves per instance, 0 to 1 (MOA's {@code -t})
     * @param noisePercentage the percentage of labels flipped, 0 to 100 (MOA's {@code -n})
     * @param sigmaPercentage the percentage chance per instance that a weight reverses its direction, 0 to 100
     *     (MOA's {@code -s})
     * @param instanceRandomSeed the seed (MOA's {@code -i}, an int there)
     */
    public HyperplaneGenerator(int numClasses, int numAtts, int numDriftAtts, double magChange,
            int noisePercentage, int sigmaPercentage, long instanceRandomSeed) {
        this.numClasses = OptionRange.check("numClasses", numClasses, 2, Integer.MAX_VALUE);
        OptionRange.check("numAtts", numAtts, 1, Integer.MAX_VALUE);
        this.numDriftAtts = OptionRange.check("numDriftAtts (at most numAtts)", numDriftAtts, 0, numAtts);
        this.magChange = OptionRange.check("magChange", magChange, 0.0, 1.0);
        this.noisePercentage = OptionRange.check("noisePercentage", noisePercentage, 0, 100);
        this.sigmaPercentage = OptionRange.check("sigmaPercentage", sigmaPercentage, 0, 100);
        List<Attribute> atts = new ArrayList<>(numAtts);
        for (int i = 1; i <= numAtts; i++) {
            atts.add(Attribute.numeric("att" + i));
        }
        this.attributes = Collections.unmodifiableList(atts);
        this.random = new Random(instanceRandomSeed);
        this.weights = new double[numAtts];
        this.directions = new int[numAtts];
        for (int i = 0; i < numAtts; i++) {
            weights[i] = random.nextDouble();
            directions[i] = i < numDriftAtts ? 1 : 0;
        }
    }

    @Override
    public List<Attribute> attributes() {
        return attributes;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public Instance next() {
        double[] x = new double[weights.length];
        double weighted = 0.0;
        double totalWeight = 0.0;
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
            weighted += weights[i] * x[i];
            totalWeight += weights[i];
        }
        int label = weighted >= totalWeight * 0.5 ? 1 : 0;
        if (OptionRange.noise(random, noisePercentage)) {
            label = 1 - label;
        }
        for (int i = 0; i < numDriftAtts; i++) {
            weights[i] += directions[i] * magChange;
            if (OptionRange.noise(random, sigmaPercentage)) {
                directions[i] = -directions[i];
            }
        }
        return new Instance(x, label);
    }
}
