package dev.plasticity.generators;

import java.util.List;
import java.util.Random;

/**
 * The SEA concepts: three numeric attributes uniform in [0, 10), of which only the first two decide the class, by
 * whether their sum exceeds a threshold (8, 9, 7 or 9.5 for functions 1 to 4).
 *
 * <p>From W. Nick Street and YongSeog Kim, "A streaming ensemble algorithm (SEA) for large-scale classification",
 * KDD 2001. Equal, instance for instance, to MOA's {@code moa.streams.generators.SEAGenerator} with the same options:
 * the label is 0 when {@code attrib1 + attrib2 <= threshold}, and then flipped with probability
 * {@code noisePercentage}/100.
 *
 * <p>Not thread-safe.
 */
public final class SeaGenerator implements StreamGenerator {

    /** MOA's default {@code function}. */
    static final int DEFAULT_FUNCTION = 1;
    /** MOA's default {@code noisePercentage}. */
    static final int DEFAULT_NOISE_PERCENTAGE = 10;
    /** MOA's default {@code instanceRandomSeed}. */
    public static final long DEFAULT_SEED = 1;

    private static final double[] THRESHOLDS = {8.0, 9.0, 7.0, 9.5};
    private static final List<Attribute> ATTRIBUTES = List.of(
            Attribute.numeric("attrib1"), Attribute.numeric("attrib2"), Attribute.numeric("attrib3"));

    private final double threshold;
    private final boolean balanceClasses;
    private final int noisePercentage;
    private final Random random;
    private boolean nextClassShouldBeZero;

    /** MOA's defaults: function 1, no class balancing, 10% noise, seed 1. */
    public SeaGenerator() {
        this(DEFAULT_FUNCTION, false, DEFAULT_NOISE_PERCENTAGE, DEFAULT_SEED);
    }

    /**
     * @param function the concept, 1 to 4 (MOA's {@code -f})
     * @param balanceClasses draw until the classes alternate, starting with class 1 (MOA's {@code -b})
     * @param noisePercentage the percentage of labels flipped, 0 to 100 (MOA's {@code -p})
     * @param instanceRandomSeed the seed (MOA's {@code -i}, an int there)
     */
    public SeaGenerator(int function, boolean balanceClasses, int noisePercentage, long instanceRandomSeed) {
        this.threshold = THRESHOLDS[OptionRange.check("function", function, 1, 4) - 1];
        this.balanceClasses = balanceClasses;
        this.noisePercentage = OptionRange.check("noisePercentage", noisePercentage, 0, 100);
        this.random = new Random(instanceRandomSeed);
    }

    @Override
    public List<Attribute> attributes() {
        return ATTRIBUTES;
    }

    @Override
    public int numClasses() {
        return 2;
    }

    @Override
    public Instance next() {
        double a1;
        double a2;
        double a3;
        int label;
        while (true) {
            a1 = 10 * random.nextDouble();
            a2 = 10 * random.nextDouble();
            a3 = 10 * random.nextDouble();
            label = a1 + a2 <= threshold ? 0 : 1;
            if (!balanceClasses || (label == 0) == nextClassShouldBeZero) {
                break;
            }
        }
        if (balanceClasses) {
            nextClassShouldBeZero = !nextClassShouldBeZero;
        }
        if (OptionRange.noise(random, noisePercentage)) {
            label = 1 - label;
        }
        return new Instance(new double[] {a1, a2, a3}, label);
    }
}
