package dev.plasticity.generators;

/** Checks a generator option against the range MOA allows for it, naming the option in the message. */
final class OptionRange {

    private OptionRange() {
    }

    static int check(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    option + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    static double check(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    option + " must be in [" + min + ", " + max + "], was " + value);
        }
        return value;
    }

    /** Draws MOA's noise decision: true with probability {@code percentage}/100, using one {@code nextInt(100)}. */
    static boolean noise(java.util.Random random, int percentage) {
        return 1 + random.nextInt(100) <= percentage;
    }
}
