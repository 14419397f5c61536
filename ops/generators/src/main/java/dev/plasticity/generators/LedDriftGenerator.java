package dev.plasticity.generators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The LED display problem with drifting attributes: predict the digit (0-9) shown on a seven-segment display whose
 * segments are each wrong with probability {@code noisePercentage}/100, next to 17 irrelevant random binary
 * attributes. Drift comes from swapping the first {@code numberAttributesDrift} segments with the first irrelevant
 * attributes: segment {@code i} then appears at position {@code 7 + i} and irrelevant attribute {@code i} at
 * position {@code i}.
 *
 * <p>From Leo Breiman, Jerome Friedman, Richard Olshen and Charles Stone, "Classification and Regression Trees",
 * Wadsworth, 1984. Equal, instance for instance, to MOA's {@code moa.streams.generators.LEDGeneratorDrift} with the
 * same options (which, like MOA, swaps nothing when the irrelevant attributes are suppressed). All attributes are
 * nominal with two values.
 *
 * <p>Not thread-safe.
 */
final class LedDriftGenerator implements StreamGenerator {

    /** MOA's default {@code noisePercentage}. */
    static final int DEFAULT_NOISE_PERCENTAGE = 10;
    /** MOA's default {@code numberAttributesDrift}. */
    static final int DEFAULT_NUMBER_ATTRIBUTES_DRIFT = 1;
    /** MOA's default {@code instanceRandomSeed}. */
    static final long DEFAULT_SEED = 1;

    private static final int SEGMENTS = 7;
    private static final int IRRELEVANT = 17;
    /** Segments lit for each digit: top, upper left, upper right, middle, lower left, lower right, bottom. */
    private static final boolean[][] DIGITS = {
        segments("1110111"), segments("0010010"), segments("1011101"), segments("1011011"), segments("0111010"),
        segments("1101011"), segments("1101111"), segments("1010010"), segments("1111111"), segments("1111011"),
    };

    private final int noisePercentage;
    private final boolean suppressIrrelevantAttributes;
    private final int[] positionOf;
    private final List<Attribute> attributes;
    private final Random random;

    /** MOA's defaults: 10% noise, irrelevant attributes kept, one drifting attribute, seed 1. */
    LedDriftGenerator() {
        this(DEFAULT_NOISE_PERCENTAGE, false, DEFAULT_NUMBER_ATTRIBUTES_DRIFT, DEFAULT_SEED);
    }

    /**
     * @param noisePercentage the percentage chance that a segment is inverted, 0 to 100 (MOA's {@code -n})
     * @param suppressIrrelevantAttributes keep only the 7 segments (MOA's {@code -s})
     * @param numberAttributesDrift how many segments swap places with irrelevant attributes, 0 to 7 (MOA's
     *     {@code -d})
     * @param instanceRandomSeed the seed (MOA's {@code -i}, an int there)
     */
    LedDriftGenerator(int noisePercentage, boolean suppressIrrelevantAttributes, int numberAttributesDrift,
            long instanceRandomSeed) {
        this.noisePercentage = OptionRange.check("noisePercentage", noisePercentage, 0, 100);
        this.suppressIrrelevantAttributes = suppressIrrelevantAttributes;
        OptionRange.check("numberAttributesDrift", numberAttributesDrift, 0, SEGMENTS);
        int numAtts = suppressIrrelevantAttributes ? SEGMENTS : SEGMENTS + IRRELEVANT;
        this.positionOf = new int[numAtts];
        for (int i = 0; i < numAtts; i++) {
            positionOf[i] = i;
        }
        if (!suppressIrrelevantAttributes) {
            for (int i = 0; i < numberAttributesDrift; i++) {
                positionOf[i] = SEGMENTS + i;
                positionOf[SEGMENTS + i] = i;
            }
        }
        List<Attribute> atts = new ArrayList<>(numAtts);
        for (int i = 1; i <= numAtts; i++) {
            atts.add(Attribute.nominal("att" + i, 2));
        }
        this.attributes = Collections.unmodifiableList(atts);
        this.random = new Random(instanceRandomSeed);
    }

    @Override
    public List<Attribute> attributes() {
        return attributes;
    }

    @Override
    public int numClasses() {
        return 10;
    }

    @Override
    public Instance next() {
        double[] x = new double[positionOf.length];
        int digit = random.nextInt(10);
        for (int segment = 0; segment < SEGMENTS; segment++) {
            boolean lit = DIGITS[digit][segment] != OptionRange.noise(random, noisePercentage);
            x[positionOf[segment]] = lit ? 1 : 0;
        }
        if (!suppressIrrelevantAttributes) {
            for (int i = 0; i < IRRELEVANT; i++) {
                x[positionOf[SEGMENTS + i]] = random.nextInt(2);
            }
        }
        return new Instance(x, digit);
    }

    private static boolean[] segments(String lit) {
        boolean[] segments = new boolean[lit.length()];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = lit.charAt(i) == '1';
        }
        return segments;
    }
}
