package dev.plasticity.generators;

import java.util.List;
import java.util.Random;

/**
 * The STAGGER concepts: objects with a size (small, medium, large), a colour (red, blue, green) and a shape (circle,
 * square, triangle), all uniform, labelled true (1) by one of three concepts: function 1 {@code size = small and
 * color = red}, function 2 {@code color = green or shape = circle}, function 3 {@code size = medium or large}.
 *
 * <p>From Jeffrey C. Schlimmer and Richard H. Granger, "Incremental learning from noisy data", Machine Learning 1(3),
 * 1986. Equal, instance for instance, to MOA's {@code moa.streams.generators.STAGGERGenerator} with the same options.
 * All three attributes are nominal, encoded in the order listed above.
 *
 * <p>Not thread-safe.
 */
final class StaggerGenerator implements StreamGenerator {

    /** MOA's default {@code function}. */
    static final int DEFAULT_FUNCTION = 1;
    /** MOA's default {@code instanceRandomSeed}. */
    static final long DEFAULT_SEED = 1;

    private static final int SMALL = 0;
    private static final int RED = 0;
    private static final int GREEN = 2;
    private static final int CIRCLE = 0;
    private static final List<Attribute> ATTRIBUTES = List.of(
            Attribute.nominal("size", 3), Attribute.nominal("color", 3), Attribute.nominal("shape", 3));

    private final int function;
    private final boolean balanceClasses;
    private final Random random;
    private boolean nextClassShouldBeZero;

    /** MOA's defaults: function 1, no class balancing, seed 1. */
    StaggerGenerator() {
        this(DEFAULT_FUNCTION, false, DEFAULT_SEED);
    }

    /**
     * @param function the concept, 1 to 3 (MOA's {@code -f})
     * @param balanceClasses draw until the classes alternate, starting with class 1 (MOA's {@code -b})
     * @param instanceRandomSeed the seed (MOA's {@code -i}, an int there)
     */
    StaggerGenerator(int function, boolean balanceClasses, long instanceRandomSeed) {
        this.function = OptionRange.check("function", function, 1, 3);
        this.balanceClasses = balanceClasses;
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
        int size;
        int color;
        int shape;
        int label;
        while (true) {
            size = random.nextInt(3);
            color = random.nextInt(3);
            shape = random.nextInt(3);
            boolean concept = switch (function) {
                case 1 -> size == SMALL && color == RED;
                case 2 -> color == GREEN || shape == CIRCLE;
                default -> size != SMALL;
            };
            label = concept ? 1 : 0;
            if (!balanceClasses || (label == 0) == nextClassShouldBeZero) {
                break;
            }
        }
        if (balanceClasses) {
            nextClassShouldBeZero = !nextClassShouldBeZero;
        }
        return new Instance(new double[] {size, color, shape}, label);
    }
}
