package dev.plasticity.generators;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled example drawn from a {@link StreamGenerator}.
 *
 * <p>Numeric attributes hold their value; a nominal attribute holds the index of its value ({@code 0 ..
 * numValues - 1}, see {@link Attribute}) as a double, as MOA stores it. The label is the class index, {@code 0 ..
 * numClasses - 1}.
 *
 * <p>Immutable: the constructor copies {@code features} and {@link #features()} returns a copy, so read single values
 * with {@link #feature(int)} where copying would matter.
 *
 * @param features attribute values in the order of {@link StreamGenerator#attributes()}
 * @param label the class index
 */
public record Instance(double[] features, int label) {

    public Instance {
        Objects.requireNonNull(features, "features");
        if (label < 0) {
            throw new IllegalArgumentException("label must be a class index >= 0, was " + label);
        }
        features = features.clone();
    }

    /** A copy of the attribute values. */
    @Override
    public double[] features() {
        return features.clone();
    }

    /** The value of attribute {@code index}, without copying. */
    public double feature(int index) {
        return features[index];
    }

    /** How many attribute values this instance has (the class label not counted). */
    public int numFeatures() {
        return features.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Instance that && label == that.label && Arrays.equals(features, that.features);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(features) + label;
    }

    @Override
    public String toString() {
        return "Instance[features=" + Arrays.toString(features) + ", label=" + label + "]";
    }
}
