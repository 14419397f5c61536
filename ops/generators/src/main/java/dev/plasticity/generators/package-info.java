/**
 * Seeded synthetic data streams with known concept drift, for testing and benchmarking drift detectors and
 * online learners.
 *
 * <p>Every generator here reproduces the instances of its namesake in MOA 2024.07.0 exactly: the same seed and
 * options give the same attribute values and labels, in the same order, as MOA's {@code nextInstance()}. The code is
 * written from the published definitions and MOA's documented behaviour, not copied from MOA (which is GPL-3.0); the
 * tests of this module check the equality against MOA, which is a test dependency only.
 *
 * <p>The public face:
 * <ul>
 *   <li>{@link dev.plasticity.generators.StreamGenerator}: the one interface every stream implements;
 *       {@link dev.plasticity.generators.Instance} and {@link dev.plasticity.generators.Attribute} are its values.</li>
 *   <li>Concepts to build streams from: {@link dev.plasticity.generators.SeaGenerator} (the demo's) and
 *       {@link dev.plasticity.generators.AgrawalGenerator}.</li>
 *   <li>The stream set of the Adaptive Random Forest paper, with its drift positions ({@link
 *       dev.plasticity.generators.Drift}): {@link dev.plasticity.generators.ArfStreams#all()} and {@link
 *       dev.plasticity.generators.ArfStreams#byName(String)}, each a {@link dev.plasticity.generators.BenchmarkStream}.</li>
 * </ul>
 * The other concepts (hyperplane, random RBF with moving centroids, LED with drifting attributes, STAGGER) and
 * the drift between concepts at chosen positions ({@code ConceptDriftStream}) are package-private: they are
 * reached through {@code ArfStreams}.
 *
 * <p>Generators are stateful and not thread-safe: give each thread (or each Flink source split) its own instance.
 */
package dev.plasticity.generators;
