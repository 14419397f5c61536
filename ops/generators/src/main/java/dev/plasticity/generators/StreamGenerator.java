package dev.plasticity.generators;

import java.util.List;

/**
 * An endless, seeded stream of labelled instances.
 *
 * <p>The same constructor arguments always give the same sequence of instances. Implementations are stateful and
 * <b>not thread-safe</b>: each call to {@link #next()} advances the stream.
 */
public interface StreamGenerator {

    /** The attributes of every instance, in the order of {@link Instance#features()}. */
    List<Attribute> attributes();

    /** The names of the attributes, in the order of {@link Instance#features()}. */
    default List<String> featureNames() {
        return attributes().stream().map(Attribute::name).toList();
    }

    /** Whether attribute {@code index} is nominal (encoded as the index of its value). */
    default boolean isNominal(int index) {
        return attributes().get(index).isNominal();
    }

    /** The number of classes; labels are {@code 0 .. numClasses() - 1}. */
    int numClasses();

    /** Draws the next instance. */
    Instance next();
}
