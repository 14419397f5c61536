package dev.plasticity.generators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random radial basis functions with moving centroids: a fixed set of weighted, labelled centroids in the unit
 * hypercube; each instance picks a centroid by weight and lies in a random direction from it at a Gaussian distance
 * scaled by the centroid's standard deviation. The first {@code numDriftCentroids} centroids move by
 * {@code speedChange} per instance along a random unit direction, bouncing off the cube's faces — incremental drift.
 *
 * <p>The generator of Albert Bifet, Geoff Holmes, Bernhard Pfahringer, Richard Kirkby and Ricard Gavaldà, "New
 * ensemble methods for evolving data streams", KDD 2009. Equal, instance for instance, to MOA's
 * {@code moa.streams.generators.RandomRBFGeneratorDrift} with the same options: the model (centroids and their
 * speeds) comes from {@code modelRandomSeed}, the instances from {@code instanceRandomSeed}.
 *
 * <p>Not thread-safe.
 */
final class RandomRbfDriftGenerator implements StreamGenerator {

    /** MOA's default {@code modelRandomSeed}. */
    static final long DEFAULT_MODEL_SEED = 1;
    /** MOA's default {@code instanceRandomSeed}. */
    static final long DEFAULT_INSTANCE_SEED = 1;
    /** MOA's default {@code numClasses}. */
    static final int DEFAULT_NUM_CLASSES = 2;
    /** MOA's default {@code numAtts}. */
    static final int DEFAULT_NUM_ATTS = 10;
    /** MOA's default {@code numCentroids}. */
    static final int DEFAULT_NUM_CENTROIDS = 50;
    /** MOA's default {@code speedChange}: centroids stand still. */
    static final double DEFAULT_SPEED_CHANGE = 0.0;
    /** MOA's default {@code numDriftCentroids}. */
    static final int DEFAULT_NUM_DRIFT_CENTROIDS = 50;

    private final int numClasses;
    private final double speedChange;
    private final List<Attribute> attributes;
    private final double[][] centres;
    private final int[] labels;
    private final double[] stdDevs;
    private final double[] weights;
    private final double totalWeight;
    private final double[][] velocities;
    private final Random random;

    /** MOA's defaults: seeds 1, 2 classes, 10 attributes, 50 centroids, all drifting, speed 0. */
    RandomRbfDriftGenerator() {
        this(DEFAULT_MODEL_SEED, DEFAULT_INSTANCE_SEED, DEFAULT_NUM_CLASSES, DEFAULT_NUM_ATTS, DEFAULT_NUM_CENTROIDS,
                DEFAULT_SPEED_CHANGE, DEFAULT_NUM_DRIFT_CENTROIDS);
    }

    /**
     * @param modelRandomSeed the seed of the centroids and their directions (MOA's {@code -r}, an int there)
     * @param instanceRandomSeed the seed of the instances (MOA's {@code -i}, an int there)
     * @param numClasses the number of classes, at least 2 (MOA's {@code -c})
     * @param numAtts the number of numeric attributes, at least 1 (MOA's {@code -a})
     * @param numCentroids the number of centroids, at least 1 (MOA's {@code -n})
     * @param speedChange how far a drifting centroid moves per instance, finite and at least 0 (MOA's {@code -s})
     * @param numDriftCentroids how many of the centroids move, at least 0; more than {@code numCentroids} means all
     *     (MOA's {@code -k})
     */
    RandomRbfDriftGenerator(long modelRandomSeed, long instanceRandomSeed, int numClasses, int numAtts,
            int numCentroids, double speedChange, int numDriftCentroids) {
        this.numClasses = OptionRange.check("numClasses", numClasses, 2, Integer.MAX_VALUE);
        OptionRange.check("numAtts", numAtts, 1, Integer.MAX_VALUE);
        OptionRange.check("numCentroids", numCentroids, 1, Integer.MAX_VALUE);
        this.speedChange = OptionRange.check("speedChange", speedChange, 0.0, Double.MAX_VALUE);
        OptionRange.check("numDriftCentroids", numDriftCentroids, 0, Integer.MAX_VALUE);
        List<Attribute> atts = new ArrayList<>(numAtts);
        for (int i = 1; i <= numAtts; i++) {
            atts.add(Attribute.numeric("att" + i));
        }
        this.attributes = Collections.unmodifiableList(atts);

        Random model = new Random(modelRandomSeed);
        this.centres = new double[numCentroids][numAtts];
        this.labels = new int[numCentroids];
        this.stdDevs = new double[numCentroids];
        this.weights = new double[numCentroids];
        for (int c = 0; c < numCentroids; c++) {
            for (int i = 0; i < numAtts; i++) {
                centres[c][i] = model.nextDouble();
            }
            labels[c] = model.nextInt(numClasses);
            stdDevs[c] = model.nextDouble();
            weights[c] = model.nextDouble();
        }
        double sum = 0.0;
        for (double w : weights) {
            sum += w;
        }
        this.totalWeight = sum;

        // MOA draws the directions from a second generator with the same model seed.
        Random directions = new Random(modelRandomSeed);
        this.velocities = new double[Math.min(numDriftCentroids, numCentroids)][numAtts];
        for (double[] v : velocities) {
            double squares = 0.0;
            for (int i = 0; i < numAtts; i++) {
                v[i] = directions.nextDouble();
                squares += v[i] * v[i];
            }
            double norm = Math.sqrt(squares);
            for (int i = 0; i < numAtts; i++) {
                v[i] /= norm;
            }
        }
        this.random = new Random(instanceRandomSeed);
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
        moveCentroids();
        int c = pickCentroid();
        double[] centre = centres[c];
        double[] x = new double[centre.length];
        double squares = 0.0;
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble() * 2.0 - 1.0;
        }
        for (double v : x) {
            squares += v * v;
        }
        double scale = random.nextGaussian() * stdDevs[c] / Math.sqrt(squares);
        for (int i = 0; i < x.length; i++) {
            x[i] = centre[i] + x[i] * scale;
        }
        return new Instance(x, labels[c]);
    }

    private void moveCentroids() {
        for (int c = 0; c < velocities.length; c++) {
            double[] centre = centres[c];
            double[] v = velocities[c];
            for (int i = 0; i < centre.length; i++) {
                centre[i] += v[i] * speedChange;
                if (centre[i] > 1) {
                    centre[i] = 1;
                    v[i] = -v[i];
                }
                if (centre[i] < 0) {
                    centre[i] = 0;
                    v[i] = -v[i];
                }
            }
        }
    }

    /** Picks a centroid with probability proportional to its weight, with one {@code nextDouble()}. */
    private int pickCentroid() {
        double target = random.nextDouble() * totalWeight;
        double cumulative = 0.0;
        int next = 0;
        while (cumulative <= target && next < weights.length) {
            cumulative += weights[next++];
        }
        return next - 1;
    }
}
