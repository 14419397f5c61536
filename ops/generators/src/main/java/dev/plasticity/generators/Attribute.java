package dev.plasticity.generators;

import java.util.Objects;

/**
 * Describes one attribute of a stream: its name and, for a nominal attribute, how many values it has.
 *
 * @param name the attribute's name, as MOA names it
 * @param numValues the number of values of a nominal attribute (its values are encoded {@code 0 .. numValues - 1}),
 *     or 0 for a numeric attribute
 */
public record Attribute(String name, int numValues) {

    public Attribute {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an attribute needs a name");
        }
        if (numValues < 0) {
            throw new IllegalArgumentException(
                    "numValues is 0 for a numeric attribute or the number of nominal values, was " + numValues);
        }
    }

    /** A numeric attribute. */
    public static Attribute numeric(String name) {
        return new Attribute(name, 0);
    }

    /** A nominal attribute whose values are encoded {@code 0 .. numValues - 1}. */
    public static Attribute nominal(String name, int numValues) {
        if (numValues < 1) {
            throw new IllegalArgumentException("a nominal attribute needs at least one value, was " + numValues);
        }
        return new Attribute(name, numValues);
    }

    /** Whether this attribute is nominal (its values are indices) rather than numeric. */
    public boolean isNominal() {
        return numValues > 0;
    }
}
